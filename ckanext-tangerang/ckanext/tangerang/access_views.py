"""Routes of restricted data (see ``access``): the guard in front of every route that serves a
resource's bytes, the access-request form of a restricted dataset and the walidata's page.

The guard runs before CKAN's own views (``before_app_request``), so it holds for every
dataset type's ``<type>_resource.download`` endpoint
(``/dataset/<id>/resource/<rid>/download[/<filename>]``, the only route serving uploaded
resource files: the resource storage is not public and resource uploads are not tracked
files of ``/file/download``) and for the DataStore dump (``/datastore/dump/<rid>``). It calls
``tangerang_resource_download``: a refusal is a 403 and, for a restricted dataset, an audit
row ``denied``; a restricted file served (a response under 400) is an audit row ``download``.
"""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, g, request

from ckanext.tangerang import access

access_views = Blueprint("tangerang_access", __name__)

DUMP_ENDPOINT = "datastore.dump"
# flask.g key: the restricted read this request serves, audited once it succeeded.
PENDING = "tangerang_access_pending"
# flask.g key: the request's read is audited here; chained DataStore actions skip theirs.
AUDITED = "tangerang_access_audited"


def _byte_route(endpoint: str | None) -> bool:
    return bool(endpoint) and (
        endpoint == DUMP_ENDPOINT
        or endpoint == "resource.download"
        or endpoint.endswith("_resource.download")
    )


def _detail(endpoint: str) -> str:
    """The route as the audit names it: every dataset type's download is one route."""
    return DUMP_ENDPOINT if endpoint == DUMP_ENDPOINT else "resource.download"


def _context() -> dict[str, Any]:
    user = access.current_user()
    return {"user": user.name if user else "", "auth_user_obj": user, "model": model}


@access_views.before_app_request
def guard_resource_bytes() -> Response | None:
    """403 for a download or dump that ``tangerang_resource_download`` refuses."""
    if not _byte_route(request.endpoint):
        return None
    resource_id = (request.view_args or {}).get("resource_id") or ""
    found = access.resource_package(resource_id)
    if found is None:
        return None  # CKAN's view answers 404
    resource, package = found
    context = _context()
    try:
        tk.check_access("tangerang_resource_download", context, {"id": resource.id})
    except tk.ObjectNotFound:
        return None
    except tk.NotAuthorized as error:
        if access.restricted(package) and not package.private:
            access.audit_now(
                access.DENIED,
                context["auth_user_obj"],
                package_id=package.id,
                resource_id=resource.id,
                detail=_detail(request.endpoint),
            )
        return tk.abort(403, str(error) or tk._("Not authorized to download resource"))
    if access.restricted(package):
        g.setdefault(PENDING, (package.id, resource.id))
        g.setdefault(AUDITED, True)
    return None


@access_views.after_app_request
def audit_served(response: Response) -> Response:
    """The audit row ``download`` of a restricted file actually served."""
    pending = g.pop(PENDING, None)
    if pending is not None and response.status_code < 400:
        package_id, resource_id = pending
        access.audit_now(
            access.DOWNLOAD,
            access.current_user(),
            package_id=package_id,
            resource_id=resource_id,
            detail=_detail(request.endpoint),
        )
    return response


# --- pages ---------------------------------------------------------------------------------


def page_state(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """What a restricted dataset's page tells the visitor (``tangerang_restricted_access``):
    ``restricted`` (a public terbatas dataset), ``may_read`` (its files), ``logged_in``,
    ``universities`` (the visitor's, as ``{id, title}``) and ``requests`` (the visitor's for
    this dataset, newest first)."""
    package = model.Package.get(pkg_dict.get("id") or "")
    if package is None or package.private or access.access_class(package) != access.RESTRICTED:
        return {"restricted": False}
    user = access.current_user()
    requests = []
    if user is not None:
        requests = [
            r.as_dict()
            for r in model.Session.query(access.AccessRequest)
            .filter(
                access.AccessRequest.user_id == user.id,
                access.AccessRequest.package_id == package.id,
            )
            .order_by(access.AccessRequest.created.desc())
        ]
    return {
        "restricted": True,
        "may_read": access.may_read_files(user, package),
        "logged_in": user is not None,
        "universities": [{"id": o.id, "title": o.title} for o in access.universities(user)],
        "requests": requests,
    }


def _csrf_checked() -> None:
    """A browser's form carries CKAN's CSRF token (also once CKAN exempted the view after a
    token-authenticated request; a token-authenticated request needs none)."""
    if g.get("login_via_auth_header"):
        return
    from flask_wtf.csrf import ValidationError, validate_csrf

    try:
        validate_csrf(request.form.get(tk.config.get("WTF_CSRF_FIELD_NAME")))
    except ValidationError:
        tk.abort(400, tk._("The form has expired; reload the page and try again"))


def _errors(error: tk.ValidationError) -> str:
    return " ".join(str(m) for ms in error.error_dict.values() for m in ms)


@access_views.route("/dataset/<id>/akses", methods=["POST"])
def request_access(id: str) -> Response:
    """The access-request form of a restricted dataset's page."""
    _csrf_checked()
    data = {"package_id": id, "purpose": request.form.get("purpose", "")}
    if request.form.get("organization"):
        data["organization"] = request.form["organization"]
    try:
        tk.get_action("tangerang_access_request_create")(_context(), data)
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only members of a partner university may request access"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.ValidationError as error:
        tk.h.flash_error(_errors(error))
        return tk.redirect_to("dataset.read", id=id)
    tk.h.flash_success(tk._("Your request has been sent to the walidata."))
    return tk.redirect_to("dataset.read", id=id)


@access_views.route("/akses-data")
def access_admin() -> str:
    """The walidata's page: requests to decide, decided requests, agreements, the audit."""
    context = _context()
    try:
        waiting = tk.get_action("tangerang_access_request_list")(
            context, {"status": access.SUBMITTED, "limit": 200}
        )
        decided = [
            r
            for r in tk.get_action("tangerang_access_request_list")(dict(context), {"limit": 500})[
                "results"
            ]
            if r["status"] != access.SUBMITTED
        ]
        agreements = tk.get_action("tangerang_agreement_list")(dict(context), {})
        audit = tk.get_action("tangerang_access_audit_list")(dict(context), {"limit": 50})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the walidata may manage restricted-data access"))
    return tk.render(
        "tangerang/access_admin.html",
        {
            "waiting": waiting,
            "decided": list(reversed(decided))[:50],
            "agreements": agreements,
            "audit": audit,
        },
    )


@access_views.route("/akses-data/<request_id>/putuskan", methods=["POST"])
def decide_access(request_id: str) -> Response:
    """Approve or refuse a request from the walidata's page (a reason is required)."""
    _csrf_checked()
    data = {
        "id": request_id,
        "status": request.form.get("status", ""),
        "reason": request.form.get("reason", ""),
    }
    try:
        result = tk.get_action("tangerang_access_request_decide")(_context(), data)
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the walidata may manage restricted-data access"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Access request not found"))
    except tk.ValidationError as error:
        tk.h.flash_error(_errors(error))
        return tk.redirect_to("tangerang_access.access_admin")
    if result["status"] == access.APPROVED:
        tk.h.flash_success(tk._("Access granted: {user}").format(user=result["user"]))
    else:
        tk.h.flash_success(tk._("Access refused: {user}").format(user=result["user"]))
    return tk.redirect_to("tangerang_access.access_admin")
