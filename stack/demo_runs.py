"""Publish every sample dataset through the running Airflow, as the demo does.

Talks to the Airflow 3 REST API only (no database shortcuts): waits until the
dag-processor has parsed one DAG per contract, unpauses them, triggers a run
of each and waits for all runs to finish, printing progress. Running it again
is harmless: a second run finds the data unchanged and uploads nothing.

A first publication waits for the walidata's review (pemeriksaan). Standing in for a
steward on /pemeriksaan, the demo approves every waiting dataset as the seeded walidata
(`walidata-diskominfo`, token in var/secrets/ckan_walidata_token), after the dataset
runs (the catalog-wide score reads public datasets) and again after the score run.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tangerang_hub.ckan_client import CkanClient
from tangerang_hub.contracts import load_contracts

API = f"http://127.0.0.1:{os.environ.get('AIRFLOW__API__PORT', '8080')}"
QUALITY_DAG = "hub_quality_score"
PASSWORDS = Path(os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
CKAN = "http://127.0.0.1:5000"
WALIDATA_TOKEN = Path(__file__).resolve().parents[1] / "var/secrets/ckan_walidata_token"


def _request(method: str, path: str, token: str | None = None, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{API}{path}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


def token() -> str:
    password = json.loads(PASSWORDS.read_text())["admin"]
    return _request("POST", "/auth/token", body={"username": "admin", "password": password})[
        "access_token"
    ]


def wait_for_dags(auth: str, dag_ids: set[str], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while True:
        found = _request("GET", "/api/v2/dags?dag_id_pattern=hub_&limit=100", auth)
        seen = {dag["dag_id"] for dag in found["dags"]}
        if dag_ids <= seen:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"Airflow has not parsed {sorted(dag_ids - seen)}; see var/log/")
        print(f"  menunggu dag-processor: {len(seen & dag_ids)}/{len(dag_ids)} DAG", flush=True)
        time.sleep(5)


def run_dags(auth: str, dag_ids: set[str]) -> list[str]:
    """Unpause, trigger and wait for each DAG; return the ones that did not succeed."""
    runs: dict[str, str] = {}
    for dag_id in sorted(dag_ids):
        _request("PATCH", f"/api/v2/dags/{dag_id}", auth, {"is_paused": False})
        run = _request(
            "POST",
            f"/api/v2/dags/{dag_id}/dagRuns",
            auth,
            {"logical_date": None, "note": "make demo"},
        )
        runs[dag_id] = run["dag_run_id"]
        print(f"  {dag_id}: run {run['dag_run_id']} dipicu (triggered)", flush=True)
    pending = dict(runs)
    deadline = time.monotonic() + 900
    failed: list[str] = []
    while pending and time.monotonic() < deadline:
        time.sleep(5)
        for dag_id, run_id in list(pending.items()):
            state = _request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}", auth)["state"]
            if state in ("success", "failed"):
                print(f"  {dag_id}: {state}", flush=True)
                pending.pop(dag_id)
                if state == "failed":
                    failed.append(dag_id)
    if pending:
        print(f"  masih berjalan (still running): {sorted(pending)}", flush=True)
    return failed + sorted(pending)


def approve_waiting() -> None:
    """Approve every dataset in the review queue as the seeded walidata."""
    walidata = CkanClient(CKAN, WALIDATA_TOKEN.read_text().strip())
    for item in walidata.call("tangerang_review_list", limit=100)["results"]:
        walidata.call(
            "tangerang_review_approve",
            package_id=item["package_id"],
            note="Disetujui oleh make demo (demo approval)",
        )
        print(f"  {item['name']}: disetujui walidata (approved)", flush=True)


def main() -> int:
    datasets = {f"hub_{c.id.replace('-', '_')}" for c in load_contracts()}
    auth = token()
    wait_for_dags(auth, datasets | {QUALITY_DAG})
    not_done = run_dags(auth, datasets)
    approve_waiting()
    # The catalog-wide score reads what the runs above published.
    not_done += run_dags(auth, {QUALITY_DAG})
    approve_waiting()
    if not_done:
        print(f"  gagal (failed): {not_done}; lihat Airflow UI dan laporan run di CKAN", flush=True)
    return 1 if not_done else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except urllib.error.HTTPError as exc:
        sys.exit(f"Airflow API error {exc.code} on {exc.url}: {exc.read()[:500]!r}")
