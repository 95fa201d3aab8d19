"""Pages of the showcase: ``/galeri`` (the items), ``/galeri/<name>`` (one item), and the
walidata's forms ``/galeri/baru`` and ``/galeri/<name>/ubah``."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint

from ckanext.tangerang import review, showcase
from ckanext.tangerang.data_request_views import csrf_valid

showcase_pages = Blueprint("tangerang_showcase", __name__)

FORM_FIELDS = (
    "name",
    "type",
    "title",
    "description",
    "image_url",
    "partner_organization",
    "partner_name",
    "url",
    "packages",
)


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _may_edit() -> bool:
    return review.is_reviewer(tk.current_user if tk.current_user.is_authenticated else None)


@showcase_pages.route("/galeri")
def index() -> str:
    """Every item, newest first; ``?type=`` keeps one type."""
    wanted = tk.request.args.get("type") or None
    if wanted not in showcase.TYPES:
        wanted = None
    listing = tk.get_action("tangerang_showcase_list")(
        _context(), {**({"type": wanted} if wanted else {}), "limit": 100}
    )
    return tk.render(
        "tangerang/showcase/index.html",
        {"listing": listing, "type": wanted, "types": showcase.TYPES, "may_edit": _may_edit()},
    )


@showcase_pages.route("/galeri/<name>")
def read(name: str) -> str:
    try:
        item = tk.get_action("tangerang_showcase_show")(_context(), {"id": name})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Showcase item not found"))
    return tk.render("tangerang/showcase/read.html", {"item": item, "may_edit": _may_edit()})


def _form(item: dict[str, Any] | None, form: dict[str, Any], errors: dict[str, Any]) -> str:
    from ckanext.tangerang import data_requests

    return tk.render(
        "tangerang/showcase/form.html",
        {
            "item": item,
            "form": form,
            "errors": errors,
            "types": showcase.TYPES,
            "organizations": data_requests.organization_choices(include_universities=True),
        },
    )


def _form_values(item: dict[str, Any]) -> dict[str, Any]:
    return {
        **{field: item.get(field) or "" for field in FORM_FIELDS},
        # An uploaded image's stored name is no address to edit: blank keeps it.
        "image_url": item["image_url"]
        if (item.get("image_url") or "").startswith(("https://", "/"))
        else "",
        "partner_organization": (item.get("partner_organization") or {}).get("name", ""),
        "packages": "\n".join(p["name"] for p in item.get("packages", [])),
    }


def _submit(action: str, item: dict[str, Any] | None) -> Any:
    if not csrf_valid():
        return tk.abort(400, tk._("The form has expired; reload the page and try again"))
    form = {field: tk.request.form.get(field, "") for field in FORM_FIELDS}
    data: dict[str, Any] = dict(form)
    if item is not None:
        data["id"] = item["id"]
    # A blank address keeps the current image; a file replaces it.
    if not data["image_url"].strip():
        del data["image_url"]
    upload = tk.request.files.get("image_upload")
    if upload is not None and upload.filename:
        data["image_upload"] = upload
        data.pop("image_url", None)
    try:
        saved = tk.get_action(action)(_context(), data)
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the walidata may edit the showcase"))
    except tk.ValidationError as error:
        return _form(item, form, error.error_dict), 400
    tk.h.flash_success(tk._("Saved: {title}").format(title=saved["title"]))
    return tk.redirect_to("tangerang_showcase.read", name=saved["name"])


@showcase_pages.route("/galeri/baru", methods=["GET", "POST"])
def new() -> Any:
    """Add an item (the walidata and sysadmins)."""
    if not _may_edit():
        return tk.abort(403, tk._("Only the walidata may edit the showcase"))
    if tk.request.method == "POST":
        return _submit("tangerang_showcase_create", None)
    return _form(None, {"type": showcase.APPLICATION}, {})


@showcase_pages.route("/galeri/<name>/ubah", methods=["GET", "POST"])
def edit(name: str) -> Any:
    """Change an item (the walidata and sysadmins)."""
    if not _may_edit():
        return tk.abort(403, tk._("Only the walidata may edit the showcase"))
    try:
        item = tk.get_action("tangerang_showcase_show")(_context(), {"id": name})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Showcase item not found"))
    if tk.request.method == "POST":
        return _submit("tangerang_showcase_update", item)
    return _form(item, _form_values(item), {})
