"""The data of the catalog's charts, which ``public/tangerang/charts.js`` draws with ECharts.

Each chart is a ``<div class="tangerang-chart" data-chart='{...}'>`` whose JSON this module
builds; ``charts.js`` turns it into ECharts options. Every text a person reads is in the
JSON, already translated and with its dates written as the portal writes them, so the
script holds no language. Three kinds:

- ``trend``: the quality score (0-100) of a dataset's runs, oldest first, with the grade
  thresholds of ``tangerang_quality.score.GRADES`` as guide lines;
- ``sparkline``: the same, small, in a dashboard row;
- ``dimensions``: the six dimension scores of one run (``None``: not applicable).

A run's score is its ``validation.statistics.quality`` (``total``, ``grade``, ``dimensions``)
as the pipeline reports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import ckan.plugins.toolkit as tk
from babel.numbers import format_decimal

from ckanext.tangerang import vocab


def _(message: str) -> str:
    """Marks a msgid for ``pybabel extract``; translated when rendered."""
    return message


# tangerang_quality.score: WEIGHTS (the order of the bars) and GRADES (the guide lines).
DIMENSIONS = {
    "validity": _("Validity"),
    "completeness": _("Completeness"),
    "freshness": _("Freshness"),
    "metadata": _("Metadata"),
    "accessibility": _("Accessibility"),
    "documentation": _("Documentation"),
}
GRADE_LINES = ((90, "A"), (75, "B"), (60, "C"), (40, "D"))


def run_quality(run: Mapping[str, Any]) -> dict[str, Any] | None:
    """The quality score of a run (as ``tangerang_run_report_list`` lists it), or ``None``."""
    statistics = (run.get("validation") or {}).get("statistics") or {}
    quality = statistics.get("quality") if isinstance(statistics, Mapping) else None
    if not isinstance(quality, Mapping) or not isinstance(quality.get("total"), int | float):
        return None
    return dict(quality)


def _number(value: float | None) -> str:
    """A score as the page's language writes it (``92,7`` in Bahasa Indonesia)."""
    return "" if value is None else format_decimal(value, locale=vocab.current_lang())


def _point(finished_at: Any, total: float, grade: Any, run_id: str) -> dict[str, Any]:
    return {
        "x": tk.h.render_datetime(finished_at) if finished_at else run_id,
        "when": tk.h.render_datetime(finished_at, with_hours=True) if finished_at else run_id,
        "y": total,
        "text": _number(total),
        "grade": grade or "",
    }


def trend(points: Iterable[Mapping[str, Any]], *, small: bool = False) -> dict[str, Any]:
    """A ``trend`` (or ``sparkline``) chart of points ``{finished_at, total, grade, run_id}``,
    oldest first."""
    return {
        "kind": "sparkline" if small else "trend",
        "name": tk._("Quality score"),
        "points": [
            _point(p.get("finished_at"), p["total"], p.get("grade"), p.get("run_id", ""))
            for p in points
        ],
        "grades": [{"value": value, "label": grade} for value, grade in GRADE_LINES],
    }


def dimensions(quality: Mapping[str, Any]) -> dict[str, Any]:
    """A ``dimensions`` chart of one score's dimension values, in the score's order."""
    values = quality.get("dimensions") or {}
    return {
        "kind": "dimensions",
        "name": tk._("Score per dimension"),
        "bars": [
            {"label": tk._(label), "value": values.get(name), "text": _number(values.get(name))}
            for name, label in DIMENSIONS.items()
        ],
        "not_applicable": tk._("not applicable"),
    }


def dataset_quality(runs: list[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The charts of a dataset page from its runs (newest first, as listed): the score
    history and the dimensions of the newest scored run; ``None`` when no run has a score."""
    scored = [(run, quality) for run in runs if (quality := run_quality(run)) is not None]
    if not scored:
        return None
    last_run, last = scored[0]
    history = [
        {
            "finished_at": run.get("finished_at") or run.get("created"),
            "total": quality["total"],
            "grade": quality.get("grade"),
            "run_id": run.get("run_id", ""),
        }
        for run, quality in reversed(scored)
    ]
    return {
        "history": trend(history),
        "dimensions": dimensions(last),
        "last": {
            "total": last["total"],
            "grade": last.get("grade"),
            "run_id": last_run.get("run_id"),
            "finished_at": last_run.get("finished_at"),
        },
        "count": len(history),
    }
