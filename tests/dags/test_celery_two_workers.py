"""A dataset DAG run by the scheduler on two Celery workers, handing its files through the store.

The test starts the `airflow-test` group of stack/services.py (API server on :8081, scheduler,
dag-processor, Celery workers 1 and 2), each by its pid file, and stops it afterwards. It
triggers one dataset DAG through the REST API, as a person would, never with ``dag.test()``.

Two workers take part by construction, not by luck: ``HUB_EXTRACT_QUEUE`` puts the extract task
on its own Celery queue, which only worker 1 serves, while worker 2 serves the default queue of
every other task. So extract runs on worker 1 and normalize (which needs extract's raw file) on
worker 2; the run can only succeed if that file travelled through the store (`HUB_STORE_URL`,
here a folder of the test's own) and not through a local path.

The dataset is a copy of the fasyankes contract under a fresh id, with a schedule whose last
point lies before the DAG's start date (29 February), so unpausing the DAG schedules no run of
its own: the triggered run is the only one.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
from ckan_site import anonymous_client, approve, bot_client, bot_token, site_url

ROOT = Path(__file__).resolve().parents[2]
SERVICES = [sys.executable, str(ROOT / "stack" / "services.py")]
API = "http://127.0.0.1:8081"  # stack/services.py AIRFLOW_TEST_PORT
EXTRACT_QUEUE = "hub_extract"
TASKS = ("extract", "normalize", "validate", "publish", "report")


def services(*args: str, env: dict[str, str]) -> None:
    result = subprocess.run(
        [*SERVICES, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=1800
    )
    assert result.returncode == 0, (
        f"services.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    )


def api(method: str, path: str, token: str | None = None, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{API}{path}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        raise AssertionError(f"{method} {path}: HTTP {exc.code} {exc.read()[:500]!r}") from exc


def wait(what: str, check, timeout: float, every: float = 3.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:.0f}s for {what}; logs in var/log/airflow-test-*.log")
        time.sleep(every)


def log_tail(name: str) -> str:
    path = ROOT / "var" / "log" / f"{name}.log"
    return path.read_text(errors="replace")[-2000:] if path.exists() else "(no log)"


@pytest.fixture
def dataset(tmp_path):
    """A contract copy of fasyankes under a fresh id, in a contracts folder of its own."""
    dataset_id = f"uji-celery-{uuid.uuid4().hex[:8]}"
    text = (ROOT / "schemas" / "datasets" / "fasyankes.yaml").read_text(encoding="utf-8")
    assert text.count("\nid: fasyankes\n") == 1 and text.count('\nschedule: "0 2 1 * *"\n') == 1
    text = text.replace("\nid: fasyankes\n", f"\nid: {dataset_id}\n")
    text = text.replace('\nschedule: "0 2 1 * *"\n', '\nschedule: "0 0 29 2 *"\n')
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / f"{dataset_id}.yaml").write_text(text, encoding="utf-8")
    yield dataset_id, contracts
    # Our own dataset only; a run that never published has nothing to delete.
    with contextlib.suppress(Exception):
        bot_client().call("package_delete", id=dataset_id)


@pytest.fixture
def airflow(dataset, tmp_path):
    """The airflow-test group with CeleryExecutor, started for this test and stopped after it."""
    dataset_id, contracts = dataset
    host_port = site_url().split("://", 1)[1]
    store = (tmp_path / "store").as_uri()
    env = {
        **os.environ,
        "HUB_AIRFLOW_EXECUTOR": "CeleryExecutor",
        "HUB_EXTRACT_QUEUE": EXTRACT_QUEUE,
        "HUB_CONTRACTS_DIR": str(contracts),
        "HUB_STORE_URL": store,
        "AIRFLOW_CONN_CKAN_DEFAULT": f"http://tangerang-bot:{bot_token()}@{host_port}",
    }
    assert env.get("AIRFLOW_CONN_AGENCY_SAMPLE"), "make test-engine sets the sample agency"
    services("down", "airflow-test", env=env)  # never reuse processes started with other settings
    try:
        services("up", "airflow-test", env=env)
        yield dataset_id, store
    finally:
        services("down", "airflow-test", env=env)


def test_a_dag_run_through_the_scheduler_uses_both_celery_workers(airflow):
    dataset_id, store = airflow
    dag_id = f"hub_{dataset_id.replace('-', '_')}"
    passwords = ROOT / "var" / "secrets" / "airflow_passwords.json"
    password = json.loads(passwords.read_text())["admin"]
    token = api("POST", "/auth/token", body={"username": "admin", "password": password})[
        "access_token"
    ]

    def parsed() -> bool:
        found = api("GET", f"/api/v2/dags?dag_id_pattern={dag_id}", token)
        return any(d["dag_id"] == dag_id for d in found["dags"])

    wait(f"the dag-processor to parse {dag_id}", parsed, timeout=300)
    api("PATCH", f"/api/v2/dags/{dag_id}", token, {"is_paused": False})
    run_id = api("POST", f"/api/v2/dags/{dag_id}/dagRuns", token, {"logical_date": None})[
        "dag_run_id"
    ]
    runs = f"/api/v2/dags/{dag_id}/dagRuns"

    def finished() -> str | None:
        state = api("GET", f"{runs}/{run_id}", token)["state"]
        return state if state in ("success", "failed") else None

    try:
        state = wait(f"run {run_id} to finish", finished, timeout=900, every=5)
    finally:
        api("PATCH", f"/api/v2/dags/{dag_id}", token, {"is_paused": True})
    instances = api("GET", f"{runs}/{run_id}/taskInstances", token)["task_instances"]
    ran = {ti["task_id"]: (ti["state"], ti["hostname"]) for ti in instances}
    assert state == "success", (
        f"run {run_id} {state}: {ran}\nworker 1:\n{log_tail('airflow-test-worker-1')}"
        f"\nworker 2:\n{log_tail('airflow-test-worker-2')}"
    )
    assert all(ran[task][0] == "success" for task in TASKS), ran

    # The task instance hostname is the Celery worker's name (tangerang_hub.worker_name).
    hosts = {task: host for task, (_state, host) in ran.items()}
    assert hosts["extract"].startswith("hub-worker-1@"), hosts
    assert hosts["normalize"].startswith("hub-worker-2@"), hosts
    assert {host.split("@")[0] for host in hosts.values()} == {"hub-worker-1", "hub-worker-2"}

    # XCom carries references into the store, never a worker's local path.
    def xcom(task: str) -> dict[str, Any]:
        entry = api("GET", f"{runs}/{run_id}/taskInstances/{task}/xcomEntries/return_value", token)
        value = entry["value"]
        return json.loads(value) if isinstance(value, str) else value

    raw, staged = xcom("extract"), xcom("normalize")
    assert raw["file"]["url"].startswith(f"{store}/raw/{dataset_id}/") and "path" not in raw
    assert staged["parquet"]["url"] == f"{store}/staging/{dataset_id}/{staged['sha256']}.parquet"
    assert staged["parquet"]["sha256"] == staged["sha256"]
    assert "hub-task-" not in json.dumps([raw, staged])

    # Published on the CKAN test site, with every staged row in the DataStore.
    approve(dataset_id)  # a first publication waits for the walidata
    package = anonymous_client().call("package_show", id=dataset_id)
    assert package["sha256"] == staged["sha256"]
    assert int(package["row_count"]) == staged["rows"] > 0
    csv = next(r for r in package["resources"] if r["format"] == "CSV")
    rows = anonymous_client().call("datastore_search", resource_id=csv["id"], limit=1)
    assert rows["total"] == staged["rows"]
