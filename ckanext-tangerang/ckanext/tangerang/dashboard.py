"""The steward dashboard (``/dasbor``, action ``tangerang_dashboard_show``): one row per contract.

Rows come from three sources, none of them a web page:

- the hub's dataset contracts, read from ``schemas/`` (``ckanext.tangerang.schemas_dir``):
  ``datasets/*.yaml`` (one DAG ``hub_<id>`` each) and ``catalog/*.yaml`` (the catalog's own
  tables, published by other DAGs, see `CATALOG_DAGS`). A contract that never published has
  its row too; so has a file that does not parse (``contract_error``). A catalog dataset is
  the contract's when its name is the contract's id, as the hub publishes it; datasets of no
  contract are not the dashboard's;
- the run reports (``tangerang_run_report``): the last `runs` runs of each dataset give the
  last run's status, duration and rows and the quality-score trend (the runs whose
  ``validation.statistics.quality`` has a ``total``);
- Airflow's REST API when configured (``airflow_api``): the Airflow run of the last run
  report (matched on the run key), the state of the DAG's newest run, and the links.

Freshness of a row (``freshness``): ``failed`` when the last run did not succeed (ditolak or
gagal, ``run_statuses.yaml``), else the dataset page's rule (``freshness.status``: the
dataset's ``last_run_at`` against the contract's frequency with
``ckanext.tangerang.freshness_grace_hours``; without ``last_run_at``, the newest good run's
end): ``on_time``, ``late``, ``irregular``; ``no_run`` without any run report.

`rows` filters by producer (``organization``) and dimension (``dimensi``) and sorts by one of
`SORT_KEYS` (missing values last either way). Everything here reads; nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import yaml
from sqlalchemy import func, select

from ckanext.tangerang import airflow_api, catalog_summary, freshness, hub_tables, run_messages
from ckanext.tangerang.model import RunReport

log = logging.getLogger(__name__)

FAILED = "failed"
# Freshness, worst first: the default sort shows what needs a steward at the top.
FRESHNESS_ORDER = (FAILED, freshness.LATE, freshness.NO_RUN, freshness.IRREGULAR, freshness.ON_TIME)
SORT_KEYS = (
    "freshness",
    "title",
    "organization",
    "status",
    "finished_at",
    "duration",
    "rows",
    "quality",
)
# Catalog tables that a DAG other than hub_<id> publishes (dags/quality_dag.py DAG_ID).
CATALOG_DAGS = {"skor-kualitas-data": "hub_quality_score"}
CONTRACT_FOLDERS = ("datasets", "catalog")
CSV_COLUMNS = (
    "kontrak",
    "judul",
    "produsen",
    "dimensi",
    "frekuensi",
    "status_proses_terakhir",
    "selesai_utc",
    "durasi_detik",
    "baris",
    "kemutakhiran",
    "skor_mutu",
    "peringkat_mutu",
    "tren_skor",
    "airflow_run",
)


def _(message: str) -> str:
    """Marks a msgid for ``pybabel extract``; translated when rendered."""
    return message


FRESHNESS_LABELS = {
    freshness.ON_TIME: (_("On time"), "success"),
    freshness.LATE: (_("Late"), "warning"),
    FAILED: (_("Failed"), "danger"),
    freshness.NO_RUN: (_("No run yet"), "secondary"),
    freshness.IRREGULAR: (_("Irregular schedule"), "info"),
}


# --- contracts -----------------------------------------------------------------------------


def _contract_row(path: Path, folder: str) -> dict[str, Any]:
    """What the dashboard needs of one contract file (the hub checks the rest)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise ValueError("no id")
    except (OSError, ValueError, yaml.YAMLError) as exc:
        log.warning("dashboard: contract %s unreadable: %s", path.name, exc)
        return {"contract_id": path.stem, "title": path.name, "contract_error": True}
    contract_id = data["id"]
    dag_id = CATALOG_DAGS.get(contract_id)
    if dag_id is None and folder == "datasets":
        dag_id = f"hub_{contract_id.replace('-', '_')}"
    dimensions = data.get("dimensions") or []
    return {
        "contract_id": contract_id,
        "title": str(data.get("title") or contract_id),
        "organization": data.get("producer"),
        "dimensions": [d for d in dimensions if isinstance(d, str)],
        "frequency": data.get("frequency"),
        "dag_id": dag_id,
        "contract_error": False,
    }


def contracts() -> list[dict[str, Any]]:
    """Every contract file of the hub's ``schemas/datasets`` and ``schemas/catalog``."""
    root = hub_tables.schemas_dir()
    found: dict[str, dict[str, Any]] = {}
    for folder in CONTRACT_FOLDERS:
        for path in sorted((root / folder).glob("*.yaml")):
            row = _contract_row(path, folder)
            found.setdefault(row["contract_id"], row)
    return list(found.values())


# --- run reports ---------------------------------------------------------------------------


def recent_reports(package_ids: Iterable[str], per_package: int) -> dict[str, list[RunReport]]:
    """The newest `per_package` run reports of each dataset, newest first (one query)."""
    ids = list(package_ids)
    if not ids:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=RunReport.package_id,
            order_by=(RunReport.finished_at.desc().nulls_last(), RunReport.created.desc()),
        )
        .label("rank")
    )
    ranked = select(RunReport.id, rank).where(RunReport.package_id.in_(ids)).subquery()
    query = (
        model.Session.query(RunReport)
        .join(ranked, ranked.c.id == RunReport.id)
        .filter(ranked.c.rank <= per_package)
        .order_by(RunReport.package_id, ranked.c.rank)
    )
    reports: dict[str, list[RunReport]] = {}
    for report in query:
        reports.setdefault(report.package_id, []).append(report)
    return reports


def _quality(report: RunReport) -> dict[str, Any] | None:
    statistics = (report.validation or {}).get("statistics") or {}
    quality = statistics.get("quality") if isinstance(statistics, dict) else None
    if not isinstance(quality, dict) or not isinstance(quality.get("total"), int | float):
        return None
    return quality


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _ok(status: str) -> bool:
    """The run succeeded (``run_statuses.yaml``)."""
    return bool((hub_tables.run_statuses().get(status) or {}).get("ok"))


def _last_run(report: RunReport) -> dict[str, Any]:
    duration = None
    if report.started_at and report.finished_at:
        duration = round((report.finished_at - report.started_at).total_seconds(), 1)
    return {
        "run_id": report.run_id,
        "status": report.status,
        "ok": _ok(report.status),
        "started_at": _iso(report.started_at),
        "finished_at": _iso(report.finished_at),
        "duration_seconds": duration,
        "rows": report.rows,
        "message": run_messages.render(
            (report.validation or {}).get("message_code"),
            (report.validation or {}).get("message_params"),
        )
        or report.message
        or "",
    }


def _trend(reports: list[RunReport]) -> list[dict[str, Any]]:
    """Quality scores of the runs that have one, oldest first."""
    points = []
    for report in reversed(reports):
        quality = _quality(report)
        if quality is not None:
            points.append(
                {
                    "run_id": report.run_id,
                    "finished_at": _iso(report.finished_at or report.created),
                    "total": quality["total"],
                    "grade": quality.get("grade"),
                }
            )
    return points


# --- Airflow -------------------------------------------------------------------------------


def _airflow(
    dag_id: str | None, last_run: dict[str, Any] | None, runs: airflow_api.DagRuns
) -> dict[str, Any]:
    """The DAG and its page, the Airflow run of the last run report (``run``, matched on the
    run key) and the DAG's newest run (``latest``); ``None`` what Airflow did not tell."""
    if dag_id is None:
        return {"dag_id": None, "dag_url": None, "run": None, "latest": None}
    dag_runs = runs.runs.get(dag_id) or []
    run = None
    if last_run is not None:
        run = next(
            (r for r in dag_runs if r["run_key"] and last_run["run_id"].endswith(r["run_key"])),
            None,
        )
    return {
        "dag_id": dag_id,
        "dag_url": airflow_api.dag_url(dag_id),
        "run": run,
        "latest": dag_runs[0] if dag_runs else None,
    }


# --- rows ----------------------------------------------------------------------------------


def _organization_titles(names: Iterable[str | None]) -> dict[str, str]:
    wanted = {n for n in names if n}
    if not wanted:
        return {}
    query = model.Session.query(model.Group.name, model.Group.title).filter(
        model.Group.name.in_(wanted)
    )
    return {name: title or name for name, title in query}


def _freshness(
    last_run: dict[str, Any] | None, frequency: str | None, last_changed: Any, now: dt.datetime
) -> str:
    if last_run is None:
        return freshness.NO_RUN
    if not last_run["ok"]:
        return FAILED
    return freshness.status(frequency, last_changed, now, catalog_summary.grace())


def dataset_freshness(
    reports: list[RunReport], frequency: str | None, last_run_at: Any, now: dt.datetime
) -> str:
    """A dataset's freshness by the dashboard's rule (see the module docstring), from its
    newest run reports (newest first, `recent_reports`) and its ``last_run_at``."""
    last_run = _last_run(reports[0]) if reports else None
    good = next((r for r in reports if _ok(r.status)), None)
    last_changed = last_run_at or (good.finished_at if good else None)
    return _freshness(last_run, frequency, last_changed, now)


def _row(
    base: dict[str, Any],
    package: model.Package | None,
    reports: list[RunReport],
    runs: airflow_api.DagRuns,
    now: dt.datetime,
) -> dict[str, Any]:
    extras = (package.extras or {}) if package is not None else {}
    last_run = _last_run(reports[0]) if reports else None
    trend = _trend(reports)
    # The last data change as the dataset page reads it; else the newest good run.
    good = next((r for r in reports if _ok(r.status)), None)
    last_changed = extras.get("last_run_at") or (good.finished_at if good else None)
    frequency = base.get("frequency") or extras.get("frekuensi")
    status = dataset_freshness(reports, frequency, extras.get("last_run_at"), now)
    stored_score = extras.get("quality_score")
    quality = trend[-1] if trend else None
    if quality is None and stored_score not in (None, ""):
        try:
            quality = {"total": float(stored_score), "grade": extras.get("quality_grade")}
        except ValueError:
            quality = None
    due = freshness.due_at(frequency, last_changed)
    return {
        **base,
        "frequency": frequency,
        "package": None
        if package is None
        else {"id": package.id, "name": package.name, "private": bool(package.private)},
        "last_run": last_run,
        "last_changed_at": _iso(freshness.parse_timestamp(last_changed)),
        "due_at": _iso(due),
        "freshness": status,
        "quality": None
        if quality is None
        else {"total": quality["total"], "grade": quality.get("grade")},
        "quality_trend": trend,
        "airflow": _airflow(base.get("dag_id"), last_run, runs),
    }


def _sort_value(row: dict[str, Any], key: str) -> Any:
    last_run = row["last_run"] or {}
    values = {
        "freshness": FRESHNESS_ORDER.index(row["freshness"]),
        "title": row["title"].casefold(),
        "organization": (row.get("organization_title") or row.get("organization") or "").casefold()
        or None,
        "status": last_run.get("status"),
        "finished_at": last_run.get("finished_at"),
        "duration": last_run.get("duration_seconds"),
        "rows": last_run.get("rows"),
        "quality": (row["quality"] or {}).get("total"),
    }
    return values[key]


def sort_rows(rows: list[dict[str, Any]], key: str, descending: bool) -> list[dict[str, Any]]:
    """Rows by `key` (one of `SORT_KEYS`), ties by title; rows without a value go last."""
    by_title = sorted(rows, key=lambda r: (r["title"].casefold(), r["contract_id"]))
    present = [r for r in by_title if _sort_value(r, key) is not None]
    missing = [r for r in by_title if _sort_value(r, key) is None]
    return sorted(present, key=lambda r: _sort_value(r, key), reverse=descending) + missing


def rows(
    *,
    organization: str | None = None,
    dimension: str | None = None,
    sort: str = "freshness",
    descending: bool = False,
    runs: int = 10,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The dashboard: ``rows`` (filtered and sorted), the producers and dimensions to filter by
    (``choices``, from all rows), ``summary`` (rows per freshness, of the filtered rows) and
    ``airflow`` (``configured``, ``error``)."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    bases = contracts()
    known = {b["contract_id"] for b in bases}
    packages = {
        p.name: p
        for p in model.Session.query(model.Package).filter(
            model.Package.name.in_(known), model.Package.state != "deleted"
        )
    }
    reports = recent_reports((p.id for p in packages.values()), runs)
    dag_ids = [b["dag_id"] for b in bases if b.get("dag_id")]
    dag_runs = airflow_api.latest_runs(dag_ids, runs)
    titles = _organization_titles(b.get("organization") for b in bases)
    all_rows = []
    for base in bases:
        base["organization_title"] = titles.get(base.get("organization") or "")
        package = packages.get(base["contract_id"])
        found = reports.get(package.id, []) if package is not None else []
        all_rows.append(_row(base, package, found, dag_runs, now))

    producers = {
        (r["organization"], r["organization_title"] or r["organization"])
        for r in all_rows
        if r.get("organization")
    }
    choices = {
        "organizations": sorted(producers, key=lambda pair: pair[1].casefold()),
        "dimensions": sorted({d for r in all_rows for d in r.get("dimensions") or []}),
    }
    kept = [
        r
        for r in all_rows
        if organization in (None, "", r.get("organization"))
        and (not dimension or dimension in (r.get("dimensions") or []))
    ]
    summary = {status: 0 for status in FRESHNESS_ORDER}
    for row in kept:
        summary[row["freshness"]] += 1
    return {
        "generated_at": now.isoformat() + "Z",
        "count": len(kept),
        "summary": summary,
        "rows": sort_rows(kept, sort, descending),
        "choices": {
            "organizations": [{"name": n, "title": t} for n, t in choices["organizations"]],
            "dimensions": choices["dimensions"],
        },
        "airflow": {"configured": airflow_api.base_url() is not None, "error": dag_runs.error},
    }


# --- labels and CSV ------------------------------------------------------------------------


def freshness_label(status: str) -> dict[str, str]:
    """The translated label and Bootstrap colour of a row's freshness."""
    label, css = FRESHNESS_LABELS.get(status, (status, "secondary"))
    return {"label": tk._(label), "css": css}


def to_csv(dashboard: Mapping[str, Any], lang: str) -> str:
    """The rows as CSV (UTF-8, ``CSV_COLUMNS``), labels in `lang`; the trend as JSON scores."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in dashboard["rows"]:
        last_run = row["last_run"] or {}
        quality = row["quality"] or {}
        airflow = row["airflow"] or {}
        run = airflow.get("run") or airflow.get("latest") or {}
        writer.writerow(
            _cell(value)
            for value in [
                row["contract_id"],
                row["title"],
                row.get("organization") or "",
                " ".join(row.get("dimensions") or []),
                row.get("frequency") or "",
                hub_tables.run_status_label(last_run["status"], lang) if last_run else "",
                last_run.get("finished_at") or "",
                "" if last_run.get("duration_seconds") is None else last_run["duration_seconds"],
                "" if last_run.get("rows") is None else last_run["rows"],
                freshness_label(row["freshness"])["label"],
                "" if quality.get("total") is None else quality["total"],
                quality.get("grade") or "",
                json.dumps([p["total"] for p in row["quality_trend"]]),
                run.get("url") or "",
            ]
        )
    return out.getvalue()


def _cell(value: Any) -> Any:
    """A text a spreadsheet would run as a formula is kept as text (a leading apostrophe)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
