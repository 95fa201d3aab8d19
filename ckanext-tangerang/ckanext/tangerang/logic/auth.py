"""Auth functions: a run report follows the permissions of its dataset."""

from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

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
