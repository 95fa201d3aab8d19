"""The smart-city evaluation view (``/evaluasi``, action ``tangerang_evaluation_show``).

For Kominfo's second-stage evaluation of the smart-city movement: one row per dimension
(``dimensi``, the six of ``schemas/dataset.yaml``) and a ``total`` row, over the catalog's
**public, active datasets** (a dataset of two dimensions counts in both; the total counts
every public dataset once):

- ``dataset_count``;
- ``producers``: the organizations that publish in the dimension (``name``, ``title``),
  ``producer_count`` of them out of ``producer_total``, the catalog's producer organizations
  (active organizations whose ``org_type`` is one of ``vocab.BOT_ORG_TYPES``);
- ``freshness``: datasets per status of the steward dashboard's rule
  (``dashboard.dataset_freshness``: ``failed`` when the last run did not succeed, else
  ``freshness.status`` against the frequency), and ``on_time_percent``: ``on_time`` out of
  the datasets measured against a frequency (``on_time``, ``late`` and ``failed``; ``None``
  when none is), rounded to 0.1;
- ``quality_mean``: the mean of the datasets' published ``quality_score`` (those that have
  one: ``quality_scored``), rounded to 0.1;
- ``downloads``: the resource downloads of its datasets in the period, all visitors
  (``usage.downloads_per_package``, counted per WIB day);
- ``trend``: per calendar month of the period (in ``ckan.display_timezone``), the mean over
  the dimension's datasets of each dataset's mean run score that month (run reports'
  ``validation.statistics.quality.total``); ``None`` for a month without a scored run.

The period is ``start`` to ``end``, calendar days in the display time zone, both included;
by default the twelve months up to today. Everything here reads; nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from babel.dates import format_date
from babel.numbers import format_decimal
from sqlalchemy import func

from ckanext.tangerang import catalog_summary, charts, dashboard, freshness, usage, vocab
from ckanext.tangerang.model import RunReport

DEFAULT_MONTHS = 12
MAX_DAYS = 3 * 366  # the longest period one may ask for
# Freshness counted per row: the dashboard's statuses; the first three are measured.
MEASURED = (freshness.ON_TIME, freshness.LATE, dashboard.FAILED)
STATUSES = (*MEASURED, freshness.IRREGULAR, freshness.NO_RUN)
RUNS = 10  # the newest run reports a dataset's freshness is read from (the dashboard's)
CSV_COLUMNS = (
    "dimensi",
    "nama_dimensi",
    "jumlah_dataset",
    "jumlah_produsen",
    "jumlah_seluruh_produsen",
    "produsen",
    "tepat_waktu",
    "terlambat",
    "gagal",
    "persen_tepat_waktu",
    "rerata_skor_mutu",
    "jumlah_unduhan",
    "tren_skor_bulanan",
)


# --- the period ----------------------------------------------------------------------------


def display_timezone() -> dt.tzinfo:
    return tk.h.get_display_timezone()


def period(
    start: dt.date | None, end: dt.date | None, now: dt.datetime, tz: dt.tzinfo
) -> tuple[dt.date, dt.date]:
    """The period asked for, completed: `end` defaults to `now`'s day (`now` naive UTC, the
    day in `tz`), `start` to the first day of the `DEFAULT_MONTHS`-th month up to `end`."""
    end = end or now.replace(tzinfo=dt.UTC).astimezone(tz).date()
    return start or _add_months(end.replace(day=1), 1 - DEFAULT_MONTHS), end


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months(start: dt.date, end: dt.date) -> list[str]:
    """The months ``YYYY-MM`` from `start`'s to `end`'s, both included."""
    found, month = [], start.replace(day=1)
    while month <= end:
        found.append(month.strftime("%Y-%m"))
        month = _add_months(month, 1)
    return found


def utc_bounds(start: dt.date, end: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The period as naive UTC ``[from, until)``: `start`'s midnight to the day after `end`."""

    def midnight(day: dt.date) -> dt.datetime:
        local = dt.datetime.combine(day, dt.time(), tzinfo=tz)
        return local.astimezone(dt.UTC).replace(tzinfo=None)

    return midnight(start), midnight(end + dt.timedelta(days=1))


# --- what is read --------------------------------------------------------------------------


def _public_datasets() -> list[model.Package]:
    return (
        model.Session.query(model.Package)
        .filter(
            model.Package.type == "dataset",
            model.Package.state == "active",
            model.Package.private.is_(False),
        )
        .order_by(model.Package.name)
        .all()
    )


def _producer_organizations() -> dict[str, model.Group]:
    query = model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active"
    )
    return {g.id: g for g in query if (g.extras or {}).get("org_type") in vocab.BOT_ORG_TYPES}


def _monthly_scores(
    package_ids: list[str], since: dt.datetime, until: dt.datetime, tz: dt.tzinfo
) -> dict[str, dict[str, float]]:
    """Per dataset and month (``YYYY-MM`` in `tz`), the mean total of its scored runs."""
    if not package_ids:
        return {}
    total = RunReport.validation[("statistics", "quality", "total")]
    finished = func.coalesce(RunReport.finished_at, RunReport.created)
    query = model.Session.query(RunReport.package_id, finished, total.as_float()).filter(
        RunReport.package_id.in_(package_ids),
        finished >= since,
        finished < until,
        func.jsonb_typeof(total) == "number",
    )
    sums: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for package_id, when, score in query:
        month = when.replace(tzinfo=dt.UTC).astimezone(tz).strftime("%Y-%m")
        sums[package_id][month].append(score)
    return {
        package_id: {month: sum(s) / len(s) for month, s in by_month.items()}
        for package_id, by_month in sums.items()
    }


# --- one row -------------------------------------------------------------------------------


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(sum(values) / len(values), 1) if values else None


def _score(package: model.Package) -> float | None:
    try:
        return float((package.extras or {}).get("quality_score"))
    except (TypeError, ValueError):
        return None


def _summary(
    packages: list[model.Package],
    fresh: Mapping[str, str],
    organizations: Mapping[str, model.Group],
    downloads: Mapping[str, int],
    scores: Mapping[str, Mapping[str, float]],
    period_months: list[str],
) -> dict[str, Any]:
    counts = dict.fromkeys(STATUSES, 0)
    for package in packages:
        counts[fresh[package.id]] += 1
    measured = sum(counts[s] for s in MEASURED)
    producers = {
        p.owner_org: organizations[p.owner_org] for p in packages if p.owner_org in organizations
    }
    scored = [s for p in packages if (s := _score(p)) is not None]
    return {
        "dataset_count": len(packages),
        "producers": sorted(
            ({"name": g.name, "title": g.title or g.name} for g in producers.values()),
            key=lambda o: o["title"].casefold(),
        ),
        "producer_count": len(producers),
        "producer_total": len(organizations),
        "freshness": counts,
        "on_time_measured": measured,
        "on_time_percent": round(100 * counts[freshness.ON_TIME] / measured, 1)
        if measured
        else None,
        "quality_mean": _mean(scored),
        "quality_scored": len(scored),
        "downloads": sum(int(downloads.get(p.id) or 0) for p in packages),
        "trend": [
            {
                "month": month,
                "quality_mean": _mean(
                    scores[p.id][month] for p in packages if month in scores.get(p.id, {})
                ),
            }
            for month in period_months
        ],
    }


def evaluate(
    start: dt.date | None = None, end: dt.date | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The evaluation over `start`..`end` (completed by `period`); see the module
    docstring. `now` is naive UTC."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    tz = display_timezone()
    start, end = period(start, end, now, tz)
    since, until = utc_bounds(start, end, tz)
    packages = _public_datasets()
    ids = [p.id for p in packages]
    organizations = _producer_organizations()
    reports = dashboard.recent_reports(ids, RUNS)
    fresh = {
        p.id: dashboard.dataset_freshness(
            reports.get(p.id, []),
            (p.extras or {}).get("frekuensi"),
            (p.extras or {}).get("last_run_at"),
            now,
        )
        for p in packages
    }
    downloads = usage.downloads_per_package(start, end)
    scores = _monthly_scores(ids, since, until, tz)
    period_months = months(start, end)

    def summary(selected: list[model.Package]) -> dict[str, Any]:
        return _summary(selected, fresh, organizations, downloads, scores, period_months)

    choices = vocab.dataset_choices("dimensi")
    by_dimension: dict[str, list[model.Package]] = {c["value"]: [] for c in choices}
    for package in packages:
        extras = package.extras or {}
        dims = catalog_summary.dataset_dimensions({"dimensi": extras.get("dimensi")})
        for name in dict.fromkeys(dims):
            if name in by_dimension:
                by_dimension[name].append(package)
    return {
        "generated_at": now.isoformat() + "Z",
        "period": {"start": start.isoformat(), "end": end.isoformat(), "months": period_months},
        "dimensions": [
            {"name": c["value"], "title": c["label"], **summary(by_dimension[c["value"]])}
            for c in choices
        ],
        "total": summary(packages),
    }


# --- the page and the CSV ------------------------------------------------------------------


def month_label(month: str, lang: str, *, long: bool = False) -> str:
    """``2026-12`` as ``Des 2026`` (``Desember 2026`` when `long`) in `lang`."""
    day = dt.date.fromisoformat(month + "-01")
    return format_date(day, "MMMM y" if long else "MMM y", locale=lang)


def trend_chart(trend: list[Mapping[str, Any]], lang: str) -> dict[str, Any]:
    """A ``sparkline`` chart (``charts.js``) of a row's months that have a score."""
    points = [
        {
            "x": month_label(point["month"], lang),
            "when": month_label(point["month"], lang, long=True),
            "y": point["quality_mean"],
            "text": format_decimal(point["quality_mean"], locale=lang),
            "grade": _grade(point["quality_mean"]),
        }
        for point in trend
        if point["quality_mean"] is not None
    ]
    return {
        "kind": "sparkline",
        "name": tk._("Mean quality score"),
        "points": points,
        "grades": [{"value": value, "label": grade} for value, grade in charts.GRADE_LINES],
    }


def _grade(total: float) -> str:
    """The grade of a score, by the thresholds of ``charts.GRADE_LINES`` (E below them)."""
    return next((grade for value, grade in charts.GRADE_LINES if total >= value), "E")


def to_csv(evaluation: Mapping[str, Any], lang: str) -> str:
    """The rows, then the total, as CSV (UTF-8, ``CSV_COLUMNS``); dimension names in `lang`,
    producers by name separated by spaces, the trend as JSON ``{"YYYY-MM": mean}``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    total = {"name": "total", "title": {"id": "Seluruh dimensi", "en": "All dimensions"}}
    for row in [*evaluation["dimensions"], {**evaluation["total"], **total}]:
        title = row["title"]
        writer.writerow(
            [
                row["name"],
                (title.get(lang) or title.get("id")) if isinstance(title, dict) else title,
                row["dataset_count"],
                row["producer_count"],
                row["producer_total"],
                " ".join(p["name"] for p in row["producers"]),
                row["freshness"][freshness.ON_TIME],
                row["freshness"][freshness.LATE],
                row["freshness"][dashboard.FAILED],
                "" if row["on_time_percent"] is None else row["on_time_percent"],
                "" if row["quality_mean"] is None else row["quality_mean"],
                row["downloads"],
                json.dumps({p["month"]: p["quality_mean"] for p in row["trend"]}),
            ]
        )
    return out.getvalue()
