"""The Airflow services of stack/services.py: CeleryExecutor with two workers, or LocalExecutor."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SERVICES_PY = Path(__file__).resolve().parents[2] / "stack" / "services.py"


@pytest.fixture
def services(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("hub_services", SERVICES_PY)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "hub_services", module)  # dataclasses look it up
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "LOG", tmp_path / "log")
    for name in ("HUB_AIRFLOW_EXECUTOR", "HUB_EXTRACT_QUEUE"):
        monkeypatch.delenv(name, raising=False)
    return module


def option(command: list[str], name: str) -> str | None:
    return command[command.index(name) + 1] if name in command else None


def test_celery_is_the_default_with_two_distinct_workers(services):
    assert services.airflow_group("airflow") == [
        "airflow-api-server",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-triggerer",
        "airflow-worker-1",
        "airflow-worker-2",
    ]
    env = services.airflow_env()
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://127.0.0.1:6379/")
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql://hub:")
    found = services.airflow_services("airflow")
    workers = [found[f"airflow-worker-{n}"] for n in (1, 2)]
    names = [option(w.command, "--celery-hostname") for w in workers]
    assert [n.split("@")[0] for n in names] == ["hub-worker-1", "hub-worker-2"]
    # the task instance hostname (tangerang_hub.worker_name) is the Celery worker's name
    assert [w.env["HUB_WORKER_NAME"] for w in workers] == names
    ports = {w.env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] for w in workers}
    assert len(ports) == 2
    assert all(option(w.command, "--queues") is None for w in workers)


def test_one_setting_brings_back_the_local_executor(services, monkeypatch):
    monkeypatch.setenv("HUB_AIRFLOW_EXECUTOR", "LocalExecutor")
    assert services.airflow_env()["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert not [n for n in services.airflow_group("airflow") if "worker" in n]


def test_the_scheduler_test_has_its_own_port_broker_and_one_slot_per_worker(services, monkeypatch):
    monkeypatch.setenv("HUB_EXTRACT_QUEUE", "hub_extract")
    demo, test = services.airflow_env(), services.airflow_env(test=True)
    assert test["AIRFLOW__API__PORT"] != demo["AIRFLOW__API__PORT"]
    assert (
        f":{test['AIRFLOW__API__PORT']}/execution/"
        in test["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"]
    )
    assert test["AIRFLOW__CELERY__BROKER_URL"] != demo["AIRFLOW__CELERY__BROKER_URL"]
    assert "airflow-test-triggerer" not in services.airflow_group("airflow-test")
    found = services.airflow_services("airflow-test")
    one, two = found["airflow-test-worker-1"], found["airflow-test-worker-2"]
    assert option(one.command, "--concurrency") == option(two.command, "--concurrency") == "1"
    assert option(one.command, "--queues") == "hub_extract"
    assert option(two.command, "--queues") is None  # Airflow's default queue


def test_a_worker_is_healthy_once_its_log_says_ready_after_this_start(services):
    worker = services.airflow_services("airflow-test")["airflow-test-worker-1"]
    node = option(worker.command, "--celery-hostname")
    log = services.LOG / "airflow-test-worker-1.log"
    log.parent.mkdir(parents=True)
    log.write_text(f"{node} ready.\n")  # an earlier start, still running: healthy
    assert worker.health()
    worker.before()  # a new start looks only at what it writes
    assert not worker.health()
    with log.open("a") as handle:
        handle.write(f"[info] {node} ready.  [celery.apps.worker]\n")
    assert worker.health()
