"""ExpectColumnValuesToBeWilayahCode: Kemendagri codes of Kota Tangerang at a given level."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import ClassVar, Literal

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

REFERENCE_CSV = (
    Path(__file__).resolve().parents[3] / "schemas" / "reference" / "wilayah_kota_tangerang.csv"
)


@lru_cache(maxsize=1)
def _codes_from_csv() -> dict[str, frozenset[str]]:
    by_level: dict[str, set[str]] = {}
    with REFERENCE_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            by_level.setdefault(row["level"], set()).add(row["kemendagri_code"])
    return {level: frozenset(codes) for level, codes in by_level.items()}


def is_wilayah_code(code: object, level: str) -> bool:
    """True when `code` is a Kemendagri code of Kota Tangerang at `level`."""
    if not isinstance(code, str):
        return False
    try:
        from tangerang_hub.reference import is_valid
    except ImportError:  # the engine package is absent: read the shipped table ourselves
        return code in _codes_from_csv().get(level, frozenset())
    return is_valid(code, level)


class ColumnValuesWilayahCode(ColumnMapMetricProvider):
    condition_metric_name = "column_values.tangerang_wilayah_code"
    condition_value_keys = ("level",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, level, **kwargs):
        return column.map(lambda v: is_wilayah_code(v, level))


class ExpectColumnValuesToBeWilayahCode(ColumnMapExpectation):
    """Expect Kemendagri codes of Kota Tangerang (Kepmendagri 300.2.2-2138/2025) at `level`."""

    level: Literal["kecamatan", "kelurahan"]

    map_metric = "column_values.tangerang_wilayah_code"
    success_keys = ("level", "mostly")
    args_keys = ("column", "level")
    library_metadata: ClassVar[dict] = {"tags": ["reference", "tangerang"], "contributors": []}
