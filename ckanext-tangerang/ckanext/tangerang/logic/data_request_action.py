"""Actions of the public data requests (``data_requests``); the docstrings are the API
documentation. Every public function here is an action (``plugin._actions``), each with its
auth function of the same name in ``logic/auth.py``."""

from __future__ import annotations

import re
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict, Schema, Validator, ValidatorFactory

from ckanext.tangerang import data_requests, review
from ckanext.tangerang.logic.action import _access_first

TITLE_MAX = 200
TEXT_MAX = 4000
# A pragmatic address check (the mail server is the real test): one @, a dotted domain.
EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def _text(limit: int) -> Validator:
    def validator(value: Any) -> Any:
        text = str(value).strip()
        if not text:
            raise tk.Invalid(tk._("Missing value"))
        if len(text) > limit:
            raise tk.Invalid(tk._("At most {limit} characters").format(limit=limit))
        return text

    return validator


def _email(value: Any) -> Any:
    text = str(value).strip()
    if text and (len(text) > 254 or not EMAIL.match(text)):
        raise tk.Invalid(tk._("Enter a valid e-mail address, e.g. nama@contoh.id"))
    return text or None


def _organization_id(value: Any) -> Any:
    """An active organization, by id or name, as its id; empty: none."""
    text = str(value).strip()
    if not text:
        return None
    group = model.Group.get(text)
    if group is None or not group.is_organization or group.state != "active":
        raise tk.Invalid(tk._("Unknown data producer"))
    return group.id


@tk.validator_args
def _create_schema(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator
) -> Schema:
    return {
        "title": [not_empty, unicode_safe, _text(TITLE_MAX)],
        "description": [not_empty, unicode_safe, _text(TEXT_MAX)],
        "purpose": [not_empty, unicode_safe, _text(TEXT_MAX)],
        "organization": [ignore_missing, unicode_safe, _organization_id],
        "email": [ignore_missing, unicode_safe, _email],
    }


@tk.validator_args
def _show_schema(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe]}


@tk.validator_args
def _list_schema(
    ignore_missing: Validator,
    default: ValidatorFactory,
    one_of: ValidatorFactory,
    natural_number_validator: Validator,
    limit_to_configured_maximum: ValidatorFactory,
) -> Schema:
    return {
        "status": [ignore_missing, one_of(list(data_requests.STATUSES))],
        "limit": [
            default(20),
            natural_number_validator,
            limit_to_configured_maximum("ckanext.tangerang.run_report_list_max", 100),
        ],
        "offset": [default(0), natural_number_validator],
    }


@tk.validator_args
def _update_status_schema(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    one_of: ValidatorFactory,
    convert_package_name_or_id_to_id: Validator,
) -> Schema:
    return {
        "id": [not_empty, unicode_safe],
        "status": [not_empty, one_of(list(data_requests.STATUSES))],
        "reason": [ignore_missing, unicode_safe, _text(TEXT_MAX)],
        "package_id": [ignore_missing, unicode_safe, convert_package_name_or_id_to_id],
    }


def _user(context: Context) -> model.User | None:
    user = context.get("auth_user_obj")
    if not isinstance(user, model.User) and context.get("user"):
        user = model.User.get(context["user"])
    return user if isinstance(user, model.User) else None


def _request_or_404(request_id: str) -> data_requests.DataRequest:
    request = data_requests.get(request_id)
    if request is None:
        raise tk.ObjectNotFound(tk._("Data request not found"))
    return request


@_access_first
@tk.validate(_create_schema)
def tangerang_data_request_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Ask the city for a dataset (*permohonan data*). Its status starts as ``diterima``.

    Signed-in users (not the pipeline bot) may call it through the API; the request carries
    their user. Anonymous visitors ask through the form at ``/permohonan-data`` (CSRF token
    checked) and must give an e-mail address. Either way the requests of one client are
    limited per hour (``ckanext.tangerang.data_request_rate_per_hour``; for anonymous
    requests also ``ckanext.tangerang.data_request_anonymous_rate_per_hour`` together): over
    the limit the request is refused with a ``rate`` error.

    :param title: the data asked for (at most 200 characters)
    :type title: string
    :param description: what the data should contain (at most 4000 characters)
    :type description: string
    :param purpose: what the data will be used for (at most 4000 characters)
    :type purpose: string
    :param organization: id or name of the data producer asked, when known (optional)
    :type organization: string
    :param email: the requester's e-mail address (required when not signed in; never shown
        publicly)
    :type email: string

    :returns: the request as ``tangerang_data_request_show`` shows it to the requester's
        peers: without the e-mail address
    :rtype: dict
    """
    user = _user(context)
    if user is None and not data_dict.get("email"):
        raise tk.ValidationError({"email": [tk._("An e-mail address is required")]})
    client = context.get("tangerang_client") or data_requests.client_key(
        f"user:{user.id}" if user else ""
    )
    data_requests.check_rate(client, anonymous=user is None)
    request = data_requests.create(data_dict, user)
    model.Session.commit()
    return data_requests.as_dict(request)


@tk.side_effect_free
@_access_first
@tk.validate(_show_schema)
def tangerang_data_request_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One data request: its status, the reason of a refusal, and the dataset that answers
    it. Public; only the walidata and sysadmins also see who asked (``email``, ``user``).

    :param id: the request's id
    :type id: string

    :returns: the request (``id``, ``title``, ``description``, ``purpose``,
        ``organization``, ``status``, ``reason``, ``package`` (``id``, ``name``, ``title`` of
        the public dataset that answers it, or null), ``history``, ``created``, ``modified``)
    :rtype: dict
    """
    request = _request_or_404(data_dict["id"])
    return data_requests.as_dict(request, private=review.is_reviewer(_user(context)))


@tk.side_effect_free
@_access_first
@tk.validate(_list_schema)
def tangerang_data_request_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The data requests, newest first. Public, without who asked.

    :param status: only the requests with this status (``diterima``, ``diproses``,
        ``tersedia``, ``ditolak``; optional)
    :type status: string
    :param limit: at most this many (default 20, at most
        ``ckanext.tangerang.run_report_list_max``)
    :type limit: int
    :param offset: skip this many (default 0)
    :type offset: int

    :returns: ``{"count": total, "results": [request, ...]}``
    :rtype: dict
    """
    total, rows = data_requests.search(
        data_dict.get("status"), data_dict["limit"], data_dict["offset"]
    )
    return {"count": total, "results": [data_requests.as_dict(row) for row in rows]}


@_access_first
@tk.validate(_update_status_schema)
def tangerang_data_request_update_status(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Change the status of a data request (the walidata and sysadmins, never the bot).

    ``ditolak`` needs a ``reason``; ``tersedia`` needs the ``package_id`` of the active,
    public dataset that answers the request, which then names it ("Menjawab permohonan" on
    the dataset's page). Every change is kept in the request's history.

    :param id: the request's id
    :type id: string
    :param status: ``diterima``, ``diproses``, ``tersedia`` or ``ditolak``
    :type status: string
    :param reason: why (required with ``ditolak``; optional otherwise, shown publicly)
    :type reason: string
    :param package_id: id or name of the answering dataset (required with ``tersedia``)
    :type package_id: string

    :returns: the request, as ``tangerang_data_request_show`` shows it to a reviewer
    :rtype: dict
    """
    request = _request_or_404(data_dict["id"])
    status = data_dict["status"]
    errors: dict[str, list[str]] = {}
    if status == data_requests.REJECTED and not data_dict.get("reason"):
        errors["reason"] = [tk._("A refusal needs a reason")]
    package_id = data_dict.get("package_id")
    if status == data_requests.AVAILABLE:
        package = model.Package.get(package_id) if package_id else None
        if package is None:
            errors["package_id"] = [tk._("Name the published dataset that answers the request")]
        elif package.state != "active" or package.private:
            errors["package_id"] = [tk._("The dataset is not published (public) yet")]
    if errors:
        raise tk.ValidationError(errors)
    data_requests.change_status(request, status, data_dict.get("reason"), package_id)
    model.Session.commit()
    return data_requests.as_dict(request, private=True)
