"""Walidata review (*pemeriksaan*) before a hub dataset is disseminated (Perpres 39/2019).

Under review are the datasets the hub publishes: those with a ``contract_id``. Datasets an
editor makes by hand in the catalog are not.

States, one per event of ``tangerang_review_event`` (the latest event is the dataset's state):

- ``menunggu_pemeriksaan``: a version waits for a walidata; the dataset stays private.
- ``disetujui``: a walidata approved it; it may be public (when its access class is
  ``terbuka``, or ``terbatas``: public metadata, files only under an agreement, see
  ``access``). Later versions publish without review, unless their access class or their
  set of fields differs from the approved one: those wait again.
- ``dikembalikan``: a walidata returned it to the producer with a reason; it stays private
  until the producer submits a new version.

``may_be_public`` is the catalog's rule, applied to every create and update of a dataset
(``enforce``, from the plugin's ``after_dataset_create``/``after_dataset_update``, inside the
same transaction): whoever asks for ``private: false`` on a dataset under review that is not
approved for its current access class gets a private dataset. The hub asks for a review with
``tangerang_review_submit`` before it uploads a version; the catalog does not trust it to.

Every transition is an event (who, when, why) and an activity ``tangerang review`` in the
dataset's activity stream. The walidata role is the configured list
``ckanext.tangerang.walidata_users``, never the pipeline bot (``is_walidata``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.model.base import BaseModel
from ckan.types import Context
from sqlalchemy import DateTime, ForeignKey, Index, Integer, UnicodeText, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

log = logging.getLogger(__name__)

TABLE_NAME = "tangerang_review_event"
WAITING = "menunggu_pemeriksaan"
APPROVED = "disetujui"
RETURNED = "dikembalikan"
STATES = (WAITING, APPROVED, RETURNED)

# Why a version waits: the first publication, a changed access class or field set, or a new
# version of a dataset that waits or was returned, with the approved access and fields.
FIRST_PUBLICATION = "first_publication"
ACCESS_CHANGED = "access_changed"
FIELDS_CHANGED = "fields_changed"
RESUBMITTED = "resubmitted"
CHANGES = (FIRST_PUBLICATION, ACCESS_CHANGED, FIELDS_CHANGED, RESUBMITTED)

ACTIVITY_TYPE = "tangerang review"
# Access classes whose metadata is public once approved (a terbatas dataset's files: access.py).
PUBLIC_METADATA = ("terbuka", "terbatas")
# Permission label that lets the walidata read the private datasets under review.
WALIDATA_LABEL = "tangerang-walidata"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class ReviewEvent(BaseModel):
    """One transition of one dataset's review (created by migration/tangerang)."""

    __tablename__ = TABLE_NAME
    __table_args__ = (Index("tangerang_review_event_package_idx", "package_id", "id"),)

    # Increasing: the order of events, even within one transaction.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    package_id: Mapped[str] = mapped_column(
        UnicodeText, ForeignKey("package.id", ondelete="CASCADE"), nullable=False
    )
    state: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    previous_state: Mapped[str | None] = mapped_column(UnicodeText)
    changes: Mapped[list[str]] = mapped_column(JSONB, nullable=False, default=list)
    # The version's access class and field names (None: not reported).
    access: Mapped[str | None] = mapped_column(UnicodeText)
    fields: Mapped[list[str] | None] = mapped_column(JSONB)
    reason: Mapped[str | None] = mapped_column(UnicodeText)
    user_id: Mapped[str | None] = mapped_column(UnicodeText)
    created: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=_utcnow)

    def as_dict(self) -> dict[str, Any]:
        user = model.User.get(self.user_id) if self.user_id else None
        return {
            "state": self.state,
            "previous_state": self.previous_state,
            "changes": list(self.changes or []),
            "klasifikasi_akses": self.access,
            "fields": list(self.fields) if self.fields is not None else None,
            "reason": self.reason,
            "user": user.name if user is not None else None,
            "created": self.created.isoformat(),
        }


# --- who reviews -------------------------------------------------------------------------


def bot_name() -> str:
    return tk.config.get("ckanext.tangerang.bot_user")


def is_walidata(user: model.User | None) -> bool:
    """An active user named in ``ckanext.tangerang.walidata_users``, and never the bot."""
    if user is None or getattr(user, "is_anonymous", False) or user.state != "active":
        return False
    if user.name == bot_name():
        return False
    return user.name in walidata_names()


def walidata_names() -> list[str]:
    """``ckanext.tangerang.walidata_users`` as a list, also when set as text (tests, env)."""
    return tk.aslist(tk.config.get("ckanext.tangerang.walidata_users") or [])


def is_reviewer(user: model.User | None) -> bool:
    """A walidata or a sysadmin; never the bot, even if someone made it a sysadmin."""
    if user is None or getattr(user, "is_anonymous", False) or user.name == bot_name():
        return False
    return bool(user.sysadmin) or is_walidata(user)


# --- state -------------------------------------------------------------------------------


def under_review(package: model.Package) -> bool:
    """Published by the hub: the pipeline-only ``contract_id`` is set."""
    return bool((package.extras or {}).get("contract_id"))


def history(package_id: str) -> list[ReviewEvent]:
    """The dataset's events, newest first."""
    return (
        model.Session.query(ReviewEvent)
        .filter(ReviewEvent.package_id == package_id)
        .order_by(ReviewEvent.id.desc())
        .all()
    )


def latest(package_id: str, state: str | None = None) -> ReviewEvent | None:
    query = model.Session.query(ReviewEvent).filter(ReviewEvent.package_id == package_id)
    if state is not None:
        query = query.filter(ReviewEvent.state == state)
    return query.order_by(ReviewEvent.id.desc()).first()


def may_be_public(package: model.Package) -> bool:
    """Whether the catalog lets this dataset be public (see the module docstring)."""
    if not under_review(package):
        return True
    current = latest(package.id)
    return (
        current is not None
        and current.state == APPROVED
        and current.access == (package.extras or {}).get("klasifikasi_akses")
    )


@dataclass(frozen=True)
class Submission:
    """What a version is published with."""

    access: str | None
    fields: tuple[str, ...] | None


def _same_fields(a: Sequence[str] | None, b: Sequence[str] | None) -> bool:
    # A field list nobody reported compares equal to any: nothing to judge it by.
    return a is None or b is None or set(a) == set(b)


def decide(
    current: ReviewEvent | None, approval: ReviewEvent | None, submission: Submission
) -> list[str] | None:
    """The changes of a submitted version that has to wait, or None when it does not.

    ``current`` is the dataset's latest event, ``approval`` its latest ``disetujui`` one.
    A version waits when the dataset was never approved, when its access class or set of
    fields differs from the approved ones, or when the dataset was returned. Submitting the
    waiting version again changes nothing.
    """
    if (
        current is not None
        and current.state == WAITING
        and current.access == submission.access
        and _same_fields(current.fields, submission.fields)
    ):
        return None
    if approval is None:
        return [FIRST_PUBLICATION]
    changes = []
    if submission.access != approval.access:
        changes.append(ACCESS_CHANGED)
    if not _same_fields(approval.fields, submission.fields):
        changes.append(FIELDS_CHANGED)
    if current is not None and current.state == APPROVED and not changes:
        return None
    return changes or [RESUBMITTED]


# --- transitions -------------------------------------------------------------------------


def record(
    package: model.Package,
    state: str,
    user: model.User | None,
    *,
    changes: Iterable[str] = (),
    access: str | None = None,
    fields: Sequence[str] | None = None,
    reason: str | None = None,
) -> ReviewEvent:
    """Add the event and its activity to the session; the caller commits."""
    current = latest(package.id)
    event = ReviewEvent(
        package_id=package.id,
        state=state,
        previous_state=current.state if current is not None else None,
        changes=list(changes),
        access=access,
        fields=list(fields) if fields is not None else None,
        reason=reason,
        user_id=user.id if user is not None else None,
        created=_utcnow(),
    )
    model.Session.add(event)
    model.Session.flush()
    _add_activity(package, event, user)
    return event


def submit(package: model.Package, user: model.User | None, submission: Submission) -> None:
    """Open a review for the version when it has to wait (``decide``); else change nothing.

    A dataset approved before the catalog recorded field lists takes the submitted ones as
    its approved fields.
    """
    current = latest(package.id)
    approval = latest(package.id, APPROVED)
    changes = decide(current, approval, submission)
    if changes is None:
        if approval is not None and approval.fields is None and submission.fields is not None:
            approval.fields = list(submission.fields)
        return
    record(
        package,
        WAITING,
        user,
        changes=changes,
        access=submission.access,
        fields=submission.fields,
    )


def enforce(context: Context, pkg_dict: dict[str, Any]) -> None:
    """Keep the dataset private unless ``may_be_public``. Called from the plugin's
    ``after_dataset_create``/``after_dataset_update``, before CKAN indexes and commits it.

    An approved dataset whose access class changed without a submission starts waiting here,
    recorded as the context's user's.
    """
    package = model.Package.get(pkg_dict.get("id") or "")
    if package is None or package.private or package.state != "active":
        return
    if may_be_public(package):
        return
    package.private = True
    current = latest(package.id)
    if current is not None and current.state == APPROVED:
        record(
            package,
            WAITING,
            model.User.get(context.get("user") or ""),
            changes=[ACCESS_CHANGED],
            access=(package.extras or {}).get("klasifikasi_akses"),
            fields=current.fields,
        )
    log.info("dataset %s kept private: waiting for the walidata's review", package.name)


def queue(state: str, limit: int, offset: int) -> tuple[int, list[tuple[ReviewEvent, Any]]]:
    """Active datasets whose latest event has ``state``, longest waiting first."""
    newest = (
        model.Session.query(func.max(ReviewEvent.id).label("id"))
        .group_by(ReviewEvent.package_id)
        .subquery()
    )
    query = (
        model.Session.query(ReviewEvent, model.Package)
        .join(newest, newest.c.id == ReviewEvent.id)
        .join(model.Package, model.Package.id == ReviewEvent.package_id)
        .filter(ReviewEvent.state == state, model.Package.state == "active")
    )
    return query.count(), query.order_by(ReviewEvent.id).offset(offset).limit(limit).all()


# --- activity stream and permission labels -------------------------------------------------


def _add_activity(package: model.Package, event: ReviewEvent, user: model.User | None) -> None:
    if not p.plugin_loaded("activity") or not tk.config.get("ckan.activity_streams_enabled"):
        return
    from ckan.lib.plugins import get_permission_labels

    from ckanext.activity.model import Activity

    activity = Activity(
        user_id=user.id if user is not None else _site_user_id(),
        object_id=package.id,
        activity_type=ACTIVITY_TYPE,
        data={
            "package": {
                "id": package.id,
                "name": package.name,
                "title": package.title,
                "type": package.type,
                "owner_org": package.owner_org,
            },
            "actor": user.name if user is not None else None,
            "review": event.as_dict(),
        },
        permission_labels=get_permission_labels().get_dataset_labels(package),
    )
    model.Session.add(activity)


def _site_user_id() -> str:
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return site["id"]


def dataset_labels(package: model.Package, labels: list[str]) -> list[str]:
    """CKAN's labels of a dataset, plus the walidata's on a private dataset under review."""
    if "public" not in labels and under_review(package):
        return [*labels, WALIDATA_LABEL]
    return labels


def user_labels(user: model.User | None, labels: list[str]) -> list[str]:
    """CKAN's labels of a user, plus the walidata's for a walidata."""
    return [*labels, WALIDATA_LABEL] if is_walidata(user) else labels
