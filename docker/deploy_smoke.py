"""`make deploy-smoke`: build the production images and run docker/compose.yaml for real.

In order, printing each step and its time:

1. Debian's docker.io, docker-compose and debootstrap, installed with apt-get if missing.
2. dockerd: reused when var/run/dockerd.pid names a live daemon, else started with its
   own data root (var/docker/data) and socket (var/run/docker.sock) and stopped at the end.
3. The local base image (docker/base/build-base.sh: debootstrap + docker import) unless
   HUB_BASE_IMAGE names another one; then every image built from it and wheelhouse/.
4. `up` of compose.yaml + compose.smoke.yaml (the sample agency) with two Celery workers;
   waits until every health check passes and both one-shot jobs exited 0.
5. One dataset DAG (hub_penduduk_kecamatan) unpaused and triggered through Airflow's REST
   API on the published port; every run of it (unpausing adds the latest scheduled one) is
   waited for and must succeed, one must have published; each task's worker is printed.
6. package_search and datastore_search through the published CKAN port, as the bot.
7. Deploy security: no known secret in any container's argv (docker top), inspect output
   or logs; PostgreSQL, Redis and Solr publish no port and sit on the internal network only;
   gunicorn trusts forwarded headers only from the edge gateway.
8. `down -v` (containers, networks, volumes), and the dockerd it started is stopped.

Runs with the host's python3, standard library only. Exit status 0 only if every check passed.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var"
WORK = VAR / "deploy-smoke"
PIDFILE = VAR / "run" / "dockerd.pid"
SOCKET = VAR / "run" / "docker.sock"
DATA_ROOT = VAR / "docker" / "data"
# containerd's socket paths must stay short (sun_path is 108 bytes).
EXEC_ROOT = Path("/run/hub-docker")
PROJECT = "hub-smoke"
BASE_IMAGE = "tangerang-hub/base:bookworm"
DAG_ID = "hub_penduduk_kecamatan"
DATASET = "penduduk-kecamatan"
WORKERS = 2
# Debian's own client (docker.io) and compose (docker-compose 1.29): the build
# uses the daemon's BuildKit through it, no buildx plugin needed.
DOCKER = "/usr/bin/docker"
COMPOSE = "/usr/bin/docker-compose"
DATA_SERVICES = ("postgres", "redis", "solr")
ONE_SHOT = ("ckan-init", "airflow-init")

STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.0f}s] {message}", flush=True)


def env() -> dict[str, str]:
    return {
        **os.environ,
        "DOCKER_HOST": f"unix://{SOCKET}",
        "DOCKER_BUILDKIT": "1",
        "COMPOSE_DOCKER_CLI_BUILD": "1",
        # compose shells out to `docker build`: Debian's client first on PATH.
        "PATH": f"/usr/bin:/usr/sbin:{os.environ.get('PATH', '')}",
        "COMPOSE_HTTP_TIMEOUT": "300",
    }


def run(*args: str, capture: bool = False, check: bool = True) -> str:
    result = subprocess.run(
        args, env=env(), text=True, check=False, capture_output=capture, cwd=ROOT
    )
    if check and result.returncode != 0:
        detail = (result.stderr or "")[-2000:] if capture else ""
        raise SystemExit(f"failed ({result.returncode}): {' '.join(args)}\n{detail}")
    return result.stdout or ""


def compose(*args: str, capture: bool = False, check: bool = True) -> str:
    files = ["-f", "docker/compose.yaml", "-f", "docker/compose.smoke.yaml"]
    return run(
        COMPOSE, "--env-file", str(WORK / "env"), "-p", PROJECT, *files, *args,
        capture=capture, check=check,
    )  # fmt: skip


# --- 1, 2: Docker itself ------------------------------------------------------------


def install_docker() -> None:
    needed = {"dockerd": "docker.io", "docker-compose": "docker-compose"}
    needed["debootstrap"] = "debootstrap"
    missing = [pkg for tool, pkg in needed.items() if not shutil.which(tool, path=env()["PATH"])]
    if not missing:
        say("docker.io, docker-compose and debootstrap are installed")
        return
    say(f"apt-get install {' '.join(missing)}")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", *missing],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        stdout=subprocess.DEVNULL,
    )


def daemon_alive() -> bool:
    try:
        os.kill(int(PIDFILE.read_text().strip()), 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return False
    return subprocess.run([DOCKER, "info"], env=env(), capture_output=True).returncode == 0


def start_dockerd() -> subprocess.Popen[bytes] | None:
    """Start dockerd unless var/run/dockerd.pid names a live one; its process if started here."""
    if daemon_alive():
        say(f"dockerd already running (pid {PIDFILE.read_text().strip()}), left running")
        return None
    PIDFILE.parent.mkdir(parents=True, exist_ok=True)
    DATA_ROOT.mkdir(parents=True, exist_ok=True)
    PIDFILE.unlink(missing_ok=True)
    log = open(VAR / "log" / "dockerd.log", "ab")  # noqa: SIM115 - the daemon keeps it
    daemon = subprocess.Popen(
        [
            "dockerd",
            "--data-root", str(DATA_ROOT),
            "--exec-root", str(EXEC_ROOT),
            "--pidfile", str(PIDFILE),
            "-H", f"unix://{SOCKET}",
        ],
        stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not daemon_alive():
        if daemon.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("dockerd did not come up in 60 s; see var/log/dockerd.log")
        time.sleep(1)
    say(f"dockerd started (pid {daemon.pid}, data root {DATA_ROOT})")
    return daemon


def stop_dockerd(daemon: subprocess.Popen[bytes]) -> None:
    daemon.terminate()
    try:
        daemon.wait(timeout=60)
    except subprocess.TimeoutExpired:
        raise SystemExit(f"dockerd (pid {daemon.pid}) did not stop in 60 s") from None
    say(f"dockerd (pid {daemon.pid}) stopped")


# --- 3, 4: images and the stack -------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare() -> dict[str, int]:
    ports = {"ckan": free_port(), "airflow": free_port()}
    secrets = WORK / "secrets"
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    subprocess.run([str(ROOT / "docker/generate-secrets.sh"), str(secrets)], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    base = os.environ.get("HUB_BASE_IMAGE", BASE_IMAGE)
    (WORK / "env").write_text(
        "\n".join(
            [
                f"CKAN_SITE_URL=http://127.0.0.1:{ports['ckan']}",
                "CKAN_BIND=127.0.0.1",
                f"CKAN_PORT={ports['ckan']}",
                "AIRFLOW_BIND=127.0.0.1",
                f"AIRFLOW_PORT={ports['airflow']}",
                f"AIRFLOW_BASE_URL=http://127.0.0.1:{ports['airflow']}",
                f"HUB_SECRETS_DIR={secrets}",
                f"HUB_BASE_IMAGE={base}",
                "HUB_REGISTRY=tangerang-hub",
                "HUB_VERSION=smoke",
                "SOLR_HEAP=512m",
                "",
            ]
        )
    )
    return ports


def build() -> None:
    base = os.environ.get("HUB_BASE_IMAGE", BASE_IMAGE)
    if base == BASE_IMAGE:
        say(f"local base image {BASE_IMAGE} (debootstrap + docker import)")
        subprocess.run([str(ROOT / "docker/base/build-base.sh"), BASE_IMAGE], check=True,
                       env={**env(), "DOCKER": DOCKER})  # fmt: skip
    say(f"building the images FROM {base} (wheelhouse/, no index)")
    log = VAR / "log" / "deploy-smoke-build.log"
    with open(log, "w") as out:
        result = subprocess.run(
            [COMPOSE, "--env-file", str(WORK / "env"), "-p", PROJECT, "-f", "docker/compose.yaml",
             "-f", "docker/compose.smoke.yaml", "build"],
            env=env(), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, check=False,
        )  # fmt: skip
    if result.returncode != 0:
        print(log.read_text()[-4000:])
        raise SystemExit(f"image build failed; full log {log}")
    images = run(DOCKER, "image", "ls", "--format", "{{.Repository}}:{{.Tag}} {{.Size}}",
                 "tangerang-hub/*", capture=True)  # fmt: skip
    for line in sorted(images.splitlines()):
        say(f"  image {line}")


def containers() -> list[dict[str, Any]]:
    ids = run(DOCKER, "ps", "-aq", "--filter", f"label=com.docker.compose.project={PROJECT}",
              capture=True).split()  # fmt: skip
    if not ids:
        return []
    return json.loads(run(DOCKER, "inspect", *ids, capture=True))


def service_of(container: dict[str, Any]) -> str:
    return str(container["Config"]["Labels"]["com.docker.compose.service"])


def wait_healthy(timeout: float = 900) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    last = ""
    while True:
        found = containers()
        states: dict[str, str] = {}
        done = True
        for c in found:
            name = c["Name"].lstrip("/")
            state = c["State"]
            if service_of(c) in ONE_SHOT:
                status = f"exited {state['ExitCode']}" if state["Status"] == "exited" else "running"
                done &= status == "exited 0"
            else:
                status = state.get("Health", {}).get("Status", state["Status"])
                done &= status == "healthy"
            states[name] = status
        workers = sum(service_of(c) == "airflow-worker" for c in found)
        if done and workers == WORKERS and len(found) >= 14:
            return found
        short = {name.removeprefix(f"{PROJECT}_"): status for name, status in states.items()}
        summary = ", ".join(f"{name}={status}" for name, status in sorted(short.items()))
        if summary != last:
            say(f"  waiting: {summary}")
            last = summary
        if time.monotonic() > deadline:
            compose("logs", "--tail", "40", check=False)
            raise SystemExit(f"not healthy after {timeout:.0f} s")
        time.sleep(10)


# --- 5, 6: a DAG run, then the catalog ------------------------------------------------


def http(method: str, url: str, token: str | None = None, body: Any = None,
         scheme: str = "Bearer") -> Any:  # fmt: skip
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"{scheme} {token}" if scheme else token)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


def run_dag(port: int) -> None:
    api = f"http://127.0.0.1:{port}"
    password = json.loads((WORK / "secrets" / "airflow_passwords.json").read_text())["admin"]
    auth = http("POST", f"{api}/auth/token", body={"username": "admin", "password": password})
    token = auth["access_token"]
    deadline = time.monotonic() + 300
    while True:
        try:
            http("GET", f"{api}/api/v2/dags/{DAG_ID}", token)
            break
        except urllib.error.HTTPError as error:
            if error.code != 404 or time.monotonic() > deadline:
                raise
            time.sleep(5)
    http("PATCH", f"{api}/api/v2/dags/{DAG_ID}", token, {"is_paused": False})
    dag_run = http("POST", f"{api}/api/v2/dags/{DAG_ID}/dagRuns", token,
                   {"logical_date": None, "note": "make deploy-smoke"})  # fmt: skip
    say(f"  {DAG_ID}: run {dag_run['dag_run_id']} triggered")
    # Unpausing also lets the scheduler create the latest scheduled run (catchup=False):
    # wait for every run, and show what each did and where.
    runs_url = f"{api}/api/v2/dags/{DAG_ID}/dagRuns"
    deadline = time.monotonic() + 900
    while True:
        time.sleep(10)
        runs = http("GET", runs_url, token)["dag_runs"]
        if all(r["state"] in {"success", "failed"} for r in runs):
            break
        if time.monotonic() > deadline:
            raise SystemExit(f"{DAG_ID} runs still {[r['state'] for r in runs]} after 900 s")
    hosts: set[str] = set()
    published = False
    for r in sorted(runs, key=lambda r: r.get("start_date") or ""):
        path = f"{runs_url}/{urllib.parse.quote(r['dag_run_id'])}/taskInstances?limit=100"
        tasks = http("GET", path, token)["task_instances"]
        say(f"  run {r['dag_run_id']} ({r['run_type']}): {r['state']}")
        for t in sorted(tasks, key=lambda t: t.get("start_date") or ""):
            say(f"    {t['task_id']}: {t['state']} on {t.get('hostname') or '-'}")
            hosts |= {t["hostname"]} if t.get("hostname") else set()
            published |= t["task_id"] == "publish" and t["state"] == "success"
    say(f"  {DAG_ID}: {len(runs)} run(s); tasks ran on {len(hosts)} worker(s): {sorted(hosts)}")
    if any(r["state"] != "success" for r in runs) or not published:
        raise SystemExit(f"{DAG_ID}: a run failed or none published")


def volume_file(volume: str, path: str) -> str:
    """A file from a named volume, read by a throwaway container; never printed."""
    return run(DOCKER, "run", "--rm", "--network", "none", "-v", f"{PROJECT}_{volume}:/v:ro",
               "--entrypoint", "cat", BASE_IMAGE if _local_base() else "tangerang-hub/ckan:smoke",
               f"/v/{path}", capture=True).strip()  # fmt: skip


def _local_base() -> bool:
    return os.environ.get("HUB_BASE_IMAGE", BASE_IMAGE) == BASE_IMAGE


def check_catalog(port: int, bot_token: str) -> None:
    api = f"http://127.0.0.1:{port}/api/3/action"
    query = urllib.parse.urlencode({"q": f"name:{DATASET}", "include_private": "true"})
    found = http("GET", f"{api}/package_search?{query}", bot_token, scheme="")["result"]
    names = [p["name"] for p in found["results"]]
    say(f"  package_search name:{DATASET}: count {found['count']} {names}")
    if DATASET not in names:
        raise SystemExit(f"package_search did not find {DATASET}")
    package = next(p for p in found["results"] if p["name"] == DATASET)
    tables = [r for r in package["resources"] if r.get("datastore_active")]
    if not tables:
        raise SystemExit(f"{DATASET} has no DataStore resource")
    query = urllib.parse.urlencode({"resource_id": tables[0]["id"], "limit": 3})
    result = http("GET", f"{api}/datastore_search?{query}", bot_token, scheme="")["result"]
    fields = [f["id"] for f in result["fields"] if not f["id"].startswith("_")]
    say(f"  datastore_search {tables[0]['id']}: total {result['total']} rows; fields {fields}")
    if not result["total"] or not result["records"]:
        raise SystemExit("datastore_search returned no rows")


# --- 7: deploy security ---------------------------------------------------------------


def known_secrets(bot_token: str, xloader_token: str) -> dict[str, str]:
    found = {"ckan_bot_token": bot_token, "xloader_token": xloader_token}
    for path in (WORK / "secrets").iterdir():
        text = path.read_text().strip()
        if path.suffix == ".json":
            found.update({f"{path.name}:{k}": str(v) for k, v in json.loads(text).items()})
        else:
            found[path.name] = text
    return {name: value for name, value in found.items() if len(value) >= 8}


def check_security(found: list[dict[str, Any]], secrets: dict[str, str]) -> None:
    problems: list[str] = []
    for c in found:
        name = c["Name"].lstrip("/")
        texts = {"docker inspect": json.dumps(c)}
        logs = subprocess.run([DOCKER, "logs", c["Id"]], env=env(), capture_output=True, text=True,
                              errors="replace")  # fmt: skip
        texts["docker logs"] = logs.stdout + logs.stderr
        if c["State"]["Running"]:
            top = run(DOCKER, "top", c["Id"], "-eo", "pid,args", capture=True)
            texts["argv (docker top)"] = top
        for where, text in texts.items():
            problems += [f"{name}: secret {s} in {where}" for s, v in secrets.items() if v in text]
        service = service_of(c)
        networks = set(c["NetworkSettings"]["Networks"])
        if service in DATA_SERVICES:
            published = [p for p in (c["NetworkSettings"]["Ports"] or {}).values() if p]
            if published:
                problems.append(f"{name}: publishes {published}")
            if networks != {f"{PROJECT}_internal"}:
                problems.append(f"{name}: on networks {sorted(networks)}, not internal only")
        if service == "ckan-web":
            allowed = [e for e in c["Config"]["Env"] if e.startswith("FORWARDED_ALLOW_IPS=")]
            if not allowed or "*" in allowed[-1]:
                problems.append(f"{name}: gunicorn forwarded-allow-ips is {allowed}")
    internal = json.loads(run(DOCKER, "network", "inspect", f"{PROJECT}_internal", capture=True))
    if not internal[0]["Internal"]:
        problems.append("network internal is not internal")
    for problem in problems:
        say(f"  SECURITY: {problem}")
    if problems:
        raise SystemExit(f"{len(problems)} deploy security problem(s)")
    say(f"  no secret ({len(secrets)} known) in argv, inspect or logs of {len(found)} containers;"
        " postgres/redis/solr internal only, nothing published")  # fmt: skip


def keep_logs() -> None:
    """On failure: every container's log to a file, and the tail of those that are not well."""
    log = VAR / "log" / "deploy-smoke-containers.log"
    with open(log, "w") as out:
        subprocess.run([COMPOSE, "--env-file", str(WORK / "env"), "-p", PROJECT, "-f",
                        "docker/compose.yaml", "-f", "docker/compose.smoke.yaml", "logs",
                        "--no-color"], env=env(), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                       check=False)  # fmt: skip
    for c in containers():
        state = c["State"]
        well = state.get("Health", {}).get("Status") == "healthy" or (
            state["Status"] == "exited" and state["ExitCode"] == 0
        )
        if not well:
            tail = subprocess.run(
                [DOCKER, "logs", "--tail", "40", c["Id"]],
                env=env(), text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            ).stdout  # fmt: skip
            print(f"--- {c['Name'].lstrip('/')} ({state['Status']}):\n{tail}", flush=True)
    say(f"container logs kept in {log}")


# --- main -----------------------------------------------------------------------------


def main() -> int:
    (VAR / "log").mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/ yet
    install_docker()
    daemon = start_dockerd()
    ok = False
    try:
        ports = prepare()
        build()
        say(f"compose up, airflow-worker scaled to {WORKERS}")
        compose("up", "-d", "--no-build", "--scale", f"airflow-worker={WORKERS}")
        found = wait_healthy()
        say(f"all {len(found)} containers healthy (one-shot jobs exited 0)")
        say("running one dataset DAG through the scheduler and the Celery workers")
        run_dag(ports["airflow"])
        bot = volume_file("bot-token", "ckan_bot_token")
        xloader = volume_file("ckan-tokens", "xloader_token")
        say(f"checking CKAN on its published port {ports['ckan']}")
        check_catalog(ports["ckan"], bot)
        say("deploy security")
        check_security(containers(), known_secrets(bot, xloader))
        ok = True
    finally:
        if not ok:
            keep_logs()
        say("compose down -v (containers, networks, volumes)")
        compose("down", "-v", "--remove-orphans", "--timeout", "30", check=False, capture=True)
        if daemon is not None:
            stop_dockerd(daemon)
        total = time.monotonic() - STARTED
        print(f"deploy-smoke: {'passed' if ok else 'FAILED'} in {total:.0f} s "
              f"({total / 60:.1f} min)", flush=True)  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
