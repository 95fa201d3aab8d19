"""Pages of the public data requests: ``/permohonan-data`` (the list and the form),
``/permohonan-data/<id>`` (one request; the walidata changes its status there)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ckanext.tangerang import data_requests, review

data_request_pages = Blueprint("tangerang_data_requests", __name__)

PAGE_SIZE = 20
FORM_FIELDS = ("title", "description", "purpose", "organization", "email")


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def csrf_valid() -> bool:
    """Whether a browser's form carries a valid CSRF token; a request authenticated by an
    API token needs none. Checked here, not left to CKAN: CKAN checks no anonymous request
    (it sets ``login_via_auth_header`` for them too) and stops checking a view for the rest
    of the process once a token-authenticated request reached it."""
    if tk.current_user.is_authenticated and tk.g.get("login_via_auth_header"):
        return True
    from flask_wtf.csrf import ValidationError, validate_csrf

    try:
        validate_csrf(tk.request.form.get(tk.config.get("WTF_CSRF_FIELD_NAME")))
    except ValidationError:
        return False
    return True


def _page() -> int:
    try:
        return max(1, int(tk.request.args.get("page", 1)))
    except ValueError:
        return 1


def _index(
    form: dict[str, Any] | None = None, errors: dict[str, Any] | None = None, status: int = 200
) -> Any:
    wanted = tk.request.args.get("status") or None
    if wanted not in data_requests.STATUSES:
        wanted = None
    page = _page()
    listing = tk.get_action("tangerang_data_request_list")(
        _context(),
        {
            **({"status": wanted} if wanted else {}),
            "limit": PAGE_SIZE,
            "offset": (page - 1) * PAGE_SIZE,
        },
    )
    body = tk.render(
        "tangerang/data_requests/index.html",
        {
            "listing": listing,
            "status": wanted,
            "page": page,
            "page_size": PAGE_SIZE,
            "form": form or {},
            "errors": errors or {},
            "organizations": data_requests.organization_choices(),
        },
    )
    return (body, status) if status != 200 else body


@data_request_pages.route("/permohonan-data")
def index() -> Any:
    """The public list of requests, with their status, and the form to ask for data."""
    return _index()


@data_request_pages.route("/permohonan-data", methods=["POST"])
def create() -> Any:
    """Send the form: 400 without a valid CSRF token, 429 over the hourly limit."""
    if not csrf_valid():
        return tk.abort(400, tk._("The form has expired; reload the page and try again"))
    form = {field: tk.request.form.get(field, "") for field in FORM_FIELDS}
    context = {
        **_context(),
        # The form's CSRF token was checked: anonymous visitors may send it.
        "tangerang_form_checked": True,
        "tangerang_client": _client(),
    }
    try:
        result = tk.get_action("tangerang_data_request_create")(context, dict(form))
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error) or tk._("You may not send a data request"))
    except data_requests.RateLimited as error:
        return _index(form, error.error_dict, status=429)
    except tk.ValidationError as error:
        return _index(form, error.error_dict, status=400)
    tk.h.flash_success(tk._("Your request has been received. Follow its status on this page."))
    return tk.redirect_to("tangerang_data_requests.read", id=result["id"])


def _client() -> str:
    if tk.current_user.is_authenticated:
        return data_requests.client_key(f"user:{tk.current_user.id}")
    return data_requests.client_key(tk.request.remote_addr)


def _read(request_id: str, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    try:
        request = tk.get_action("tangerang_data_request_show")(_context(), {"id": request_id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Data request not found"))
    body = tk.render(
        "tangerang/data_requests/read.html",
        {
            "request_dict": request,
            "errors": errors or {},
            "may_decide": review.is_reviewer(
                tk.current_user if tk.current_user.is_authenticated else None
            ),
            "statuses": data_requests.STATUSES,
        },
    )
    return (body, status) if status != 200 else body


@data_request_pages.route("/permohonan-data/<id>")
def read(id: str) -> Any:
    """One request: its status, history and, once available, the dataset that answers it."""
    return _read(id)


@data_request_pages.route("/permohonan-data/<id>/status", methods=["POST"])
def update_status(id: str) -> Response | Any:
    """The walidata's decision from the request's page."""
    if not csrf_valid():
        return tk.abort(400, tk._("The form has expired; reload the page and try again"))
    data = {"id": id, "status": tk.request.form.get("status", "")}
    for field in ("reason", "package_id"):
        if tk.request.form.get(field, "").strip():
            data[field] = tk.request.form[field]
    try:
        tk.get_action("tangerang_data_request_update_status")(_context(), data)
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the walidata may change a data request"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Data request not found"))
    except tk.ValidationError as error:
        return _read(id, error.error_dict, status=400)
    tk.h.flash_success(tk._("The status has been changed."))
    return tk.redirect_to("tangerang_data_requests.read", id=id)
