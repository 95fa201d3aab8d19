"""The targets of issue 10, judged on one run's medians: held, missed, or not measured.

Every target is a ratio of two figures of the same run (or, for the DAG build, seconds),
taken at the largest size measured; the issue names 1 000 000 rows, and a run at fewer rows
says so in the target's note. Nothing here is ever asserted by a test against real timings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

TARGET_ROWS = 1_000_000


@dataclass(frozen=True)
class Target:
    id: str
    text: str
    value: float | None  # the measured ratio (or seconds)
    limit: float
    at_most: bool  # True: value <= limit holds it; False: value >= limit holds it
    note: str = ""

    @property
    def held(self) -> bool | None:
        if self.value is None:
            return None
        return self.value <= self.limit if self.at_most else self.value >= self.limit

    @property
    def verdict(self) -> str:
        return {True: "held", False: "MISSED", None: "not measured"}[self.held]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "held": self.held, "verdict": self.verdict}


def _median(part: Mapping[str, Any] | None, key: str) -> float | None:
    series = (part or {}).get(key)
    return series.get("median_s") if isinstance(series, Mapping) else None


def _ratio(top: float | None, bottom: float | None) -> float | None:
    if top is None or bottom is None or bottom <= 0:
        return None
    return round(top / bottom, 4)


def _sum(*values: float | None) -> float | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def evaluate(results: Mapping[str, Any]) -> list[Target]:
    """The targets, from `results` as `bench.hub_bench` writes them."""
    sizes = {int(n): part for n, part in (results.get("sizes") or {}).items()}
    rows = max(sizes) if sizes else None
    at = sizes.get(rows, {}) if rows is not None else {}
    note = "" if rows in (None, TARGET_ROWS) else f"at {rows} rows (the target names 1M)"
    m: Callable[[str, str], float | None] = lambda part, key: _median(at.get(part), key)  # noqa: E731

    limit, floor = m("postgres", "limit"), m("postgres", "floor")
    hub_run, unchanged = m("hub", "full"), m("hub", "unchanged")
    engine = _sum(m("engine", "normalize"), m("engine", "gate"), m("engine", "stage"))
    uploaded = (at.get("hub") or {}).get("unchanged_file_bytes_max")
    dags = results.get("dag_build") or {}
    search = results.get("package_search") or {}
    return [
        Target(
            "hub_vs_limit",
            "hub end to end <= 10x the limit",
            _ratio(hub_run, limit),
            10,
            True,
            note,
        ),
        Target(
            "hub_vs_floor",
            "hub end to end <= 1.5x the SQL floor",
            _ratio(hub_run, floor),
            1.5,
            True,
            note,
        ),
        Target(
            "engine_vs_limit",
            "normalize + gate + staging <= 2x the limit",
            _ratio(engine, limit),
            2,
            True,
            note,
        ),
        Target(
            "vs_xloader",
            "hub's loader >= 5x faster than stock xloader on the same file",
            _ratio(m("loads", "xloader"), m("loads", "hub_loader")),
            5,
            False,
            note,
        ),
        Target(
            "unchanged",
            "unchanged re-run <= 2% of a full run",
            _ratio(unchanged, hub_run),
            0.02,
            True,
            note,
        ),
        Target(
            "unchanged_bytes",
            "unchanged re-run uploads 0 file bytes",
            None if uploaded is None else float(uploaded),
            0,
            True,
            note,
        ),
        Target(
            "dag_build",
            f"{dags.get('contracts', 200)} contracts: DAG build <= 1 s (DagBag)",
            _median(dags, "contracts_dagbag"),
            1.0,
            True,
        ),
        Target(
            "package_search",
            "package_search p95 with the extension <= 1.1x without",
            _ratio(search.get("with", {}).get("p95_s"), search.get("without", {}).get("p95_s")),
            1.1,
            True,
        ),
    ]


def table_text(targets: list[Target]) -> str:
    lines = [f"{'target':64} {'measured':>10} {'limit':>8}  verdict", "-" * 100]
    for t in targets:
        value = "—" if t.value is None else f"{t.value:.3f}"
        sign = "<=" if t.at_most else ">="
        lines.append(
            f"{t.text:64} {value:>10} {sign}{t.limit:>6g}  {t.verdict}"
            + (f"  ({t.note})" if t.note else "")
        )
    return "\n".join(lines)
