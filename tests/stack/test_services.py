"""The local supervisor starts and stops processes by pid file, never by name."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

SERVICES_PY = Path(__file__).resolve().parents[2] / "stack" / "services.py"


@pytest.fixture
def services(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("hub_services", SERVICES_PY)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "hub_services", module)  # dataclasses look it up
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "RUN", tmp_path / "run")
    monkeypatch.setattr(module, "LOG", tmp_path / "log")
    return module


def sleeper(services, name="sleeper"):
    # A parent with a child: stopping must reach the whole process group.
    command = [sys.executable, "-c", "import subprocess; subprocess.run(['sleep', '300'])"]
    return services.Service(name, command, lambda: True, timeout=10)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat").read_text()
    return not stat.split(") ")[-1].startswith("Z")


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def test_start_writes_a_pid_file_and_stop_ends_the_process_group(services):
    service = sleeper(services)
    services.start(service)
    pid = int((services.RUN / "sleeper.pid").read_text().split()[0])
    assert alive(pid)
    services.start(service)  # idempotent: the running process is kept
    assert int((services.RUN / "sleeper.pid").read_text().split()[0]) == pid

    kids: list[int] = []
    for _ in range(50):
        kids = children(pid)
        if kids:
            break
        time.sleep(0.1)
    services.stop("sleeper", grace=5)

    assert not (services.RUN / "sleeper.pid").exists()
    assert not alive(pid)
    assert kids
    deadline = time.monotonic() + 5  # the child gets the same SIGTERM; give it time to exit
    while any(alive(k) for k in kids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(k) for k in kids)


def test_a_stale_pid_file_is_not_a_running_service(services):
    finished = subprocess.Popen(["true"])
    finished.wait()
    services.RUN.mkdir(parents=True)
    (services.RUN / "ghost.pid").write_text(f"{finished.pid}\n")

    assert services.running_pid("ghost") is None
    assert not (services.RUN / "ghost.pid").exists()
    services.stop("ghost")  # nothing to stop, no error


def test_a_service_that_dies_at_start_reports_its_log(services):
    broken = services.Service(
        "broken",
        [sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"],
        lambda: False,
        timeout=10,
    )
    with pytest.raises(SystemExit) as caught:
        services.start(broken)
    assert "broken exited during start-up" in str(caught.value)
    assert "boom" in str(caught.value)


def test_a_recycled_pid_is_never_signalled(services):
    # The pid file names a live process, but not the one it recorded (as after a
    # reboot): it must be treated as stale and left alone.
    stranger = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        services.RUN.mkdir(parents=True)
        (services.RUN / "redis.pid").write_text(f"{stranger.pid} 1\n")

        assert services.running_pid("redis") is None
        services.stop("redis")
        assert alive(stranger.pid)
    finally:
        stranger.kill()
        stranger.wait()


def test_secrets_are_created_owner_only(services, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(services, "SECRETS", tmp_path / "secrets")
    value = services.secret("example")
    path = tmp_path / "secrets" / "example"
    assert path.read_text() == value
    assert (path.stat().st_mode & 0o777) == 0o600
    assert not list(path.parent.glob(".*tmp"))  # renamed into place, no leftover


def test_each_database_role_has_its_own_password(services, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(services, "SECRETS", tmp_path / "secrets")
    monkeypatch.setattr(services, "VAR", tmp_path / "var")
    passwords = {role: services.secret(name) for role, name in services.ROLE_SECRETS.items()}
    assert len(set(passwords.values())) == len(passwords)
    site = services.Site("x", 5999, "ckan_x", "datastore_x", "ckan_x", 9)
    monkeypatch.setattr(services.Site, "ini", property(lambda self: tmp_path / "x.ini"))
    services.render_ckan_ini(site)
    ini = (tmp_path / "x.ini").read_text()
    assert f"ckan_default:{passwords['ckan_default']}@" in ini
    assert f"datastore_ro:{passwords['datastore_ro']}@" in ini
    assert passwords["hub"] not in ini
    assert "ckanext.tangerang.airflow_url = \n" in ini  # only the demo's dashboard asks Airflow
    airflow_db = services.airflow_env()["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert f"hub:{passwords['hub']}@" in airflow_db


@pytest.mark.parametrize(("cores", "workers"), [(1, 1), (2, 1), (8, 7)])
def test_the_load_uses_one_parallel_worker_per_core_beside_its_backend(
    services, tmp_path, monkeypatch, cores, workers
):
    monkeypatch.setattr(services, "SECRETS", tmp_path / "secrets")
    monkeypatch.setattr(services, "VAR", tmp_path / "var")
    monkeypatch.setattr(services.os, "sched_getaffinity", lambda pid: set(range(cores)))
    site = services.Site("x", 5999, "ckan_x", "datastore_x", "ckan_x", 9)
    monkeypatch.setattr(services.Site, "ini", property(lambda self: tmp_path / "x.ini"))
    services.render_ckan_ini(site)
    ini = (tmp_path / "x.ini").read_text()
    assert f"ckanext.tangerang.datastore_load_parallel_workers = {workers}\n" in ini


def test_the_demo_dashboard_reads_its_airflow_with_a_viewer_token(services, tmp_path, monkeypatch):
    monkeypatch.setattr(services, "SECRETS", tmp_path / "secrets")
    monkeypatch.setattr(services, "VAR", tmp_path / "var")
    demo = services.SITES["demo"]
    monkeypatch.setattr(services.Site, "ini", property(lambda self: tmp_path / f"{self.name}.ini"))
    services.render_ckan_ini(demo)
    ini = (tmp_path / "demo.ini").read_text()
    assert f"ckanext.tangerang.airflow_url = http://127.0.0.1:{services.AIRFLOW_PORT}\n" in ini
    token = tmp_path / "secrets" / services.AIRFLOW_CATALOG_TOKEN
    assert f"ckanext.tangerang.airflow_token_file = {token}\n" in ini
    users = services.airflow_env()["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"]
    assert "katalog:viewer" in users.split(",")  # the token's account reads, never writes


def test_a_database_another_checkout_made_is_recreated_empty(services, tmp_path, monkeypatch):
    """The cluster is the machine's; uploads, Solr cores and secrets are the checkout's. A
    database left by another checkout (a CI machine built from a used one) names files that
    are not here, so it is dropped and made again, while this checkout's own is kept."""
    services.postgres_up()
    name = "hub_instance_check"
    services.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    try:
        monkeypatch.setattr(services, "VAR", tmp_path / "other")
        assert services.ensure_db(name, "postgres") is True
        services.psql("CREATE TABLE left_behind (id int)", db=name)

        monkeypatch.setattr(services, "VAR", tmp_path / "this")
        assert services.ensure_db(name, "postgres") is True
        assert services.psql("SELECT to_regclass('left_behind') IS NULL", db=name) == "t"

        services.psql("CREATE TABLE kept (id int)", db=name)
        assert services.ensure_db(name, "postgres") is False
        assert services.psql("SELECT to_regclass('kept') IS NOT NULL", db=name) == "t"
    finally:
        services.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
