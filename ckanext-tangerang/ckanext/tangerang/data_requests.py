"""Public data requests (*permohonan data*): anyone asks the city for a dataset.

A request has a title, a description, the purpose and, when the requester knows it, the
producer (OPD) asked. Its status is public (``STATUSES``):

- ``diterima``: received, the state of every new request;
- ``diproses``: the walidata is working on it with the producer;
- ``tersedia``: a published dataset answers it; the request names that dataset, and the
  dataset's page says which requests it answers;
- ``ditolak``: refused, always with a reason.

Only a reviewer (``review.is_reviewer``: the walidata or a sysadmin, never the bot) changes a
status; each change is kept in the request's ``history``.

Who asked stays private: an anonymous requester leaves an e-mail address, a signed-in one
their user, and neither is shown on a public page or returned to anyone but a reviewer.

Anonymous requests come only through the CSRF-protected form of ``/permohonan-data``, and
every requester is rate limited per hour (``check_rate``): per client (the signed-in user, or
a keyed hash of the client's IP address, never the address itself) and, for anonymous
requests, all clients together. The counters live in CKAN's Redis and expire with their hour.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

import ckan.model as model
import ckan.model.types as ckan_types
import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis
from ckan.model.base import BaseModel
from sqlalchemy import DateTime, ForeignKey, Index, UnicodeText
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

TABLE_NAME = "tangerang_data_request"
RECEIVED = "diterima"
IN_PROGRESS = "diproses"
AVAILABLE = "tersedia"
REJECTED = "ditolak"
STATUSES = (RECEIVED, IN_PROGRESS, AVAILABLE, REJECTED)

RATE_WINDOW_SECONDS = 3600


def _(message: str) -> str:
    """Marks a msgid for ``pybabel extract``; translated when rendered."""
    return message


STATUS_LABELS = {
    RECEIVED: _("Received"),
    IN_PROGRESS: _("In progress"),
    AVAILABLE: _("Available"),
    REJECTED: _("Rejected"),
}


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class DataRequest(BaseModel):
    """One request for a dataset (created by migration/tangerang)."""

    __tablename__ = TABLE_NAME
    __table_args__ = (
        Index("tangerang_data_request_status_idx", "status", "created"),
        Index("tangerang_data_request_package_idx", "package_id"),
    )

    id: Mapped[str] = mapped_column(UnicodeText, primary_key=True, default=ckan_types.make_uuid)
    title: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    description: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    purpose: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    organization_id: Mapped[str | None] = mapped_column(
        UnicodeText, ForeignKey("group.id", ondelete="SET NULL")
    )
    email: Mapped[str | None] = mapped_column(UnicodeText)
    user_id: Mapped[str | None] = mapped_column(
        UnicodeText, ForeignKey("user.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(UnicodeText, nullable=False, default=RECEIVED)
    reason: Mapped[str | None] = mapped_column(UnicodeText)
    package_id: Mapped[str | None] = mapped_column(
        UnicodeText, ForeignKey("package.id", ondelete="SET NULL")
    )
    # [{"status", "reason", "package_id", "created"}], oldest first; who decided is not kept
    # here (the walidata acts for the city).
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, default=list)
    created: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=_utcnow)
    modified: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=_utcnow)


# --- reading ---------------------------------------------------------------------------------


def _public_package(package_id: str | None) -> dict[str, str] | None:
    """The answering dataset, only while it is active and public."""
    package = model.Package.get(package_id) if package_id else None
    if package is None or package.state != "active" or package.private:
        return None
    return {"id": package.id, "name": package.name, "title": package.title or package.name}


def as_dict(request: DataRequest, private: bool = False) -> dict[str, Any]:
    """The API view of a request. ``private`` (reviewers only) adds who asked."""
    organization = model.Group.get(request.organization_id) if request.organization_id else None
    result: dict[str, Any] = {
        "id": request.id,
        "title": request.title,
        "description": request.description,
        "purpose": request.purpose,
        "organization": (
            {"id": organization.id, "name": organization.name, "title": organization.title}
            if organization is not None and organization.state == "active"
            else None
        ),
        "status": request.status,
        "reason": request.reason,
        "package": _public_package(request.package_id),
        "history": [
            {key: event.get(key) for key in ("status", "reason", "created")}
            for event in request.history or []
        ],
        "created": request.created.isoformat(),
        "modified": request.modified.isoformat(),
    }
    if private:
        user = model.User.get(request.user_id) if request.user_id else None
        result["email"] = request.email or (user.email if user is not None else None)
        result["user"] = user.name if user is not None else None
    return result


def get(request_id: str) -> DataRequest | None:
    return model.Session.get(DataRequest, request_id) if request_id else None


def search(status: str | None, limit: int, offset: int) -> tuple[int, list[DataRequest]]:
    """Requests with ``status`` (all when None), newest first."""
    query = model.Session.query(DataRequest)
    if status:
        query = query.filter(DataRequest.status == status)
    total = query.count()
    rows = query.order_by(DataRequest.created.desc()).offset(offset).limit(limit).all()
    return total, rows


def answered_by(package_id: str) -> list[DataRequest]:
    """The requests a dataset answers (status ``tersedia`` naming it), oldest first."""
    return (
        model.Session.query(DataRequest)
        .filter(DataRequest.package_id == package_id, DataRequest.status == AVAILABLE)
        .order_by(DataRequest.created)
        .all()
    )


# --- writing ---------------------------------------------------------------------------------


def create(data: dict[str, Any], user: model.User | None) -> DataRequest:
    """Add a new ``diterima`` request to the session; the caller commits."""
    now = _utcnow()
    request = DataRequest(
        title=data["title"],
        description=data["description"],
        purpose=data["purpose"],
        organization_id=data.get("organization") or None,
        email=None if user is not None else data.get("email"),
        user_id=user.id if user is not None else None,
        status=RECEIVED,
        history=[{"status": RECEIVED, "reason": None, "created": now.isoformat()}],
        created=now,
        modified=now,
    )
    model.Session.add(request)
    return request


def change_status(
    request: DataRequest, status: str, reason: str | None, package_id: str | None
) -> None:
    """Set the status (``package_id`` only with ``tersedia``) and record it in the history."""
    now = _utcnow()
    request.status = status
    request.reason = reason
    request.package_id = package_id if status == AVAILABLE else None
    # A new list: SQLAlchemy does not see an in-place change of a JSONB value.
    request.history = [
        *(request.history or []),
        {"status": status, "reason": reason, "package_id": package_id, "created": now.isoformat()},
    ]
    request.modified = now


# --- rate limit ------------------------------------------------------------------------------


class RateLimited(tk.ValidationError):
    """Too many requests this hour; the view answers 429."""


def client_key(remote_addr: str | None, hour: int | None = None) -> str:
    """A keyed hash of the client's address for this hour: counts one client without keeping
    the address, and cannot be joined across hours or sites."""
    hour = _hour() if hour is None else hour
    secret = str(tk.config.get("SECRET_KEY") or tk.config.get("beaker.session.secret") or "")
    message = f"{hour}:{remote_addr or ''}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _hour() -> int:
    return int(dt.datetime.now(dt.UTC).timestamp()) // RATE_WINDOW_SECONDS


def rate_key(kind: str, client: str | None = None) -> str:
    """Redis key of one counter of this hour (``kind``: ``client`` or ``all``)."""
    prefix = f"{tk.config.get('ckan.site_id')}:tangerang:data_request:{_hour()}"
    return f"{prefix}:{kind}:{client}" if client else f"{prefix}:{kind}"


def check_rate(client: str, anonymous: bool) -> None:
    """Count one request of ``client`` this hour; raise ``RateLimited`` once it is over the
    per-client limit or, for an anonymous request, over the limit of all anonymous ones."""
    per_client = tk.config.get("ckanext.tangerang.data_request_rate_per_hour")
    overall = tk.config.get("ckanext.tangerang.data_request_anonymous_rate_per_hour")
    redis = connect_to_redis()
    keys = [rate_key("client", client)] + ([rate_key("all")] if anonymous else [])
    pipe = redis.pipeline()
    for key in keys:
        pipe.incr(key)
        pipe.expire(key, RATE_WINDOW_SECONDS * 2)
    counts = pipe.execute()[::2]
    if counts[0] > per_client:
        raise RateLimited(
            {
                "rate": [
                    tk._(
                        "You have sent {limit} data requests in the last hour. "
                        "Please try again in an hour."
                    ).format(limit=per_client)
                ]
            }
        )
    if anonymous and counts[1] > overall:
        raise RateLimited(
            {
                "rate": [
                    tk._(
                        "The portal has received too many data requests this hour. "
                        "Please try again in an hour, or sign in to send yours."
                    )
                ]
            }
        )


def organization_choices(include_universities: bool = False) -> list[dict[str, str]]:
    """Active organizations by title: the producers a requester may name, and with
    ``include_universities`` the partner universities too (the showcase's partners)."""
    rows = (
        model.Session.query(model.Group)
        .filter(model.Group.is_organization.is_(True), model.Group.state == "active")
        .order_by(model.Group.title)
        .all()
    )
    return [
        {"name": group.name, "title": group.title or group.name}
        for group in rows
        if include_universities or (group.extras or {}).get("org_type") != "universitas"
    ]
