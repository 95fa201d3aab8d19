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
