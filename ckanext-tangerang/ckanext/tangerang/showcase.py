"""The showcase (*galeri pemanfaatan*): what has been built on the city's data.

An item is an application, a piece of research or a branding campaign (``TYPES``) with a
title, a description, an image, a partner (an organization of the catalog or a name), a link
and the datasets it uses. Only reviewers (``review.is_reviewer``: the walidata and sysadmins)
create and edit items; everyone sees them at ``/galeri``, on the page of each dataset they use
("Dipakai oleh") and, for branding campaigns and items using its datasets, on the Smart
Branding dimension's page.

The image is one of:

- an https URL;
- a PNG or JPEG file uploaded through CKAN's uploader (the group images' storage), checked by
  its content and size (``ckanext.tangerang.showcase_image_max_mb``) before it is stored;
- an image shipped with the extension under ``/tangerang/galeri/`` (the seeded demo items).

SVG is never accepted as an upload: it can carry scripts and is served from the portal's
origin.

Only active, public datasets are linked or listed; a dataset made private or deleted later
disappears from its items until it is public again.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path
from typing import Any

import ckan.model as model
import ckan.model.types as ckan_types
import ckan.plugins.toolkit as tk
from ckan.model.base import BaseModel
from sqlalchemy import DateTime, ForeignKey, UnicodeText
from sqlalchemy.orm import Mapped, mapped_column

log = logging.getLogger(__name__)

APPLICATION = "aplikasi"
RESEARCH = "riset"
BRANDING = "branding"
TYPES = (APPLICATION, RESEARCH, BRANDING)
# The dimension group whose page shows the branding campaigns.
BRANDING_DIMENSION = "branding"

PUBLIC_DIR = Path(__file__).parent / "public"
SHIPPED_IMAGE = re.compile(r"^/tangerang/galeri/[a-z0-9-]+\.(svg|png|jpg)$")
IMAGE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg"}
UPLOAD_OBJECT_TYPE = "group"


def _(message: str) -> str:
    """Marks a msgid for ``pybabel extract``; translated when rendered."""
    return message


TYPE_LABELS = {
    APPLICATION: _("Application"),
    RESEARCH: _("Research"),
    BRANDING: _("Branding campaign"),
}
TYPE_ICONS = {APPLICATION: "fa-mobile-screen", RESEARCH: "fa-flask", BRANDING: "fa-bullhorn"}


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Showcase(BaseModel):
    """One showcase item (created by migration/tangerang)."""

    __tablename__ = "tangerang_showcase"

    id: Mapped[str] = mapped_column(UnicodeText, primary_key=True, default=ckan_types.make_uuid)
    name: Mapped[str] = mapped_column(UnicodeText, nullable=False, unique=True)
    type: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    title: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    description: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    image_url: Mapped[str | None] = mapped_column(UnicodeText)
    partner_organization_id: Mapped[str | None] = mapped_column(
        UnicodeText, ForeignKey("group.id", ondelete="SET NULL")
    )
    partner_name: Mapped[str | None] = mapped_column(UnicodeText)
    url: Mapped[str | None] = mapped_column(UnicodeText)
    user_id: Mapped[str | None] = mapped_column(
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL")
    )
    created: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=_utcnow)
    modified: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=_utcnow)


class ShowcasePackage(BaseModel):
    """A dataset an item uses."""

    __tablename__ = "tangerang_showcase_package"

    showcase_id: Mapped[str] = mapped_column(
        UnicodeText, ForeignKey("tangerang_showcase.id", ondelete="CASCADE"), primary_key=True
    )
    package_id: Mapped[str] = mapped_column(
        UnicodeText, ForeignKey("package.id", ondelete="CASCADE"), primary_key=True
    )


# --- reading ---------------------------------------------------------------------------------


def get(id_or_name: str) -> Showcase | None:
    if not id_or_name:
        return None
    return model.Session.get(Showcase, id_or_name) or (
        model.Session.query(Showcase).filter(Showcase.name == id_or_name).one_or_none()
    )


def _public_packages(item_id: str) -> list[model.Package]:
    return (
        model.Session.query(model.Package)
        .join(ShowcasePackage, ShowcasePackage.package_id == model.Package.id)
        .filter(ShowcasePackage.showcase_id == item_id)
        .filter(model.Package.state == "active", model.Package.private.is_(False))
        .order_by(model.Package.title)
        .all()
    )


def image_display_url(image_url: str | None) -> str | None:
    """Where the browser loads the image from."""
    if not image_url:
        return None
    if image_url.startswith("https://"):
        return image_url
    if SHIPPED_IMAGE.match(image_url):
        return tk.h.url_for_static(image_url)
    # An upload: the group images' storage, as CKAN links a group's image.
    from ckan.lib import files, munge

    filename = munge.munge_filename_legacy(image_url)
    try:
        storage = files.get_storage(tk.config["ckan.files.default_storages.group"])
    except files.exc.UnknownStorageError:
        return tk.h.url_for_static(f"uploads/group/{filename}", qualified=True)
    return storage.permanent_link(files.FileData(files.Location(filename)))


def as_dict(item: Showcase) -> dict[str, Any]:
    """The API view of an item; ``packages`` lists only its active, public datasets."""
    organization = (
        model.Group.get(item.partner_organization_id) if item.partner_organization_id else None
    )
    if organization is not None and organization.state != "active":
        organization = None
    return {
        "id": item.id,
        "name": item.name,
        "type": item.type,
        "title": item.title,
        "description": item.description,
        "image_url": item.image_url,
        "image_display_url": image_display_url(item.image_url),
        "partner_organization": (
            {"id": organization.id, "name": organization.name, "title": organization.title}
            if organization is not None
            else None
        ),
        "partner_name": item.partner_name,
        "url": item.url,
        "packages": [
            {"id": p.id, "name": p.name, "title": p.title or p.name}
            for p in _public_packages(item.id)
        ],
        "created": item.created.isoformat(),
        "modified": item.modified.isoformat(),
    }


def search(
    type_: str | None, package_id: str | None, limit: int, offset: int
) -> tuple[int, list[Showcase]]:
    """Items of ``type_`` and/or using ``package_id``, newest first."""
    query = model.Session.query(Showcase)
    if type_:
        query = query.filter(Showcase.type == type_)
    if package_id:
        query = query.join(ShowcasePackage, ShowcasePackage.showcase_id == Showcase.id).filter(
            ShowcasePackage.package_id == package_id
        )
    total = query.count()
    rows = query.order_by(Showcase.created.desc()).offset(offset).limit(limit).all()
    return total, rows


def for_dimension(group_name: str, limit: int = 6) -> list[Showcase]:
    """Items a dimension's page shows: for Smart Branding, its campaigns and the items using
    its public datasets; for the other dimensions, the items using their public datasets."""
    uses_dimension = (
        model.Session.query(ShowcasePackage.showcase_id)
        .join(model.Package, model.Package.id == ShowcasePackage.package_id)
        .join(model.Member, model.Member.table_id == model.Package.id)
        .join(model.Group, model.Group.id == model.Member.group_id)
        .filter(model.Member.table_name == "package", model.Member.state == "active")
        .filter(model.Group.name == group_name, model.Group.is_organization.is_(False))
        .filter(model.Package.state == "active", model.Package.private.is_(False))
    )
    condition = Showcase.id.in_(uses_dimension)
    if group_name == BRANDING_DIMENSION:
        condition = condition | (Showcase.type == BRANDING)
    return (
        model.Session.query(Showcase)
        .filter(condition)
        .order_by(Showcase.created.desc())
        .limit(limit)
        .all()
    )


# --- writing ---------------------------------------------------------------------------------

FIELDS = ("name", "type", "title", "description", "image_url", "partner_name", "url")


def save(item: Showcase | None, data: dict[str, Any], user: model.User | None) -> Showcase:
    """Create (``item`` None) or update an item from validated ``data``; a key missing from
    ``data`` keeps its value. The caller commits."""
    now = _utcnow()
    if item is None:
        item = Showcase(user_id=user.id if user is not None else None, created=now)
        model.Session.add(item)
    for field in FIELDS:
        if field in data:
            setattr(item, field, data[field] or None)
    if "partner_organization" in data:
        item.partner_organization_id = data["partner_organization"] or None
    item.modified = now
    model.Session.flush()
    if "packages" in data:
        set_packages(item, data["packages"])
    return item


def set_packages(item: Showcase, package_ids: list[str]) -> None:
    model.Session.query(ShowcasePackage).filter(ShowcasePackage.showcase_id == item.id).delete()
    for package_id in dict.fromkeys(package_ids):
        model.Session.add(ShowcasePackage(showcase_id=item.id, package_id=package_id))
    model.Session.flush()


def check_image(upload: Any) -> None:
    """Refuse an uploaded image that is not a PNG or JPEG by its content, or too large."""
    import magic

    stream = upload.stream
    head = stream.read(2048)
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if magic.from_buffer(head, mime=True) not in IMAGE_TYPES:
        raise tk.ValidationError({"image_upload": [tk._("The image must be a PNG or JPEG file")]})
    max_mb = tk.config.get("ckanext.tangerang.showcase_image_max_mb")
    if size > max_mb * 1024 * 1024:
        raise tk.ValidationError(
            {"image_upload": [tk._("The image is larger than {mb} MB").format(mb=max_mb)]}
        )


def store_image(data: dict[str, Any], old_image_url: str | None) -> Any:
    """Hand an uploaded ``image_upload`` to CKAN's uploader: ``data["image_url"]`` becomes
    the stored file's name. Returns the uploader; its ``upload`` writes the file."""
    from ckan.lib import uploader

    upload = uploader.get_uploader(UPLOAD_OBJECT_TYPE, old_image_url)
    upload.update_data_dict(data, "image_url", "image_upload", "clear_upload")
    return upload


# --- demo items (ckan tangerang seed) ----------------------------------------------------------


def seed_items(entries: list[dict[str, Any]], result: Any) -> None:
    """Create or update the demo items of seed.yaml; link the datasets that exist and are
    public (a later seed links those published since)."""
    for entry in entries:
        wanted = dict(entry)
        dataset_names = wanted.pop("datasets", [])
        partner = wanted.pop("partner_organization", None)
        organization = model.Group.get(partner) if partner else None
        wanted["partner_organization"] = organization.id if organization is not None else None
        packages = [
            package.id
            for package in (model.Package.get(name) for name in dataset_names)
            if package is not None and package.state == "active" and not package.private
        ]
        image = wanted.get("image_url") or ""
        if SHIPPED_IMAGE.match(image) and not (PUBLIC_DIR / image.lstrip("/")).is_file():
            raise FileNotFoundError(PUBLIC_DIR / image.lstrip("/"))
        item = get(wanted["name"])
        current = as_dict(item) if item is not None else None
        save(item, {**wanted, "packages": packages}, None)
        model.Session.commit()
        if current is None:
            result.note("created", f"showcase:{wanted['name']}")
        elif _seed_changed(current, wanted, packages):
            result.note("updated", f"showcase:{wanted['name']}")
        else:
            result.note("unchanged", f"showcase:{wanted['name']}")


def _seed_changed(current: dict[str, Any], wanted: dict[str, Any], packages: list[str]) -> bool:
    partner = (current["partner_organization"] or {}).get("id")
    return (
        any((current.get(k) or None) != (wanted.get(k) or None) for k in FIELDS if k in wanted)
        or partner != wanted["partner_organization"]
        or {p["id"] for p in current["packages"]} != set(packages)
    )
