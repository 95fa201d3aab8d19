"""Airflow's REST API, read only: the latest DAG runs of the hub's DAGs, for the dashboard.

Two options configure it (``config_declaration.yaml``):

- ``ckanext.tangerang.airflow_url``: the base URL of Airflow's api-server, which also serves
  its UI; the dashboard links to ``<url>/dags/<dag_id>`` and ``<url>/dags/<dag_id>/runs/<run_id>``.
- ``ckanext.tangerang.airflow_token_file``: a file holding a JWT that Airflow issued
  (``POST /auth/token``). It is read on every call, so it can be renewed without a restart.
  The token goes only to ``airflow_url``; it is never rendered and never returned.

One request per dashboard view: ``POST /api/v2/dags/~/dagRuns/list`` (the batch form of
``GET /api/v2/dags/{dag_id}/dagRuns``) with the DAG ids, newest ``run_after`` first. A run
report names its run by the pipeline's run key (``tangerang_hub.scheduling.run_key``: the end
of the data interval, else the logical date, else ``run_after``, in UTC as
``%Y%m%dT%H%M%SZ``); `run_key` computes the same from an Airflow DAG run, so the dashboard finds
the Airflow run of a run report. Without the URL or the token, or when Airflow does not answer,
the result says why (``error``) and the dashboard works from the run reports alone.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import ckan.plugins.toolkit as tk
import requests

log = logging.getLogger(__name__)

NOT_CONFIGURED = "not_configured"  # no ckanext.tangerang.airflow_url
NO_TOKEN = "no_token"  # the URL, but no readable token file: links only
UNAUTHORIZED = "unauthorized"  # Airflow refused the token (expired?)
UNREACHABLE = "unreachable"  # no answer, or an error status
RUN_KEY_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class DagRuns:
    """The latest runs per DAG id (newest first), or why there are none (`error`)."""

    runs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    error: str | None = None


def base_url() -> str | None:
    url = (tk.config.get("ckanext.tangerang.airflow_url") or "").strip()
    return url.rstrip("/") or None


def dag_url(dag_id: str) -> str | None:
    base = base_url()
    return f"{base}/dags/{quote(dag_id, safe='')}" if base else None


def run_url(dag_id: str, dag_run_id: str) -> str | None:
    page = dag_url(dag_id)
    return f"{page}/runs/{quote(dag_run_id, safe='')}" if page else None


def _token() -> str | None:
    path = tk.config.get("ckanext.tangerang.airflow_token_file")
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").strip() or None
    except OSError as exc:
        log.warning("cannot read ckanext.tangerang.airflow_token_file: %s", exc.strerror)
        return None


def _moment(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def run_key(dag_run: dict[str, Any]) -> str | None:
    """The pipeline's run key of an Airflow DAG run (the ``run_id`` of its run report)."""
    for name in ("data_interval_end", "logical_date", "run_after"):
        moment = _moment(dag_run.get(name))
        if moment is not None:
            return moment.astimezone(dt.UTC).strftime(RUN_KEY_FORMAT)
    return None


def latest_runs(dag_ids: list[str], per_dag: int) -> DagRuns:
    """About `per_dag` newest runs of each DAG (one request for all; fewer for a DAG when others
    ran more often). Each run: ``dag_run_id``, ``state``, ``run_key``, ``start_date``,
    ``end_date``, ``url``."""
    base = base_url()
    if base is None:
        return DagRuns(error=NOT_CONFIGURED)
    token = _token()
    if token is None:
        return DagRuns(error=NO_TOKEN)
    if not dag_ids:
        return DagRuns()
    try:
        response = requests.post(
            f"{base}/api/v2/dags/~/dagRuns/list",
            json={
                "dag_ids": sorted(set(dag_ids)),
                "order_by": "-run_after",
                "page_limit": min(1000, per_dag * len(set(dag_ids))),
            },
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=tk.config.get("ckanext.tangerang.airflow_timeout"),
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        log.warning("Airflow API at %s did not answer: %s", base, type(exc).__name__)
        return DagRuns(error=UNREACHABLE)
    if response.status_code in (401, 403):
        log.warning("Airflow API at %s refused the token (HTTP %s)", base, response.status_code)
        return DagRuns(error=UNAUTHORIZED)
    try:
        response.raise_for_status()
        found = response.json().get("dag_runs") or []
    except (requests.HTTPError, ValueError, AttributeError):
        log.warning("Airflow API at %s answered HTTP %s", base, response.status_code)
        return DagRuns(error=UNREACHABLE)
    runs: dict[str, list[dict[str, Any]]] = {}
    for dag_run in found:
        dag_id, dag_run_id = dag_run.get("dag_id"), dag_run.get("dag_run_id")
        if not isinstance(dag_id, str) or not isinstance(dag_run_id, str):
            continue
        runs.setdefault(dag_id, []).append(
            {
                "dag_run_id": dag_run_id,
                "state": dag_run.get("state"),
                "run_key": run_key(dag_run),
                "start_date": dag_run.get("start_date"),
                "end_date": dag_run.get("end_date"),
                "url": run_url(dag_id, dag_run_id),
            }
        )
    return DagRuns(runs=runs)
