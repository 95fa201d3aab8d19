"""The run report table (created by migration/tangerang, not by ``create_all``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.model.types as ckan_types
from ckan.model.base import BaseModel
from sqlalchemy import DateTime, ForeignKey, Index, Integer, UnicodeText, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

TABLE_NAME = "tangerang_run_report"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class RunReport(BaseModel):
    """One pipeline run of one dataset, as reported by ``tangerang_run_report_create``."""

    __tablename__ = TABLE_NAME
    __table_args__ = (
        UniqueConstraint("package_id", "run_id", name="tangerang_run_report_package_run_key"),
        Index("tangerang_run_report_package_finished_idx", "package_id", "finished_at"),
    )

    id: Mapped[str] = mapped_column(UnicodeText, primary_key=True, default=ckan_types.make_uuid)
    package_id: Mapped[str] = mapped_column(
        UnicodeText, ForeignKey("package.id", ondelete="CASCADE"), nullable=False
    )
    run_id: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    status: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rows: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(UnicodeText)
    validation: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    message: Mapped[str | None] = mapped_column(UnicodeText)
    report_url: Mapped[str | None] = mapped_column(UnicodeText)
    # GX Data Docs of the run: loaded only when asked for (``undefer``), never listed.
    data_docs_html: Mapped[str | None] = mapped_column(UnicodeText, deferred=True)
    data_docs_bytes: Mapped[int | None] = mapped_column(Integer)
    user_id: Mapped[str | None] = mapped_column(UnicodeText)
    created: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=_utcnow)

    def as_dict(self) -> dict[str, Any]:
        def iso(value: dt.datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": self.id,
            "package_id": self.package_id,
            "run_id": self.run_id,
            "status": self.status,
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "rows": self.rows,
            "sha256": self.sha256,
            "validation": self.validation,
            "message": self.message,
            "report_url": self.report_url,
            "has_data_docs": self.data_docs_bytes is not None,
            "user_id": self.user_id,
            "created": iso(self.created),
        }
