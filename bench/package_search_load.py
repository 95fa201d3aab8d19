"""`package_search` latency under concurrent clients, with and without ckanext-tangerang.

Two fresh CKAN processes, started here on free loopback ports exactly as
`stack/services.py` starts a site (gunicorn, 2 workers, ``stack/ckan_wsgi.py``), both on a
copy of the test site's ini: the same databases, Solr core and storage, so the same data.
The copies differ in one line, ``ckan.plugins``: the second one leaves out ``tangerang``.
The copies hold the site's passwords, so they are written owner-only under ``var/bench/`` and
removed with the processes, which are stopped by their pid (each leads its process group).

Each round sends the same mix of anonymous ``package_search`` requests (`QUERIES`) from N
client threads (16 unless told), each with its own keep-alive session, in `BATCHES` short
batches that alternate between the two processes, so both see the same background load; p50
and p95 of the request latencies are kept per round, and beside them the same of CKAN's own
"render time" of each request (its log), which leaves out the queueing in front of the
workers.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from bench.timing import percentile, say

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = ROOT / ".venv" / "ckan" / "bin" / "gunicorn"
EXTENSION = "tangerang"
BATCHES = 5
RENDER_TIME = re.compile(rb"\] +200 /api/3/action/package_search render time ([0-9.]+) seconds")
QUERIES: tuple[dict[str, str], ...] = (
    {"q": "", "rows": "10"},
    {"q": "kesehatan", "rows": "10"},
    {"q": "penduduk kecamatan", "rows": "20"},
    {"fq": "organization:dinkes", "rows": "10"},
    {
        "q": "data",
        "rows": "20",
        "facet": "true",
        "facet.field": json.dumps(["organization", "tags", "res_format", "vocab_dimensi"]),
    },
    {"q": "", "sort": "metadata_modified desc", "rows": "5"},
)


def without_plugin(ini_text: str, plugin: str = EXTENSION) -> str:
    """`ini_text` with `plugin` taken out of its ``ckan.plugins`` line (and nothing else
    changed); ValueError when the line does not list it."""
    pattern = re.compile(r"^(ckan\.plugins\s*=)(.*)$", re.M)
    found = pattern.search(ini_text)
    if found is None or plugin not in found.group(2).split():
        raise ValueError(f"no ckan.plugins line listing {plugin!r}")
    kept = " ".join(name for name in found.group(2).split() if name != plugin)
    return ini_text[: found.start()] + f"{found.group(1)} {kept}" + ini_text[found.end() :]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class CkanProcess:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def _start(name: str, ini: Path, folder: Path, workers: int) -> CkanProcess:
    port = free_port()
    log = folder / f"{name}.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                str(GUNICORN),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
                "--chdir",
                str(ROOT / "stack"),
                "ckan_wsgi:application",
            ],
            cwd=ROOT,
            env={**os.environ, "CKAN_INI": str(ini)},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return CkanProcess(name, f"http://127.0.0.1:{port}", process, log)


def _wait_healthy(site: CkanProcess, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if site.process.poll() is not None:
            tail = site.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"CKAN {site.name} exited during start-up:\n{tail}")
        try:
            if requests.get(f"{site.url}/api/3/action/status_show", timeout=5).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"CKAN {site.name} not healthy after {timeout:.0f}s; see {site.log}")


def _stop(site: CkanProcess) -> None:
    """SIGTERM to the process group this module started (its leader is `site.process`)."""
    if site.process.poll() is None:
        os.killpg(site.process.pid, signal.SIGTERM)
        try:
            site.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(site.process.pid, signal.SIGKILL)
            site.process.wait(30)


@contextmanager
def two_sites(
    ini: Path, folder: Path, workers: int = 2, timeout: float = 300.0
) -> Iterator[dict[str, CkanProcess]]:
    """{"with": …, "without": …}: two CKAN processes on copies of `ini` (module docstring)."""
    text = ini.read_text(encoding="utf-8")
    inis = {"with": folder / "with.ini", "without": folder / "without.ini"}
    _write_private(inis["with"], text)
    _write_private(inis["without"], without_plugin(text))
    with ExitStack() as stack:
        for path in inis.values():
            stack.callback(path.unlink, missing_ok=True)
        sites: dict[str, CkanProcess] = {}
        for name, path in inis.items():
            sites[name] = _start(name, path, folder, workers)
            stack.callback(_stop, sites[name])
        for site in sites.values():
            _wait_healthy(site, timeout)
        say(f"  CKAN with / without {EXTENSION}: {sites['with'].url} / {sites['without'].url}")
        yield sites


def _client(url: str, count: int, offset: int) -> list[float]:
    latencies = []
    with requests.Session() as session:
        queries = itertools.islice(itertools.cycle(QUERIES), offset, offset + count)
        for params in queries:
            started = time.perf_counter()
            answer = session.get(f"{url}/api/3/action/package_search", params=params, timeout=120)
            latencies.append(time.perf_counter() - started)
            if not (answer.ok and answer.json().get("success")):
                raise RuntimeError(f"package_search answered {answer.status_code} at {url}")
    return latencies


def load(url: str, clients: int, per_client: int) -> list[float]:
    """Latencies (s) of `clients` x `per_client` package_search requests, sent concurrently."""
    with ThreadPoolExecutor(max_workers=clients) as pool:
        runs = [pool.submit(_client, url, per_client, i) for i in range(clients)]
        return [latency for run in runs for latency in run.result()]


def round_stats(latencies: Sequence[float], rendered: Sequence[float] = ()) -> dict[str, Any]:
    """p50/p95 of the latencies the clients saw and, when given, of CKAN's render times."""
    stats: dict[str, Any] = {
        "requests": len(latencies),
        "p50_s": round(percentile(latencies, 0.50), 4),
        "p95_s": round(percentile(latencies, 0.95), 4),
    }
    if rendered:
        stats["server_p50_s"] = round(percentile(rendered, 0.50), 4)
        stats["server_p95_s"] = round(percentile(rendered, 0.95), 4)
    return stats


def render_times(log: Path, offset: int) -> tuple[list[float], int]:
    """CKAN's render times of package_search logged in `log` after byte `offset`, and the
    offset of the log's end."""
    with log.open("rb") as fh:
        fh.seek(offset)
        text = fh.read()
    return [float(m.group(1)) for m in RENDER_TIME.finditer(text)], offset + len(text)


def measure_round(
    sites: dict[str, CkanProcess], clients: int, per_client: int, first: str
) -> dict[str, dict[str, Any]]:
    """One round: `per_client` requests per client and site, in `BATCHES` batches that
    alternate between the sites, `first` first; `round_stats` per site."""
    names = [first, *(name for name in sites if name != first)]
    latencies: dict[str, list[float]] = {name: [] for name in names}
    offsets = {name: sites[name].log.stat().st_size for name in names}
    size = max(1, -(-per_client // BATCHES))
    sent = 0
    while sent < per_client:
        batch = min(size, per_client - sent)
        for name in names:
            latencies[name].extend(load(sites[name].url, clients, batch))
        sent += batch
        names.reverse()
    stats = {}
    for name in sites:
        rendered, _ = render_times(sites[name].log, offsets[name])
        stats[name] = round_stats(latencies[name], rendered)
    return stats
