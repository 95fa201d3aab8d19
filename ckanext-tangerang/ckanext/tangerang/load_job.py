"""The DataStore load job table (created by migration/tangerang, not by ``create_all``).

One row per ``tangerang_datastore_load`` call. The background job gets only the row's id;
what to load (columns, key, full-text settings) is the row's ``spec``, and the outcome is
written back into the row for ``tangerang_datastore_load_status``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.model.types as ckan_types
from ckan.model.base import BaseModel
from sqlalchemy import DateTime, ForeignKey, Index, Integer, UnicodeText
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

TABLE_NAME = "tangerang_datastore_load"

# pending -> running -> complete | error
STATUSES = ("pending", "running", "complete", "error")
# search indexes, built after the swap: building -> ready | error (None before the swap)
INDEX_STATUSES = ("building", "ready", "error")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class DatastoreLoadJob(BaseModel):
    """One load of a resource's uploaded CSV into its DataStore table."""

    __tablename__ = TABLE_NAME
    __table_args__ = (
        Index("tangerang_datastore_load_resource_created_idx", "resource_id", "created"),
    )

    id: Mapped[str] = mapped_column(UnicodeText, primary_key=True, default=ckan_types.make_uuid)
    resource_id: Mapped[str] = mapped_column(
        UnicodeText, ForeignKey("resource.id", ondelete="CASCADE"), nullable=False
    )
    status: Mapped[str] = mapped_column(UnicodeText, nullable=False, default="pending")
    # datastore_load.LoadSpec.as_dict(): columns, primary_key, full_text_columns, config
    spec: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    rows: Mapped[int | None] = mapped_column(Integer)
    # datastore_load.LoadError.as_dict(): kind, message and details, never a cell value
    error: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # seconds per step: queued (request to start), setup, copy, full_text, prepare, swap,
    # activate (datastore_active), analyze, indexes
    timings: Mapped[dict[str, float] | None] = mapped_column(JSONB)
    indexes: Mapped[str | None] = mapped_column(UnicodeText)
    user_id: Mapped[str | None] = mapped_column(UnicodeText)
    created: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
