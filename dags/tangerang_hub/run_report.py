"""The report of one pipeline run: what happened, with every problem located."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from tangerang_hub import messages
from tangerang_hub.contracts import SCHEMAS_DIR
from tangerang_quality.problems import Problem

# schemas/run_statuses.yaml, the one table of run statuses (the catalog reads it too):
# status -> {"ok": the catalog holds current data, "label": {"id": ..., "en": ...}}
RUN_STATUSES: dict[str, dict[str, Any]] = yaml.safe_load(
    (SCHEMAS_DIR / "run_statuses.yaml").read_text(encoding="utf-8")
)
STATUSES = tuple(RUN_STATUSES)
OK_STATUSES = tuple(status for status, row in RUN_STATUSES.items() if row["ok"])


def status_label(status: str, lang: str = "id") -> str:
    """What a steward reads for ``status`` (Bahasa Indonesia unless ``lang="en"``)."""
    return RUN_STATUSES[status]["label"][lang]


@dataclass
class RunReport:
    dataset: str
    run_id: str
    status: str
    started_at: datetime
    finished_at: datetime | None = None
    rows: int | None = None
    sha256: str | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    statistics: dict[str, Any] = field(default_factory=dict)
    message: str = ""  # what people read, in Bahasa Indonesia (tangerang_hub.messages)
    message_code: str | None = None  # its code, so the catalog can show it in any language
    message_params: dict[str, Any] = field(default_factory=dict)
    package_id: str | None = None
    resource_ids: list[str] = field(default_factory=list)
    quarantine_path: Path | str | None = None  # a local folder, or its URL in a remote store
    report_url: str | None = None  # the catalog's page of this run (validation Data Docs)
    dry_run: bool = False
    data_docs_path: Path | None = None  # the run's one-page Data Docs (validasi.html)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {self.status!r}")

    def tell(self, code: str, **params: Any) -> None:
        """Set the message: `code` of `tangerang_hub.messages` with its parameters."""
        self.message_code, self.message_params = code, dict(params)
        self.message = messages.render(code, params)

    def text(self, lang: str = "id") -> str:
        """The message in `lang` (``id`` or ``en``): rendered from its code where it has one,
        else `message` as it was written."""
        if lang == "id" or self.message_code not in messages.MESSAGES:
            return self.message
        return messages.render(self.message_code, self.message_params, lang)

    @property
    def ok(self) -> bool:
        """The run succeeded: the catalog holds the contract's current data."""
        return self.status in OK_STATUSES

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds(), 3)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "run_id": self.run_id,
            "status": self.status,
            "dry_run": self.dry_run,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "duration_seconds": self.duration_seconds,
            "rows": self.rows,
            "sha256": self.sha256,
            "problems": [p.to_dict() for p in self.problems],
            "warnings": [p.to_dict() for p in self.warnings],
            "statistics": json_safe(self.statistics),
            "message": self.message,
            "message_en": self.text("en"),
            "message_code": self.message_code,
            "message_params": json_safe(self.message_params),
            "package_id": self.package_id,
            "resource_ids": list(self.resource_ids),
            "quarantine_path": str(self.quarantine_path) if self.quarantine_path else None,
            "report_url": self.report_url,
            "data_docs_path": str(self.data_docs_path) if self.data_docs_path else None,
        }


def json_safe(value: Any) -> Any:
    """Plain JSON types for statistics coming from pandas/numpy/GX."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Problem):
        return value.to_dict()
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return json_safe(item())
    return str(value)
