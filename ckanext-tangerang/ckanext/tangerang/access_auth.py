"""Auth of restricted data (see ``access``): the one check every byte-serving route calls,
the DataStore reads chained to it, and the agreement and access-request actions.

Auth functions only decide; the audit of a refusal or a read is written by the route or the
chained action that serves the bytes (``access_views``, ``access_actions``), because CKAN
also calls auth functions to decide what a page shows.
"""

from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ckanext.tangerang import access, review


def _inner(context: Context) -> Context:
    # A fresh context: check_access caches objects of the first dataset in the caller's.
    inner: Context = {"user": context.get("user", ""), "model": model}
    if "auth_user_obj" in context:
        inner["auth_user_obj"] = context["auth_user_obj"]
    return inner


def _files_permission(context: Context, resource_id: str | None) -> AuthResult:
    """``resource_show``, and for a restricted dataset ``access.may_read_files`` too.

    :raises ckan.logic.NotFound: the resource does not exist
    """
    if not resource_id:
        return {"success": False, "msg": tk._("Resource id is required")}
    try:
        tk.check_access("resource_show", _inner(context), {"id": resource_id})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Not authorized to read this resource")}
    found = access.resource_package(resource_id)
    if found is None:
        raise tk.ObjectNotFound(tk._("Resource not found"))
    _resource, package = found
    if access.may_read_files(access.user_of(context), package):
        return {"success": True}
    return {
        "success": False,
        "msg": tk._(
            "This data is restricted: only partner universities with an agreement and an "
            "approved access request may download it"
        ),
    }


@tk.auth_allow_anonymous_access
def tangerang_resource_download(context: Context, data_dict: DataDict) -> AuthResult:
    """May the user have the bytes of resource ``id``: its uploaded file (any version), its
    DataStore rows? For a resource of an unrestricted dataset this is ``resource_show``;
    for a restricted one (``terbatas``/``tertutup``) also ``access.may_read_files``.
    Every route that serves a resource's bytes calls it."""
    return _files_permission(context, data_dict.get("id") or data_dict.get("resource_id"))


# --- DataStore reads, chained after the DataStore's own -------------------------------------


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """The DataStore's check (``resource_show``), then ``tangerang_resource_download``."""
    result = next_auth(context, data_dict)
    if not result.get("success"):
        return result
    return _files_permission(context, data_dict.get("resource_id") or data_dict.get("id"))


@tk.chained_auth_function
@tk.auth_allow_anonymous_access  # as the DataStore's own: the dataset page asks anonymously
def datastore_info(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """The DataStore's check, then ``tangerang_resource_download``."""
    result = next_auth(context, data_dict)
    if not result.get("success"):
        return result
    return _files_permission(context, data_dict.get("resource_id") or data_dict.get("id"))


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search_sql(
    next_auth: AuthFunction, context: Context, data_dict: DataDict
) -> AuthResult:
    """The DataStore's check, then ``tangerang_resource_download`` for every table the query
    names (``context['table_names']``, resource ids). A name that is no resource (a view,
    a system table) is left to the DataStore's own check. The names are kept for the
    chained action's audit (``access.SQL_TABLES``)."""
    # The DataStore passes a generator: read it once, for its check and for ours.
    names = list(context.get("table_names") or [])
    context["table_names"] = names
    access.SQL_TABLES.set(names)
    result = next_auth(context, data_dict)
    if not result.get("success"):
        return result
    for name in names:
        if access.resource_package(name) is None:
            continue
        allowed = _files_permission(context, name)
        if not allowed["success"]:
            return allowed
    return {"success": True}


# --- agreements and access requests -----------------------------------------------------------
# Sysadmins are checked too (auth_sysadmins_check): the bot must be refused even if someone
# made it a sysadmin.


def _reviewer(context: Context) -> AuthResult:
    if review.is_reviewer(access.user_of(context)):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the walidata may manage restricted-data access")}


@tk.auth_sysadmins_check
def tangerang_agreement_create(context: Context, data_dict: DataDict) -> AuthResult:
    """The walidata and sysadmins (never the bot)."""
    return _reviewer(context)


@tk.auth_sysadmins_check
def tangerang_agreement_update(context: Context, data_dict: DataDict) -> AuthResult:
    """The walidata and sysadmins (never the bot)."""
    return _reviewer(context)


@tk.auth_sysadmins_check
def tangerang_agreement_list(context: Context, data_dict: DataDict) -> AuthResult:
    """The walidata and sysadmins (never the bot)."""
    return _reviewer(context)


@tk.auth_sysadmins_check
def tangerang_agreement_show(context: Context, data_dict: DataDict) -> AuthResult:
    """The walidata and sysadmins (never the bot)."""
    return _reviewer(context)


def tangerang_access_request_create(context: Context, data_dict: DataDict) -> AuthResult:
    """A logged-in member of a university organization."""
    if access.universities(access.user_of(context)):
        return {"success": True}
    return {
        "success": False,
        "msg": tk._("Only members of a partner university may request access"),
    }


@tk.auth_sysadmins_check
def tangerang_access_request_decide(context: Context, data_dict: DataDict) -> AuthResult:
    """The walidata and sysadmins (never the bot)."""
    return _reviewer(context)


def tangerang_access_request_list(context: Context, data_dict: DataDict) -> AuthResult:
    """The walidata and sysadmins see every request; any other logged-in user their own
    (the action narrows the list to them)."""
    if access.user_of(context) is None:
        return {"success": False, "msg": tk._("Log in to see access requests")}
    return {"success": True}


@tk.auth_sysadmins_check
def tangerang_access_audit_list(context: Context, data_dict: DataDict) -> AuthResult:
    """The walidata and sysadmins (never the bot)."""
    return _reviewer(context)
