"""Auth functions: a run report follows the permissions of its dataset."""

from __future__ import annotations

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.tangerang import review
from ckanext.tangerang.model import RunReport


def _dataset_permission(context: Context, action: str, package_id: str | None) -> AuthResult:
    if not package_id:
        return {"success": False, "msg": tk._("package_id is required")}
    # A fresh context: the caller's may carry objects of another dataset.
    inner: Context = {"user": context.get("user", ""), "model": model}
    if "auth_user_obj" in context:
        inner["auth_user_obj"] = context["auth_user_obj"]
    try:
        tk.check_access(action, inner, {"id": package_id})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Not authorized for this dataset")}
    return {"success": True}


def tangerang_run_report_create(context: Context, data_dict: DataDict) -> AuthResult:
    """Sysadmins, and users who may update the dataset (the pipeline bot as org editor)."""
    return _dataset_permission(context, "package_update", data_dict.get("package_id"))


@tk.auth_allow_anonymous_access
def tangerang_run_report_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may read the dataset may read its runs."""
    return _dataset_permission(context, "package_show", data_dict.get("package_id"))


@tk.auth_allow_anonymous_access
def tangerang_run_report_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may read the dataset of the run may read the run."""
    report = model.Session.get(RunReport, data_dict.get("id") or "")
    if report is None:
        raise tk.ObjectNotFound(tk._("Run report not found"))
    return _dataset_permission(context, "package_show", report.package_id)


@tk.auth_allow_anonymous_access
def tangerang_run_data_docs_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may read the dataset may read the Data Docs of its runs."""
    return _dataset_permission(context, "package_show", data_dict.get("package_id"))


@tk.auth_allow_anonymous_access
def tangerang_dimension_summary(context: Context, data_dict: DataDict) -> AuthResult:
    """Public: it only counts public datasets."""
    return {"success": True}


def _resource_permission(context: Context, resource_id: str | None) -> AuthResult:
    """Whoever may update the resource (``resource_update``: its dataset's editors)."""
    if not resource_id:
        return {"success": False, "msg": tk._("resource_id is required")}
    inner: Context = {"user": context.get("user", ""), "model": model}
    if "auth_user_obj" in context:
        inner["auth_user_obj"] = context["auth_user_obj"]
    try:
        tk.check_access("resource_update", inner, {"id": resource_id})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Not authorized for this resource")}
    return {"success": True}


def tangerang_datastore_load(context: Context, data_dict: DataDict) -> AuthResult:
    """Sysadmins, and users who may update the resource (the pipeline bot as org editor)."""
    return _resource_permission(context, data_dict.get("resource_id"))


def tangerang_datastore_load_status(context: Context, data_dict: DataDict) -> AuthResult:
    """Those who may load the resource may follow its loads."""
    from ckanext.tangerang.load_job import DatastoreLoadJob

    resource_id = data_dict.get("resource_id")
    if data_dict.get("id"):
        job = model.Session.get(DatastoreLoadJob, data_dict["id"])
        if job is None:
            raise tk.ObjectNotFound(tk._("DataStore load not found"))
        resource_id = job.resource_id
    return _resource_permission(context, resource_id)


# --- walidata review ----------------------------------------------------------------------
# Sysadmins are checked too (auth_sysadmins_check): the bot must be refused even if someone
# made it a sysadmin.


def _user(context: Context) -> model.User | None:
    user = context.get("auth_user_obj")
    if user is None and context.get("user"):
        user = model.User.get(context["user"])
    return user if isinstance(user, model.User) else None


def _decision(context: Context, data_dict: DataDict) -> AuthResult:
    """A reviewer, who is no editor or admin of the dataset's producer."""
    user = _user(context)
    if user is None or not review.is_reviewer(user):
        return {"success": False, "msg": tk._("Only the walidata may review datasets")}
    package = model.Package.get(data_dict.get("package_id") or "")
    if package is None:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    if package.owner_org and authz.users_role_for_group_or_org(package.owner_org, user.name) in (
        "editor",
        "admin",
    ):
        return {
            "success": False,
            "msg": tk._("A producer's editor may not review the producer's own datasets"),
        }
    return {"success": True}


@tk.auth_sysadmins_check
def tangerang_review_approve(context: Context, data_dict: DataDict) -> AuthResult:
    """The walidata and sysadmins, except the bot and the producer's own editors."""
    return _decision(context, data_dict)


@tk.auth_sysadmins_check
def tangerang_review_return(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may approve the dataset may return it."""
    return _decision(context, data_dict)


@tk.auth_sysadmins_check
def tangerang_review_list(context: Context, data_dict: DataDict) -> AuthResult:
    """The walidata and sysadmins (not the bot): the queue names every producer's datasets."""
    if review.is_reviewer(_user(context)):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the walidata may see the review queue")}


def tangerang_review_submit(context: Context, data_dict: DataDict) -> AuthResult:
    """Users who may update the dataset: the bot as editor of its producer, the producer's
    editors, sysadmins."""
    return _dataset_permission(context, "package_update", data_dict.get("package_id"))


def tangerang_review_show(context: Context, data_dict: DataDict) -> AuthResult:
    """The walidata and sysadmins, and those who may update the dataset (its producer)."""
    if review.is_reviewer(_user(context)):
        if model.Package.get(data_dict.get("package_id") or "") is None:
            raise tk.ObjectNotFound(tk._("Dataset not found"))
        return {"success": True}
    return _dataset_permission(context, "package_update", data_dict.get("package_id"))


# --- steward dashboard ----------------------------------------------------------------------


@tk.auth_sysadmins_check
def tangerang_dashboard_show(context: Context, data_dict: DataDict) -> AuthResult:
    """The steward dashboard (``/dasbor``, ``tangerang_dashboard_show``): the walidata and
    sysadmins, never the bot; it names every producer's runs and failures."""
    from ckanext.tangerang import review

    if review.is_reviewer(_user(context)):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the walidata and sysadmins may see the dashboard")}


# --- smart-city evaluation ------------------------------------------------------------------


@tk.auth_allow_anonymous_access
def tangerang_evaluation_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Public: the evaluation summarizes public datasets only (their freshness and scores are
    on their pages already) and names no user."""
    return {"success": True}


# --- public data requests (permohonan data) -------------------------------------------------


@tk.auth_allow_anonymous_access
def tangerang_data_request_create(context: Context, data_dict: DataDict) -> AuthResult:
    """Signed-in users except the bot; anonymous visitors only through the CSRF-checked form
    of /permohonan-data (its view sets ``tangerang_form_checked`` in the context)."""
    user = _user(context)
    if user is None:
        if context.get("tangerang_form_checked"):
            return {"success": True}
        return {"success": False, "msg": tk._("Send an anonymous data request with the form")}
    if user.name == review.bot_name():
        return {"success": False, "msg": tk._("The pipeline bot does not request data")}
    return {"success": True}


@tk.auth_allow_anonymous_access
def tangerang_data_request_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Public (who asked is shown to reviewers only, by the action)."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def tangerang_data_request_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Public, without who asked."""
    return {"success": True}


@tk.auth_sysadmins_check
def tangerang_data_request_update_status(context: Context, data_dict: DataDict) -> AuthResult:
    """The walidata and sysadmins, never the bot."""
    if review.is_reviewer(_user(context)):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the walidata may change a data request")}


@tk.auth_allow_anonymous_access
def tangerang_usage_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Public: it only counts public datasets."""
    return {"success": True}


# --- kept versions of a dataset's files (versions.py) ---------------------------------------


@tk.auth_allow_anonymous_access
def tangerang_version_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may read the dataset may list its versions (each file's download is checked
    by ``tangerang_resource_download``)."""
    return _dataset_permission(context, "package_show", data_dict.get("package_id"))


@tk.auth_sysadmins_check
def tangerang_version_takedown(context: Context, data_dict: DataDict) -> AuthResult:
    """The walidata and sysadmins, never the bot."""
    if not review.is_reviewer(_user(context)):
        return {"success": False, "msg": tk._("Only the walidata may take versions down")}
    if model.Package.get(data_dict.get("package_id") or "") is None:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return {"success": True}


# --- showcase (galeri pemanfaatan) ----------------------------------------------------------


@tk.auth_sysadmins_check
def tangerang_showcase_create(context: Context, data_dict: DataDict) -> AuthResult:
    """The walidata and sysadmins, never the bot."""
    if review.is_reviewer(_user(context)):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the walidata may edit the showcase")}


@tk.auth_sysadmins_check
def tangerang_showcase_update(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may add items may change them."""
    return tangerang_showcase_create(context, data_dict)


@tk.auth_allow_anonymous_access
def tangerang_showcase_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Public."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def tangerang_showcase_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Public."""
    return {"success": True}
