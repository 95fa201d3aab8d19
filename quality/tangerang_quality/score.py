"""Dataset quality score: 0-100 and a grade, from six weighted dimensions.

Pure functions on `ScoreInputs`; `inputs_from_run` gathers them from a contract, the published
table and the gate's statistics. The rules are documented in quality/README.md: change both
together.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from tangerang_quality.types import ContractLike

WEIGHTS: dict[str, int] = {
    "validity": 30,
    "completeness": 20,
    "freshness": 15,
    "metadata": 15,
    "accessibility": 10,
    "documentation": 10,
}
GRADES = ((90.0, "A"), (75.0, "B"), (60.0, "C"), (40.0, "D"))
OPEN_FORMATS = frozenset({"csv", "parquet", "json", "geojson", "xml", "ods"})
REQUIRED_NULL_WEIGHT = 2  # a missing required value costs twice a missing optional one


@dataclass(frozen=True)
class ScoreInputs:
    # validity: expectations of the last GX run
    evaluated_expectations: int = 0
    successful_expectations: int = 0
    # completeness: cells and null cells in required and in optional fields
    required_cells: int = 0
    required_nulls: int = 0
    optional_cells: int = 0
    optional_nulls: int = 0
    # freshness: the period of the contract's frequency (schemas/frequencies.yaml, passed by
    # the engine); None = no promise made (tidak_tentu): freshness is left out, not punished
    period_days: float | None = None
    age_days: float | None = None  # since the data last changed; None = never published
    # metadata: which of the SDI keys (the contract schema's, passed by the engine) have a value
    sdi: Mapping[str, Any] = field(default_factory=dict)
    sdi_keys: tuple[str, ...] = ()
    # accessibility
    formats: tuple[str, ...] = ()
    datastore: bool = False
    api: bool = False
    # documentation: data dictionary
    fields_total: int = 0
    fields_documented: int = 0  # with both a title and a description


@dataclass(frozen=True)
class Score:
    total: float
    grade: str
    dimensions: dict[str, float | None]  # 0..100 each; None = not applicable, weight dropped

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "grade": self.grade, "dimensions": dict(self.dimensions)}


def validity(i: ScoreInputs) -> float:
    if i.evaluated_expectations <= 0:
        return 0.0  # never validated: no evidence of validity
    return i.successful_expectations / i.evaluated_expectations


def completeness(i: ScoreInputs) -> float:
    cells = REQUIRED_NULL_WEIGHT * i.required_cells + i.optional_cells
    if cells <= 0:
        return 0.0
    nulls = REQUIRED_NULL_WEIGHT * i.required_nulls + i.optional_nulls
    return 1.0 - nulls / cells


def freshness(i: ScoreInputs) -> float | None:
    """1 within one period; falls linearly to 0 at three periods; None without a period."""
    period = i.period_days
    if period is None:
        return None
    if i.age_days is None:
        return 0.0
    if i.age_days <= period:
        return 1.0
    return max(0.0, 1.0 - (i.age_days - period) / (2 * period))


def metadata(i: ScoreInputs) -> float:
    """Share of ``sdi_keys`` set to a non-empty value (text, or a mapping such as walidata)."""
    if not i.sdi_keys:
        return 0.0
    filled = sum(1 for key in i.sdi_keys if str(i.sdi.get(key) or "").strip())
    return filled / len(i.sdi_keys)


def accessibility(i: ScoreInputs) -> float:
    """0.4 one open format, +0.1 a second, +0.3 DataStore (queryable), +0.2 public API."""
    open_count = len({f.lower() for f in i.formats} & OPEN_FORMATS)
    value = 0.4 * (open_count >= 1) + 0.1 * (open_count >= 2)
    return value + 0.3 * i.datastore + 0.2 * i.api


def documentation(i: ScoreInputs) -> float:
    return i.fields_documented / i.fields_total if i.fields_total > 0 else 0.0


DIMENSIONS = {
    "validity": validity,
    "completeness": completeness,
    "freshness": freshness,
    "metadata": metadata,
    "accessibility": accessibility,
    "documentation": documentation,
}


def grade(total: float) -> str:
    for threshold, letter in GRADES:
        if total >= threshold:
            return letter
    return "E"


def compute_score(inputs: ScoreInputs) -> Score:
    """Weighted mean of the applicable dimensions, on 0..100, rounded to one decimal."""
    dims: dict[str, float | None] = {}
    weighted = weights = 0.0
    for name, fn in DIMENSIONS.items():
        value = fn(inputs)
        dims[name] = None if value is None else round(100 * value, 1)
        if value is not None:
            weighted += WEIGHTS[name] * value
            weights += WEIGHTS[name]
    total = round(100 * weighted / weights, 1) if weights else 0.0
    return Score(total=total, grade=grade(total), dimensions=dims)


def inputs_from_run(
    contract: ContractLike,
    table: pa.Table | None,
    statistics: Mapping[str, Any] | None,
    *,
    last_changed: datetime.datetime | None,
    period_days: float | None,
    sdi_keys: tuple[str, ...],
    now: datetime.datetime | None = None,
) -> ScoreInputs:
    """ScoreInputs from a contract, the published table and `GateResult.statistics`.

    The caller passes what the contract schema and schemas/frequencies.yaml define: the period
    of the contract's frequency (``period_days``) and the SDI keys a contract may set.
    """
    now = now or datetime.datetime.now(datetime.UTC)
    required = {f.name for f in contract.fields if f.required or f.name in contract.primary_key}
    cells = {"required": [0, 0], "optional": [0, 0]}
    if table is not None:
        for name in table.column_names:
            bucket = cells["required" if name in required else "optional"]
            bucket[0] += table.num_rows
            bucket[1] += table.column(name).null_count
    stats = statistics or {}
    age = None if last_changed is None else (now - last_changed).total_seconds() / 86400
    return ScoreInputs(
        evaluated_expectations=int(stats.get("evaluated_expectations", 0)),
        successful_expectations=int(stats.get("successful_expectations", 0)),
        required_cells=cells["required"][0],
        required_nulls=cells["required"][1],
        optional_cells=cells["optional"][0],
        optional_nulls=cells["optional"][1],
        period_days=period_days,
        age_days=age,
        sdi=contract.sdi,
        sdi_keys=sdi_keys,
        formats=contract.formats,
        datastore=contract.datastore,
        api=contract.access == "terbuka",
        fields_total=len(contract.fields),
        fields_documented=sum(
            1 for f in contract.fields if f.title.strip() and f.description.strip()
        ),
    )


# -- the score on the CKAN dataset --------------------------------------------------------------


def dataset_fields(score: Score) -> dict[str, Any]:
    """The CKAN dataset fields that carry a score (the extension facets on `quality_grade`)."""
    return {"quality_score": score.total, "quality_grade": score.grade}


def stored_matches(package: Mapping[str, Any], score: Score) -> bool:
    """True when the dataset already shows this score and grade (nothing to update)."""
    try:
        stored = round(float(package.get("quality_score")), 1)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return stored == score.total and package.get("quality_grade") == score.grade


def parse_timestamp(value: Any) -> datetime.datetime | None:
    """A CKAN/ISO 8601 timestamp as an aware datetime (naive means UTC); None if unreadable."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
