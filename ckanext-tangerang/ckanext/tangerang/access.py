"""Restricted data (*data terbatas*) for partner universities, under agreements (MoU).

A dataset whose access class (``klasifikasi_akses``) is ``terbatas`` has public metadata
once the walidata approves it (``review``), but its bytes — the uploaded files (CSV, Parquet,
data dictionary), every earlier version of them and its DataStore rows — are served only to
those ``may_read_files`` names. A ``tertutup`` dataset stays private; should it ever be
public, its files are refused the same way, and no agreement can open them.

Access of a university member to a ``terbatas`` dataset (``granted``) needs, on the day of
the question in WIB (Asia/Jakarta), both:

- an access request of the user for the dataset that a walidata approved (``disetujui``),
  made as a member of a university organization (``org_type: universitas``) the user still
  belongs to;
- an agreement of that organization whose dates include today and that covers the dataset,
  by name or by one of its smart-city dimensions (``dimensi``).

Access therefore ends with the agreement's end date, without anyone acting.

In CKAN's terms: the dataset's permission labels (IPermissionLabels) get
``tangerang-berkas-<dataset id>`` while it is public (never while private: the label must
not widen who sees metadata under review), and a user's labels get it for every dataset
``granted`` today. ``tangerang_resource_download`` and the chained DataStore auth functions
compare the two; the dataset's label never changes, so agreements need no reindexing.

Every grant, refusal, download and denied download of restricted bytes is a row of
``tangerang_access_audit`` (``audit``): who, what, when.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

import ckan.authz as authz
import ckan.model as model
import ckan.model.types as ckan_types
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.model.base import BaseModel
from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, UnicodeText
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ckanext.tangerang import review

log = logging.getLogger(__name__)

RESTRICTED = "terbatas"
CLOSED = "tertutup"
UNIVERSITY = "universitas"
WIB = ZoneInfo("Asia/Jakarta")

SUBMITTED = "diajukan"
APPROVED = "disetujui"
REFUSED = "ditolak"
REQUEST_STATES = (SUBMITTED, APPROVED, REFUSED)

# Audit actions.
GRANT = "grant"
REFUSE = "refuse"
DOWNLOAD = "download"
DENIED = "denied"
AUDIT_ACTIONS = (GRANT, REFUSE, DOWNLOAD, DENIED)

LABEL_PREFIX = "tangerang-berkas-"
DATASTORE_READS = ("datastore_search", "datastore_search_sql", "datastore_info")
# The tables the last datastore_search_sql auth check named (the action's copy of the
# context does not come back to the chained action that audits the read).
SQL_TABLES: contextvars.ContextVar[list[str]] = contextvars.ContextVar("tangerang_sql_tables")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def today() -> dt.date:
    """Today's date in WIB, the date agreements are read against."""
    return dt.datetime.now(WIB).date()


class Agreement(BaseModel):
    """An agreement (MoU, *nota kesepahaman*) of one university organization."""

    __tablename__ = "tangerang_agreement"
    __table_args__ = (Index("tangerang_agreement_organization_idx", "organization_id"),)

    id: Mapped[str] = mapped_column(UnicodeText, primary_key=True, default=ckan_types.make_uuid)
    organization_id: Mapped[str] = mapped_column(
        UnicodeText, ForeignKey("group.id", ondelete="CASCADE"), nullable=False
    )
    number: Mapped[str] = mapped_column(UnicodeText, nullable=False, unique=True)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    package_ids: Mapped[list[str]] = mapped_column(JSONB, nullable=False, default=list)
    dimensions: Mapped[list[str]] = mapped_column(JSONB, nullable=False, default=list)
    note: Mapped[str | None] = mapped_column(UnicodeText)
    created_by: Mapped[str | None] = mapped_column(UnicodeText)
    created: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=_utcnow)
    modified: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=_utcnow)

    def in_force(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date

    def covers(self, package: model.Package) -> bool:
        """The dataset is named, or one of its dimensions is."""
        if package.id in (self.package_ids or []):
            return True
        return bool(set(self.dimensions or []) & set(dimensions_of(package)))

    def as_dict(self) -> dict[str, Any]:
        org = model.Group.get(self.organization_id)
        creator = model.User.get(self.created_by) if self.created_by else None
        packages = [model.Package.get(pid) for pid in self.package_ids or []]
        return {
            "id": self.id,
            "organization_id": self.organization_id,
            "organization": org.name if org is not None else None,
            "organization_title": org.title if org is not None else None,
            "number": self.number,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "package_ids": list(self.package_ids or []),
            "packages": [pkg.name for pkg in packages if pkg is not None],
            "dimensions": list(self.dimensions or []),
            "note": self.note,
            "created_by": creator.name if creator is not None else None,
            "created": self.created.isoformat(),
            "modified": self.modified.isoformat(),
            "in_force": self.in_force(today()),
        }


class AccessRequest(BaseModel):
    """A university member's request for a restricted dataset, and its decision."""

    __tablename__ = "tangerang_access_request"
    __table_args__ = (
        Index("tangerang_access_request_package_user_idx", "package_id", "user_id"),
        Index("tangerang_access_request_status_idx", "status", "created"),
    )

    id: Mapped[str] = mapped_column(UnicodeText, primary_key=True, default=ckan_types.make_uuid)
    user_id: Mapped[str] = mapped_column(
        UnicodeText, ForeignKey("user.id", ondelete="CASCADE"), nullable=False
    )
    organization_id: Mapped[str] = mapped_column(
        UnicodeText, ForeignKey("group.id", ondelete="CASCADE"), nullable=False
    )
    package_id: Mapped[str] = mapped_column(
        UnicodeText, ForeignKey("package.id", ondelete="CASCADE"), nullable=False
    )
    purpose: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    status: Mapped[str] = mapped_column(UnicodeText, nullable=False, default=SUBMITTED)
    reason: Mapped[str | None] = mapped_column(UnicodeText)
    decided_by: Mapped[str | None] = mapped_column(UnicodeText)
    created: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=_utcnow)
    decided: Mapped[dt.datetime | None] = mapped_column(DateTime)

    def as_dict(self) -> dict[str, Any]:
        user = model.User.get(self.user_id)
        org = model.Group.get(self.organization_id)
        package = model.Package.get(self.package_id)
        decider = model.User.get(self.decided_by) if self.decided_by else None
        return {
            "id": self.id,
            "user": user.name if user is not None else None,
            "user_fullname": (user.fullname or user.name) if user is not None else None,
            "organization": org.name if org is not None else None,
            "organization_title": org.title if org is not None else None,
            "package_id": self.package_id,
            "package": package.name if package is not None else None,
            "package_title": package.title if package is not None else None,
            "purpose": self.purpose,
            "status": self.status,
            "reason": self.reason,
            "decided_by": decider.name if decider is not None else None,
            "created": self.created.isoformat(),
            "decided": self.decided.isoformat() if self.decided else None,
        }


class AccessAudit(BaseModel):
    """One grant, refusal, download or denied download of restricted data."""

    __tablename__ = "tangerang_access_audit"
    __table_args__ = (
        Index("tangerang_access_audit_created_idx", "created"),
        Index("tangerang_access_audit_package_idx", "package_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=_utcnow)
    action: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    user_id: Mapped[str | None] = mapped_column(UnicodeText)
    # The name at the time: the audit outlives renamed and deleted users.
    user_name: Mapped[str | None] = mapped_column(UnicodeText)
    package_id: Mapped[str | None] = mapped_column(UnicodeText)
    resource_id: Mapped[str | None] = mapped_column(UnicodeText)
    request_id: Mapped[str | None] = mapped_column(UnicodeText)
    agreement_id: Mapped[str | None] = mapped_column(UnicodeText)
    # What was read (``resource.download``, ``datastore_search``...) or why it was refused.
    detail: Mapped[str | None] = mapped_column(UnicodeText)

    def as_dict(self) -> dict[str, Any]:
        package = model.Package.get(self.package_id) if self.package_id else None
        return {
            "id": self.id,
            "created": self.created.isoformat(),
            "action": self.action,
            "user": self.user_name,
            "package_id": self.package_id,
            "package": package.name if package is not None else None,
            "resource_id": self.resource_id,
            "request_id": self.request_id,
            "agreement_id": self.agreement_id,
            "detail": self.detail,
        }


# --- datasets ------------------------------------------------------------------------------


def access_class(package: model.Package) -> str:
    return str((package.extras or {}).get("klasifikasi_akses") or "")


def restricted(package: model.Package) -> bool:
    """Files and DataStore rows are not for everyone: ``terbatas`` (or ``tertutup``)."""
    return access_class(package) in (RESTRICTED, CLOSED)


def dimensions_of(package: model.Package) -> list[str]:
    """The dataset's ``dimensi`` values (scheming keeps the list as JSON text in extras)."""
    value = (package.extras or {}).get("dimensi")
    if isinstance(value, list):
        return [str(v) for v in value]
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except ValueError:
        return [str(value)]
    return [str(v) for v in parsed] if isinstance(parsed, list) else [str(parsed)]


def file_label(package_id: str) -> str:
    return f"{LABEL_PREFIX}{package_id}"


# --- users ---------------------------------------------------------------------------------


def _active(user: model.User | None) -> bool:
    return (
        user is not None
        and not getattr(user, "is_anonymous", False)
        and getattr(user, "state", None) == "active"
    )


def universities(user: model.User | None) -> list[model.Group]:
    """The active university organizations (``org_type: universitas``) the user is a member of."""
    if not _active(user):
        return []
    orgs = (
        model.Session.query(model.Group)
        .join(model.Member, model.Member.group_id == model.Group.id)
        .filter(
            model.Member.table_id == user.id,
            model.Member.table_name == "user",
            model.Member.state == "active",
            model.Group.is_organization.is_(True),
            model.Group.state == "active",
        )
        .order_by(model.Group.name)
        .all()
    )
    return [org for org in orgs if (org.extras or {}).get("org_type") == UNIVERSITY]


def is_university(org: model.Group | None) -> bool:
    return (
        org is not None
        and org.is_organization
        and org.state == "active"
        and (org.extras or {}).get("org_type") == UNIVERSITY
    )


def agreements_in_force(organization_ids: Iterable[str], day: dt.date) -> list[Agreement]:
    ids = list(organization_ids)
    if not ids:
        return []
    return (
        model.Session.query(Agreement)
        .filter(
            Agreement.organization_id.in_(ids),
            Agreement.start_date <= day,
            Agreement.end_date >= day,
        )
        .all()
    )


def granted_package_ids(user: model.User | None, day: dt.date | None = None) -> set[str]:
    """The restricted datasets the user may read on ``day`` (default: today in WIB)."""
    day = day or today()
    orgs = {org.id for org in universities(user)}
    if not orgs:
        return set()
    approved = (
        model.Session.query(AccessRequest)
        .filter(
            AccessRequest.user_id == user.id,
            AccessRequest.status == APPROVED,
            AccessRequest.organization_id.in_(orgs),
        )
        .all()
    )
    if not approved:
        return set()
    agreements = agreements_in_force({r.organization_id for r in approved}, day)
    result = set()
    for req in approved:
        package = model.Package.get(req.package_id)
        if package is None or package.state != "active" or access_class(package) != RESTRICTED:
            continue
        if any(a.organization_id == req.organization_id and a.covers(package) for a in agreements):
            result.add(package.id)
    return result


def granted(user: model.User | None, package: model.Package, day: dt.date | None = None) -> bool:
    return package.id in granted_package_ids(user, day)


def may_read_files(user: model.User | None, package: model.Package) -> bool:
    """Whether the user may have the bytes of the dataset (its metadata aside).

    Everyone whom CKAN lets read an unrestricted dataset; for a restricted one: sysadmins,
    those who may update it (its producer's editors, the pipeline bot), the walidata, and
    the university members ``granted`` it today (through the permission labels).
    """
    if not restricted(package):
        return True
    if not _active(user):
        return False
    if user.sysadmin or review.is_walidata(user):
        return True
    if authz.is_authorized_boolean(
        "package_update",
        {"user": user.name, "auth_user_obj": user, "model": model},
        {"id": package.id},
    ):
        return True
    from ckan.lib.plugins import get_permission_labels

    labels = get_permission_labels()
    label = file_label(package.id)
    return label in labels.get_dataset_labels(package) and label in (
        labels.get_user_dataset_labels(user)
    )


# --- permission labels (chained after review's in plugin.py) ---------------------------------


def dataset_labels(package: model.Package, labels: list[str]) -> list[str]:
    """The file label of a public restricted dataset (see the module docstring)."""
    if "public" in labels and restricted(package):
        return [*labels, file_label(package.id)]
    return labels


def user_labels(user: model.User | None, labels: list[str]) -> list[str]:
    """The file labels of the datasets ``granted`` to the user today."""
    return [*labels, *(file_label(pid) for pid in sorted(granted_package_ids(user)))]


def absent_datastore_reads(*, actions: bool) -> set[str]:
    """The DataStore reads there is nothing to chain to: all without the DataStore plugin;
    the action ``datastore_search_sql`` unless ``ckan.datastore.sqlsearch.enabled`` (its
    auth function exists either way)."""
    if not p.plugin_loaded("datastore"):
        return set(DATASTORE_READS)
    if actions and not tk.asbool(tk.config.get("ckan.datastore.sqlsearch.enabled")):
        return {"datastore_search_sql"}
    return set()


# --- audit ---------------------------------------------------------------------------------


def audit(
    action: str,
    user: model.User | None,
    *,
    package_id: str | None = None,
    resource_id: str | None = None,
    request_id: str | None = None,
    agreement_id: str | None = None,
    detail: str | None = None,
) -> AccessAudit:
    """Add an audit row to the session; the caller commits."""
    anonymous = user is None or getattr(user, "is_anonymous", False)
    row = AccessAudit(
        created=_utcnow(),
        action=action,
        user_id=None if anonymous else user.id,
        user_name=None if anonymous else user.name,
        package_id=package_id,
        resource_id=resource_id,
        request_id=request_id,
        agreement_id=agreement_id,
        detail=detail,
    )
    model.Session.add(row)
    return row


def audit_now(action: str, user: model.User | None, **fields: Any) -> None:
    """``audit`` in a transaction of its own: for a read that changes nothing else, or a
    refusal whose request fails. Never lets an audit failure turn into the user's error
    silently: it is logged and re-raised."""
    try:
        audit(action, user, **fields)
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        log.exception("access audit %s could not be written", action)
        raise


def resource_package(resource_id: str) -> tuple[model.Resource, model.Package] | None:
    resource = model.Resource.get(resource_id or "")
    if resource is None or resource.package is None:
        return None
    return resource, resource.package


def user_of(context: dict[str, Any]) -> model.User | None:
    """The context's user object (``auth_user_obj`` or ``user``), None for anonymous."""
    user = context.get("auth_user_obj")
    if not isinstance(user, model.User):
        name = context.get("user")
        user = model.User.get(name) if name else None
    return user if _active(user) else None


def current_user() -> model.User | None:
    if not tk.current_user.is_authenticated:
        return None
    return model.User.get(tk.current_user.name)
