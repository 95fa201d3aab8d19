"""Pages of the kept versions (``versions``): the list ``/dataset/<id>/versi`` and each
version's file ``/dataset/<id>/versi/<run_id>/<filename>``.

A file is served to whoever ``tangerang_resource_download`` allows for its resource (the same
check as the resource's own download, restricted data included), with its sha256 as the
``ETag`` and in ``Digest``/``Repr-Digest`` (RFC 3230, RFC 9530), and counted as a download of
the resource (CKAN's ``resource_download`` signal). A restricted file served or refused is
audited as the resource's own download is.
"""

from __future__ import annotations

import base64
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, request

from ckanext.tangerang import versions

versions_views = Blueprint("tangerang_versions", __name__)

DOWNLOAD_AUTH = "tangerang_resource_download"


def _context() -> dict[str, Any]:
    user = tk.current_user if tk.current_user.is_authenticated else None
    return {"user": user.name if user else "", "auth_user_obj": user, "model": model}


def _package(id: str) -> dict[str, Any]:
    """``package_show``; 404 for a dataset one may not read, as CKAN's dataset page."""
    try:
        return tk.get_action("package_show")(_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))


@versions_views.route("/dataset/<id>/versi")
def dataset_versions(id: str) -> str:
    """Every kept version of the dataset's files, newest first, with date, rows and sha256."""
    pkg_dict = _package(id)
    listed = tk.get_action("tangerang_version_list")(_context(), {"package_id": pkg_dict["id"]})
    return tk.render(
        "tangerang/dataset_versions.html",
        {
            "pkg_dict": pkg_dict,
            "pkg": pkg_dict,
            "versions": listed["versions"],
            "retention": listed["retention"],
            "dataset_type": pkg_dict["type"],
        },
    )


def digest_headers(sha256: str) -> dict[str, str]:
    """``ETag``, ``Digest`` and ``Repr-Digest`` of a file with this hex sha256."""
    b64 = base64.b64encode(bytes.fromhex(sha256)).decode("ascii")
    return {"ETag": f'"{sha256}"', "Digest": f"sha-256={b64}", "Repr-Digest": f"sha-256=:{b64}:"}


def _audit(kind: str, package_id: str, resource_id: str) -> None:
    """An audit row of a restricted dataset's file (``access``), as its own download's."""
    from ckanext.tangerang import access

    package = model.Package.get(package_id)
    if package is None or not access.restricted(package) or package.private:
        return
    access.audit_now(
        getattr(access, kind),
        access.current_user(),
        package_id=package_id,
        resource_id=resource_id,
        detail=request.endpoint,
    )


@versions_views.route("/dataset/<id>/versi/<path:run_id>/<filename>")
def version_file(id: str, run_id: str, filename: str) -> Response:
    """The file ``filename`` as run ``run_id`` published it; 404 when it is not kept, 403 for
    whoever may not download the resource."""
    pkg_dict = _package(id)
    version = versions.find(pkg_dict["id"], run_id, filename)
    resource = model.Resource.get(version.resource_id) if version is not None else None
    if version is None or resource is None or resource.state != "active":
        return tk.abort(404, tk._("This version is not kept"))
    try:
        tk.check_access(DOWNLOAD_AUTH, _context(), {"id": version.resource_id})
    except tk.NotAuthorized:
        _audit("DENIED", pkg_dict["id"], version.resource_id)
        return tk.abort(403, tk._("Not authorized to download resource"))
    headers = {
        **digest_headers(version.sha256),
        "Content-Length": str(version.size),
        "X-Content-Type-Options": "nosniff",
        # The bytes under this URL never change; who may read them can.
        "Cache-Control": "private, max-age=0, must-revalidate",
    }
    if request.if_none_match.contains(version.sha256):
        return Response(status=304, headers={"ETag": headers["ETag"]})
    try:
        chunks = versions.stream(version)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("This version is not kept"))
    tk.signals.resource_download.send(version.resource_id)
    _audit("DOWNLOAD", pkg_dict["id"], version.resource_id)
    response = Response(
        chunks,
        status=200,
        mimetype=version.mimetype or "application/octet-stream",
        headers=headers,
    )
    response.headers.set("Content-Disposition", "attachment", filename=version.filename)
    return response
