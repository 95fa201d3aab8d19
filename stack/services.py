#!/usr/bin/env python3
"""Start, stop and check the hub's local services, each by its pid file.

This is the development and CI counterpart of docker/compose.yaml: the same
processes (PostgreSQL, Redis, Solr 9, CKAN web + worker, Airflow, the sample
agency server) run on loopback, with state under var/:

    var/run/<service>.pid     pid of the process group leader we started
    var/log/<service>.log     its stdout and stderr
    var/secrets/              generated passwords, keys and the bot token

Usage:
    stack/services.py up SERVICE...      start (idempotent) and wait until healthy; the group
                                         `airflow` (`airflow-test`) is every Airflow service
                                         of the demo (of the scheduler test) for the executor
    stack/services.py down [SERVICE...]  stop by pid file (all, in reverse order)
    stack/services.py status
    stack/services.py prepare            roles, databases, Solr cores, CKAN ini files
    stack/services.py env airflow|airflow-test|ckan   print the environment for a shell (eval)

Only the standard library is used: it runs before any virtualenv exists.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "stack" / "solr"))
import indonesian_schema  # noqa: E402 - stack/solr is not a package

VAR = ROOT / "var"
RUN = VAR / "run"
LOG = VAR / "log"
SECRETS = VAR / "secrets"
VENV = ROOT / ".venv"
CKAN_BIN = VENV / "ckan" / "bin"
AIRFLOW_BIN = VENV / "airflow" / "bin"

PG_VERSION, PG_CLUSTER, PG_PORT = "15", "main", 5432
REDIS_PORT = 6379
SOLR_PORT = 8983
AGENCY_PORT = 8765
AIRFLOW_PORT = 8080
# The catalog's read-only Airflow token (stack/airflow_token.py writes it after `up airflow`).
AIRFLOW_CATALOG_TOKEN = "airflow_catalog_token"
AIRFLOW_TEST_PORT = 8081  # the Celery test's own API server, beside a running demo

# The executor: CeleryExecutor with two workers (Redis broker, PostgreSQL result backend),
# or LocalExecutor when this variable says so (tasks then run inside the scheduler's host).
EXECUTOR_ENV = "HUB_AIRFLOW_EXECUTOR"
DEFAULT_EXECUTOR = "CeleryExecutor"
CELERY_REDIS_DB = {"airflow": 3, "airflow-test": 4}  # CKAN's sites use 0-2
CELERY_WORKERS = ("hub-worker-1", "hub-worker-2")
# Each worker serves its task logs on its own port (two workers share this machine).
WORKER_LOG_PORTS = {"airflow": (8793, 8794), "airflow-test": (8795, 8796)}
# The Celery queue of the dataset DAGs' extract tasks (dags/contract_dags.py), when set:
# worker 1 then serves only that queue, standing where the agencies' networks are reached.
EXTRACT_QUEUE_ENV = "HUB_EXTRACT_QUEUE"


@dataclass(frozen=True)
class Site:
    """One CKAN instance: its databases, Solr core, Redis db and port."""

    name: str
    port: int | None
    ckan_db: str
    datastore_db: str
    solr_core: str
    redis_db: int

    @property
    def ini(self) -> Path:
        return VAR / "ckan" / f"{self.name}.ini"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port or 5000}"


# demo: what `make demo` shows; test: the instance integration tests publish
# into; unit: CKAN's pytest plugin (it wipes its database between tests).
SITES = {
    "demo": Site("demo", 5000, "ckan", "datastore", "ckan", 0),
    "test": Site("test", 5050, "ckan_test", "datastore_test", "ckan_test", 1),
    "unit": Site("unit", None, "ckan_unit", "datastore_unit", "ckan_unit", 2),
}
AIRFLOW_DBS = ("airflow", "airflow_test")


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` readable by its owner only, atomically: the file is created
    0600 under a temporary name and renamed, so it is never visible with wider rights."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def secret(name: str, factory: Callable[[], str] = lambda: secrets.token_urlsafe(24)) -> str:
    """A generated secret, created once and kept in var/secrets/ (mode 0600)."""
    path = SECRETS / name
    if not path.exists():
        write_private(path, factory())
    return path.read_text().strip()


def fernet_key() -> str:
    import base64

    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


# --- health checks ---------------------------------------------------------


def tcp_ok(port: int) -> Callable[[], bool]:
    def check() -> bool:
        with socket.socket() as sock:
            sock.settimeout(1)
            return sock.connect_ex(("127.0.0.1", port)) == 0

    return check


def log_says(name: str, text: str) -> tuple[Callable[[], bool], Callable[[], None]]:
    """A health check true once the service's log holds `text`, and the `before` hook that
    makes it look only at what a new start writes (a running service's whole log counts)."""
    offset = [0]

    def log() -> Path:
        return LOG / f"{name}.log"

    def mark() -> None:
        offset[0] = log().stat().st_size if log().exists() else 0

    def check() -> bool:
        try:
            with log().open("rb") as handle:
                handle.seek(offset[0])
                return text.encode() in handle.read()
        except FileNotFoundError:
            return False

    return check, mark


def http_ok(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return 200 <= response.status < 300
        except (urllib.error.URLError, OSError):
            return False

    return check


# --- service definitions ---------------------------------------------------


@dataclass
class Service:
    name: str
    command: list[str]
    health: Callable[[], bool]
    env: dict[str, str] = field(default_factory=dict)
    timeout: float = 120.0
    before: Callable[[], None] | None = None


def ckan_env(site: Site) -> dict[str, str]:
    return {"CKAN_INI": str(site.ini)}


def airflow_executor() -> str:
    """The executor of the local Airflow: ``$HUB_AIRFLOW_EXECUTOR``, else CeleryExecutor."""
    return os.environ.get(EXECUTOR_ENV) or DEFAULT_EXECUTOR


def airflow_env(test: bool = False) -> dict[str, str]:
    """Airflow configuration as environment, the way the containers get it."""
    db = "airflow_test" if test else "airflow"
    home = VAR / ("airflow-test" if test else "airflow")
    port = AIRFLOW_TEST_PORT if test else AIRFLOW_PORT
    broker_db = CELERY_REDIS_DB["airflow-test" if test else "airflow"]
    password = secret(ROLE_SECRETS["hub"])
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": airflow_executor(),
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__FERNET_KEY": secret("airflow_fernet_key", fernet_key),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        # A task instance records its worker's name ($HUB_WORKER_NAME), not the machine's.
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": "tangerang_hub.worker_name.hostname",
        "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{REDIS_PORT}/{broker_db}",
        "AIRFLOW__CELERY__RESULT_BACKEND": (
            f"db+postgresql://hub:{password}@127.0.0.1:{PG_PORT}/{db}"
        ),
        # admin for people; katalog, read-only, for the catalog's steward dashboard
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin,katalog:viewer",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(
            SECRETS / "airflow_passwords.json"
        ),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": (
            f"postgresql+psycopg2://hub:{password}@127.0.0.1:{PG_PORT}/{db}"
        ),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API_AUTH__JWT_SECRET": secret("airflow_jwt_secret"),
        "AIRFLOW__API__SECRET_KEY": secret("airflow_api_secret"),
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        # The sample server takes any BPS key but "invalid..."/"quota..." ones.
        "AIRFLOW_CONN_AGENCY_SAMPLE": f"http://hub:sample-key@127.0.0.1:{AGENCY_PORT}",
        "AIRFLOW_CONN_OPD_DISHUB": f"postgres://hub:{password}@127.0.0.1:{PG_PORT}/opd_dishub",
        "HUB_WORKDIR": str(VAR / ("hub-test" if test else "hub")),
        "PATH": f"{AIRFLOW_BIN}:{os.environ.get('PATH', '')}",
    }


def services() -> dict[str, Service]:
    solr_home = VAR / "solr"
    solr_cp = f"{ROOT}/stack/solr/target/classes:{ROOT}/stack/solr/target/lib/*"
    found: dict[str, Service] = {
        "redis": Service(
            "redis",
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(REDIS_PORT),
                "--dir",
                str(VAR / "redis"),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            tcp_ok(REDIS_PORT),
            before=lambda: (VAR / "redis").mkdir(parents=True, exist_ok=True),
        ),
        "solr": Service(
            "solr",
            [
                "java",
                "-Xms256m",
                "-Xmx1g",
                f"-Dsolr.log.dir={LOG}",
                "-Dsolr.install.dir=" + str(solr_home),
                "-cp",
                solr_cp,
                "id.go.tangerangkota.hub.solr.SolrServer",
                str(solr_home),
                str(SOLR_PORT),
            ],
            http_ok(f"http://127.0.0.1:{SOLR_PORT}/solr/ckan/admin/ping?wt=json"),
            timeout=180,
            before=prepare_solr,
        ),
        "agency": Service(
            "agency",
            [
                str(AIRFLOW_BIN / "python"),
                str(ROOT / "stack/sample_agency/server.py"),
                "--host",
                "127.0.0.1",
                "--port",
                str(AGENCY_PORT),
            ],
            http_ok(f"http://127.0.0.1:{AGENCY_PORT}/healthz"),
        ),
    }
    for site in SITES.values():
        if site.port is None:
            continue
        found[f"ckan-{site.name}"] = Service(
            f"ckan-{site.name}",
            [
                str(CKAN_BIN / "gunicorn"),
                "--bind",
                f"127.0.0.1:{site.port}",
                "--workers",
                "2",
                "--timeout",
                "120",
                "--chdir",
                str(ROOT / "stack"),
                "ckan_wsgi:application",
            ],
            http_ok(f"{site.url}/api/3/action/status_show"),
            env=ckan_env(site),
            timeout=180,
        )
        found[f"worker-{site.name}"] = Service(
            f"worker-{site.name}",
            [str(CKAN_BIN / "ckan"), "-c", str(site.ini), "jobs", "worker", "default"],
            lambda: True,
            env=ckan_env(site),
        )
    for group in ("airflow", "airflow-test"):
        found.update(airflow_services(group))
    return found


AIRFLOW_PARTS = ("api-server", "scheduler", "dag-processor", "triggerer")


def airflow_services(group: str) -> dict[str, Service]:
    """The Airflow processes of `group`: ``airflow`` (the demo, port 8080) or ``airflow-test``
    (the Celery test, port 8081), and the two Celery workers ``<group>-worker-1|2``."""
    test = group == "airflow-test"
    env = airflow_env(test)
    found: dict[str, Service] = {}
    for part in AIRFLOW_PARTS:
        health = (
            http_ok(f"http://127.0.0.1:{env['AIRFLOW__API__PORT']}/api/v2/monitor/health")
            if part == "api-server"
            else (lambda: True)
        )
        found[f"{group}-{part}"] = Service(
            f"{group}-{part}", [str(AIRFLOW_BIN / "airflow"), part], health, env=env, timeout=240
        )
    host = socket.getfqdn()
    extract_queue = os.environ.get(EXTRACT_QUEUE_ENV)
    for number, (worker, log_port) in enumerate(
        zip(CELERY_WORKERS, WORKER_LOG_PORTS[group], strict=True), start=1
    ):
        name, node = f"{group}-worker-{number}", f"{worker}@{host}"
        command = [str(AIRFLOW_BIN / "airflow"), "celery", "worker", "--celery-hostname", node]
        # The test gives each worker one slot, so a second task can only go to the other one.
        command += ["--concurrency", "1" if test else "2"]
        if number == 1 and extract_queue:
            command += ["--queues", extract_queue]
        ready, mark = log_says(name, f"{node} ready.")
        found[name] = Service(
            name,
            command,
            ready,
            env={
                **env,
                "HUB_WORKER_NAME": node,
                "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(log_port),
            },
            timeout=240,
            before=mark,
        )
    return found


def airflow_group(group: str) -> list[str]:
    """Service names of `group` for the configured executor: the Celery workers only with
    CeleryExecutor; the triggerer only in the demo (the test defers nothing)."""
    parts = [p for p in AIRFLOW_PARTS if group == "airflow" or p != "triggerer"]
    names = [f"{group}-{part}" for part in parts]
    if airflow_executor() == "CeleryExecutor":
        names += [f"{group}-worker-{n}" for n in range(1, len(CELERY_WORKERS) + 1)]
    return names


# --- pid-file process control ----------------------------------------------


def pidfile(name: str) -> Path:
    return RUN / f"{name}.pid"


def _start_time(pid: int) -> str | None:
    """The kernel's start time of `pid` (clock ticks since boot), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(") ", 1)[-1].split()
    return None if fields[0] == "Z" else fields[19]  # zombies are not running


def write_pidfile(name: str, pid: int) -> None:
    # The start time makes the record unique: after a reboot the same pid may
    # belong to an unrelated process, which must never be signalled.
    RUN.mkdir(parents=True, exist_ok=True)
    pidfile(name).write_text(f"{pid} {_start_time(pid) or ''}\n")


def running_pid(name: str) -> int | None:
    """The pid in the service's pid file, if that very process is still alive."""
    path = pidfile(name)
    try:
        pid_text, _, started = path.read_text().strip().partition(" ")
        pid = int(pid_text)
    except (FileNotFoundError, ValueError):
        return None
    now = _start_time(pid)
    if now is None or (started and started != now):
        path.unlink(missing_ok=True)
        return None
    return pid


def wait_healthy(service: Service, pid: int | None) -> None:
    deadline = time.monotonic() + service.timeout
    while time.monotonic() < deadline:
        if service.health():
            return
        if pid is not None and running_pid(service.name) is None:
            tail = (LOG / f"{service.name}.log").read_text(errors="replace")[-3000:]
            raise SystemExit(f"{service.name} exited during start-up; last log lines:\n{tail}")
        time.sleep(1)
    raise SystemExit(
        f"{service.name} not healthy after {service.timeout:.0f}s; see {LOG}/{service.name}.log"
    )


def start(service: Service) -> None:
    pid = running_pid(service.name)
    if pid is not None:
        print(f"  {service.name}: already running (pid {pid})")
        wait_healthy(service, pid)
        return
    if service.before:
        service.before()
    RUN.mkdir(parents=True, exist_ok=True)
    LOG.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **service.env}
    with open(LOG / f"{service.name}.log", "ab") as log:
        process = subprocess.Popen(
            service.command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    write_pidfile(service.name, process.pid)
    started = time.monotonic()
    wait_healthy(service, process.pid)
    print(f"  {service.name}: started (pid {process.pid}, {time.monotonic() - started:.0f}s)")


def stop(name: str, grace: float = 30.0) -> None:
    pid = running_pid(name)
    if pid is None:
        pidfile(name).unlink(missing_ok=True)
        return
    # Each service leads its own process group (start_new_session), so the
    # signal reaches its workers too.
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and running_pid(name) is not None:
        time.sleep(0.5)
    if running_pid(name) is not None:
        os.killpg(pid, signal.SIGKILL)
    pidfile(name).unlink(missing_ok=True)
    print(f"  {name}: stopped (pid {pid})")


# --- PostgreSQL (Debian's cluster, managed by pg_ctlcluster) -----------------


def pg_running() -> bool:
    result = subprocess.run(
        ["pg_ctlcluster", PG_VERSION, PG_CLUSTER, "status"], capture_output=True
    )
    return result.returncode == 0


def postgres_up() -> None:
    if pg_running():
        print("  postgres: already running")
        return
    subprocess.run(["pg_ctlcluster", PG_VERSION, PG_CLUSTER, "start"], check=True)
    # Remember that we started it, so `down` stops only what we started.
    data = Path(f"/var/lib/postgresql/{PG_VERSION}/{PG_CLUSTER}/postmaster.pid")
    write_pidfile("postgres", int(data.read_text().splitlines()[0]))
    _wait_for_postgres()
    print("  postgres: started")


def _wait_for_postgres() -> None:
    deadline = time.monotonic() + 60
    while not tcp_ok(PG_PORT)():
        if time.monotonic() > deadline:
            raise SystemExit("postgres did not accept connections within 60s")
        time.sleep(0.5)


def postgres_down() -> None:
    if running_pid("postgres") is None:
        return
    subprocess.run(["pg_ctlcluster", PG_VERSION, PG_CLUSTER, "stop", "-m", "fast"], check=True)
    pidfile("postgres").unlink(missing_ok=True)
    print("  postgres: stopped")


def postgres_restart() -> None:
    """Stop the cluster (fast shutdown: sessions end, open transactions roll back) and start it
    again. One this checkout started is stopped and started by its pid file, which stays
    current; one that ran before (the machine's service, another checkout) is restarted by
    its own control and stays not ours, so `down` still leaves it running."""
    if running_pid("postgres") is not None:
        postgres_down()
        if pg_running():
            raise SystemExit("postgres still runs after stopping it")
        postgres_up()
        return
    if not pg_running():
        raise SystemExit("postgres is not running")
    subprocess.run(["pg_ctlcluster", PG_VERSION, PG_CLUSTER, "restart", "-m", "fast"], check=True)
    _wait_for_postgres()
    print("  postgres: restarted (not started by this checkout; left as it was)")


def psql(sql: str, db: str = "postgres") -> str:
    result = subprocess.run(
        [
            "runuser",
            "-u",
            "postgres",
            "--",
            "psql",
            "-X",
            "-q",
            "-t",
            "-A",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            db,
        ],
        input=sql,
        capture_output=True,
        text=True,
        cwd="/tmp",
    )
    if result.returncode != 0:
        raise SystemExit(f"psql failed on {db}: {result.stderr.strip()}\n{sql}")
    return result.stdout.strip()


def ensure_role(name: str, password: str) -> None:
    if not psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{name}'"):
        psql(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
    else:
        psql(f"ALTER ROLE {name} PASSWORD '{password}'")


def instance_id() -> str:
    """This checkout's own name for the databases it made (var/instance-id, made once).

    The PostgreSQL cluster is the machine's, but the uploaded files, the Solr cores and the
    secrets live in this checkout's var/. A database another checkout made (or an earlier
    var/ that was removed) names uploads that are not here, so it must not be reused."""
    path = VAR / "instance-id"
    if not path.exists():
        write_private(path, uuid.uuid4().hex + "\n")
    return path.read_text().strip()


def ensure_db(name: str, owner: str) -> bool:
    """Create `name` unless this checkout made it; True when it is new (and empty)."""
    marker = f"tangerang-hub {instance_id()}"
    # "found:<comment>" when the database exists, nothing when it does not
    found = psql(
        f"SELECT 'found:' || coalesce(shobj_description(oid, 'pg_database'), '') "
        f"FROM pg_database WHERE datname = '{name}'"
    )
    if found:
        if found == f"found:{marker}":
            return False
        print(
            f"  postgres: {name} was made by another checkout of the hub (its files are not "
            f"in {VAR}); recreating it empty"
        )
        psql(f"DROP DATABASE {name} WITH (FORCE)")
    psql(f"CREATE DATABASE {name} OWNER {owner} ENCODING 'UTF8' TEMPLATE template0")
    psql(f"COMMENT ON DATABASE {name} IS '{marker}'")
    return True


# One password per role: CKAN's writer, the DataStore's read-only user, and the hub (Airflow's
# metadata DB and the sample OPD database). Each is a file in var/secrets/ (0600).
ROLE_SECRETS = {
    "ckan_default": "db_password_ckan",
    "datastore_ro": "db_password_datastore_ro",
    "hub": "db_password_hub",
}


def prepare_databases() -> None:
    for role, secret_name in ROLE_SECRETS.items():
        ensure_role(role, secret(secret_name))
    for site in SITES.values():
        if ensure_db(site.ckan_db, "ckan_default"):
            # An index kept from the database this one replaces lists datasets it no longer has.
            core = VAR / "solr" / site.solr_core
            core.mkdir(parents=True, exist_ok=True)
            (core / ".needs-reindex").touch()
        ensure_db(site.datastore_db, "ckan_default")
        psql(f"REVOKE CONNECT ON DATABASE {site.ckan_db} FROM datastore_ro")
    for db in AIRFLOW_DBS:
        ensure_db(db, "hub")
    # A sample OPD information system that the sql connector reads.
    ensure_db("opd_dishub", "postgres")
    psql((ROOT / "stack/sample_agency/opd_dishub.sql").read_text(), db="opd_dishub")


# --- Solr home and CKAN configuration ----------------------------------------


def ckan_schema_xml() -> Path:
    found = sorted(
        (VENV / "ckan" / "lib").glob("python3*/site-packages/ckan/config/solr/schema.xml")
    )
    if not found:
        raise SystemExit("CKAN is not installed in .venv/ckan; run `make install` first")
    return found[0]


def prepare_solr() -> None:
    home = VAR / "solr"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "stack/solr/solr.xml", home / "solr.xml")
    for site in SITES.values():
        conf = home / site.solr_core / "conf"
        if not (home / site.solr_core / "data").exists():
            # A new, empty index beside a database that may already hold
            # datasets (a reinstalled machine): `reindex` rebuilds it.
            conf.mkdir(parents=True, exist_ok=True)
            (home / site.solr_core / ".needs-reindex").touch()
        conf.mkdir(parents=True, exist_ok=True)
        for item in (ROOT / "stack/solr/conf").iterdir():
            shutil.copyfile(item, conf / item.name)
        schema = indonesian_schema.indonesian(ckan_schema_xml().read_text(encoding="utf-8"))
        target = conf / "schema.xml"
        if target.exists() and target.read_text(encoding="utf-8") != schema:
            # The analysis changed: documents indexed the old way must be indexed again.
            (home / site.solr_core / ".needs-reindex").touch()
        target.write_text(schema, encoding="utf-8")
        (home / site.solr_core / "core.properties").write_text(f"name={site.solr_core}\n")


def _read_secret(name: str) -> str:
    path = SECRETS / name
    return path.read_text().strip() if path.exists() else ""


def render_ckan_ini(site: Site) -> None:
    template = string.Template((ROOT / "stack/ckan.ini.in").read_text())
    storage = VAR / "storage" / site.name
    storage.mkdir(parents=True, exist_ok=True)
    write_private(
        site.ini,
        template.substitute(
            site=site.name,
            site_url=site.url,
            secret_key=secret(f"ckan_secret_{site.name}"),
            ckan_db_password=secret(ROLE_SECRETS["ckan_default"]),
            datastore_ro_password=secret(ROLE_SECRETS["datastore_ro"]),
            ckan_db=site.ckan_db,
            datastore_db=site.datastore_db,
            solr_port=SOLR_PORT,
            solr_core=site.solr_core,
            redis_port=REDIS_PORT,
            redis_db=site.redis_db,
            storage_path=storage,
            load_parallel_workers=max(1, len(os.sched_getaffinity(0)) - 1),
            airflow_url=f"http://127.0.0.1:{AIRFLOW_PORT}" if site.name == "demo" else "",
            airflow_token_file=SECRETS / AIRFLOW_CATALOG_TOKEN if site.name == "demo" else "",
            # CKAN refuses to load with an empty token, and the token can only be
            # made once CKAN's database exists: `make services` re-renders.
            xloader_token=_read_secret(f"xloader_token_{site.name}") or "pending",
        ),
    )


def datastore_permissions(site: Site) -> None:
    """The read-only user's grants and the full-text trigger, as CKAN's docs
    set them up: `ckan datastore set-permissions` piped into psql."""
    sql = subprocess.run(
        [str(CKAN_BIN / "ckan"), "-c", str(site.ini), "datastore", "set-permissions"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    psql(sql, db=site.datastore_db)


def reindex() -> None:
    """Rebuild each CKAN site's search index whose Solr core was created empty or whose
    schema changed (the core is reloaded first)."""
    for site in SITES.values():
        marker = VAR / "solr" / site.solr_core / ".needs-reindex"
        if not marker.exists():
            continue
        # A running Solr keeps the schema it loaded: reload the core so the new analysis applies.
        reload = (
            f"http://127.0.0.1:{SOLR_PORT}/solr/admin/cores?action=RELOAD&core={site.solr_core}"
        )
        with urllib.request.urlopen(reload, timeout=120) as answer:
            answer.read()
        subprocess.run(
            [str(CKAN_BIN / "ckan"), "-c", str(site.ini), "search-index", "rebuild"],
            check=True,
            capture_output=True,
        )
        marker.unlink()
        print(f"  search index of {site.name} rebuilt from its database")


def prepare() -> None:
    prepare_databases()
    prepare_solr()
    for site in SITES.values():
        render_ckan_ini(site)
        datastore_permissions(site)
    write_private(
        SECRETS / "airflow_passwords.json",
        json.dumps(
            {
                "admin": secret("airflow_admin_password"),
                "katalog": secret("airflow_catalog_password"),
            }
        ),
    )


# --- command line ------------------------------------------------------------


def cmd_up(names: list[str]) -> None:
    known = services()
    groups = {"airflow", "airflow-test"}
    names = [n for name in names for n in (airflow_group(name) if name in groups else [name])]
    for name in names:
        if name == "postgres":
            postgres_up()
            continue
        if name not in known:
            raise SystemExit(f"unknown service {name!r}; known: postgres {' '.join(known)}")
        start(known[name])


def cmd_down(names: list[str]) -> None:
    known = services()
    groups = {"airflow", "airflow-test"}  # every service of the group, whatever the executor
    names = [n for name in names for n in (airflow_services(name) if name in groups else [name])]
    order = ["postgres", *known]
    for name in reversed(names or order):
        if name == "postgres":
            postgres_down()
        else:
            stop(name)


def cmd_status() -> None:
    names = ["postgres", *services()]
    for name in names:
        pid = running_pid(name)
        print(f"{name:28} {'running pid ' + str(pid) if pid else 'stopped'}")


def cmd_env(which: str) -> None:
    env = {
        "airflow": lambda: airflow_env(test=False),
        "airflow-test": lambda: airflow_env(test=True),
        "ckan": lambda: ckan_env(SITES["demo"]),
    }[which]()
    for key, value in env.items():
        print(f"export {key}={json.dumps(value)}")


HUB_ENV = VAR / "hub-env.json"


def cmd_hub_env() -> None:
    """Write var/hub-env.json (0600): the demo's Airflow settings and Connections, which
    the `hub` command reads when they are not in its environment, so a newcomer can type
    `.venv/airflow/bin/hub run fasyankes` after `make demo` without exporting anything."""
    env = {k: v for k, v in airflow_env(test=False).items() if k != "PATH"}
    token = _read_secret("ckan_bot_token")
    if token:
        env["AIRFLOW_CONN_CKAN_DEFAULT"] = json.dumps(
            {
                "conn_type": "http",
                "host": "127.0.0.1",
                "port": SITES["demo"].port,
                "schema": "http",
                "login": "tangerang-bot",
                "password": token,
            }
        )
    write_private(HUB_ENV, json.dumps(env, indent=1) + "\n")
    print(f"  hub command settings written to {HUB_ENV.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up").add_argument("names", nargs="+")
    sub.add_parser("down").add_argument("names", nargs="*")
    sub.add_parser("status")
    sub.add_parser("prepare")
    sub.add_parser("render", help="re-render the CKAN ini files only")
    sub.add_parser("reindex", help="rebuild search indexes whose Solr core was created empty")
    sub.add_parser("env").add_argument("which", choices=["airflow", "airflow-test", "ckan"])
    sub.add_parser("hub-env", help="write var/hub-env.json for the hub command (demo site)")
    args = parser.parse_args(argv)
    if args.command == "up":
        cmd_up(args.names)
    elif args.command == "down":
        cmd_down(args.names)
    elif args.command == "status":
        cmd_status()
    elif args.command == "prepare":
        prepare()
    elif args.command == "reindex":
        reindex()
    elif args.command == "render":
        for site in SITES.values():
            render_ckan_ini(site)
    elif args.command == "env":
        cmd_env(args.which)
    elif args.command == "hub-env":
        cmd_hub_env()
    return 0


if __name__ == "__main__":
    sys.exit(main())
