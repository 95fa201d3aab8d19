"""validate stage: run the privacy and quality gate of `tangerang_quality` on a normalized batch.

Thin glue so the pipeline depends on one engine module; the gate itself lives in
quality/tangerang_quality/gate.py, and it gets the wilayah codes of the engine's reference
table from here (`reference_codes`). `mask_table` must be applied before publishing whenever
the contract has fields with `pii_allowed_reason`; the pipeline applies it right after
normalizing (`pipeline.mask_personal_data`), before staging. With `data_docs_dir` the result
carries `data_docs_page`, the run's GX Data Docs as one self-contained page.

`GateSummary` is the JSON-able form of a gate result that the DAG's tasks pass on.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from tangerang_hub import reference
from tangerang_hub.contracts import Contract
from tangerang_hub.run_report import json_safe
from tangerang_quality.gate import GateResult, mask_table, run_gate
from tangerang_quality.masking import mask_identifiers
from tangerang_quality.problems import Problem
from tangerang_quality.table_metadata import FILE_KEY, UNKNOWN_COLUMNS_KEY
from tangerang_quality.texts import say

__all__ = ["GateResult", "GateSummary", "mask_table", "reference_codes", "validate"]


def reference_codes() -> dict[str, frozenset[str]]:
    """The Kemendagri codes of Kota Tangerang per level, as the gate's `reference_codes`."""
    return {"kecamatan": reference.kecamatan_codes(), "kelurahan": reference.kelurahan_codes()}


def validate(
    table: pa.Table,
    contract: Contract,
    *,
    data_docs_dir: Path | None = None,
    file: str | None = None,
) -> GateResult:
    """GateResult of `table` against `contract`; `success` False means: publish nothing.

    Source columns the contract does not know (normalize dropped them) are named in a
    warning each, so the steward learns that the agency changed its export."""
    result = run_gate(
        table,
        contract,
        reference_codes=reference_codes(),
        data_docs_dir=data_docs_dir,
        file=file,
    )
    unknown = unknown_column_warnings(table, file)
    if not unknown:
        return result
    return dataclasses.replace(result, warnings=[*result.warnings, *unknown])


def unknown_column_warnings(table: pa.Table, file: str | None = None) -> list[Problem]:
    """One warning per source column the contract does not know. The column name is masked
    like any message: a header can itself be an identifier."""
    meta = table.schema.metadata or {}
    name = file or meta.get(FILE_KEY, b"").decode("utf-8", "replace")
    listed = json.loads(meta.get(UNKNOWN_COLUMNS_KEY, b"[]"))
    return [
        Problem(
            name,
            row,
            mask_identifiers(column),
            say(
                "kolom {column!r} tidak ada di kontrak dan tidak diterbitkan; apakah format "
                "ekspor sumber berubah?",
                "column {column!r} is not in the contract and is not published; has the "
                "source's export format changed?",
                column=mask_identifiers(column),
            ),
            expectation="unknown_column",
        )
        for row, column in listed
    ]


@dataclass
class GateSummary:
    """JSON-able stand-in for the quality gate's result (same attribute names)."""

    success: bool
    blocking: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    statistics: dict[str, Any] = field(default_factory=dict)
    data_docs_page: str | None = None  # path of the run's one-page Data Docs

    def to_dict(self) -> dict[str, Any]:
        return {
            "success": self.success,
            "blocking": [p.to_dict() for p in self.blocking],
            "warnings": [p.to_dict() for p in self.warnings],
            "statistics": json_safe(self.statistics),
            "data_docs_page": self.data_docs_page,
        }

    @classmethod
    def from_gate(cls, gate: Any) -> GateSummary:
        page = getattr(gate, "data_docs_page", None)
        return cls(
            success=bool(gate.success),
            blocking=list(getattr(gate, "blocking", []) or []),
            warnings=list(getattr(gate, "warnings", []) or []),
            statistics=dict(getattr(gate, "statistics", {}) or {}),
            data_docs_page=None if page is None else str(page),
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GateSummary:
        return cls(
            success=bool(data["success"]),
            blocking=[Problem.from_dict(p) for p in data.get("blocking", [])],
            warnings=[Problem.from_dict(p) for p in data.get("warnings", [])],
            statistics=dict(data.get("statistics", {})),
            data_docs_page=data.get("data_docs_page"),
        )
