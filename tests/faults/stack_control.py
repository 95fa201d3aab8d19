"""Stopping, killing and starting the shared services, always through stack/services.py.

Services are found by their pid files (``var/run/<name>.pid``, checked against the process's
start time by services.py), never by name. `restore` brings back everything a fault test may
have stopped; the fault tests' conftest calls it after every test, whatever its outcome.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
SERVICES_PY = ROOT / "stack" / "services.py"
CKAN_PORT = 5050
RESTORED = ("ckan-test", "worker-test")


def _load_services() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hub_services", SERVICES_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["hub_services"] = module  # its dataclasses look the module up
    spec.loader.exec_module(module)
    return module


services = _load_services()


def _service_env() -> dict[str, str]:
    """The environment `make` gives services.py: none of the test run's Airflow and hub
    settings, and no virtualenv first on PATH (CKAN must not inherit them)."""
    venv_bin = str(ROOT / ".venv" / "airflow" / "bin")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AIRFLOW", "_AIRFLOW", "HUB_", "PYTEST", "VIRTUAL_ENV"))
    }
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    return env


def run_services(*args: str) -> None:
    """``python3 stack/services.py ARGS`` (the system Python, as the Makefile runs it)."""
    result = subprocess.run(
        ["python3", str(SERVICES_PY), *args],
        cwd=ROOT,
        env=_service_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"services.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def pid_of(name: str) -> int:
    pid = services.running_pid(name)
    if pid is None:
        raise RuntimeError(f"{name} is not running (no live pid in var/run/{name}.pid)")
    return pid


def kill(name: str, timeout: float = 30.0) -> None:
    """SIGKILL the process group `name` leads (by its pid file) and wait until it is gone."""
    pid = pid_of(name)
    os.killpg(pid, signal.SIGKILL)
    deadline = time.monotonic() + timeout
    while _group_alive(pid):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} (pid {pid}) still alive {timeout:.0f}s after SIGKILL")
        time.sleep(0.05)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # Zombies of the group count as gone: nothing of them answers any more.
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def kill_ckan() -> None:
    """Kill the CKAN test site's gunicorn (master and workers) as an OOM kill would."""
    kill("ckan-test")
    if port_open(CKAN_PORT):
        raise RuntimeError(f"port {CKAN_PORT} still answers after killing ckan-test")


def start_ckan() -> None:
    run_services("up", "ckan-test")


def restart_postgres() -> None:
    """Stop PostgreSQL (fast shutdown: sessions are ended, open transactions roll back) and
    start it again, through services.py (`postgres_restart`): by its pid file when this
    checkout started it, else through the cluster's own control (a CI machine's cluster may
    already run when `make test` starts)."""
    services.postgres_restart()
    if not services.pg_running():
        raise RuntimeError("postgres does not run after the restart")


def restore() -> None:
    """PostgreSQL, the CKAN test site and its worker up again (each idempotent)."""
    run_services("up", "postgres")
    run_services("up", *RESTORED)
