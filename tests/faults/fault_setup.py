"""The fault tests' dataset, source and clients (their fixtures are in conftest.py).

Every test gets its own dataset (a copy of the fasyankes contract under a fresh id) whose
source is a private sample agency server (stack/sample_agency/server.py) serving a file the
test writes, and scripted through the server's ``/test/faults`` endpoint.
"""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from ckan_site import bot_client, bot_token

from tangerang_hub import pipeline
from tangerang_hub.ckan_client import CkanClient
from tangerang_hub.contracts import Contract
from tangerang_hub.run_report import RunReport

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "stack" / "sample_agency" / "data" / "dinkes" / "fasyankes.csv"
CONN_ID = "agency_faults"
# Short source timeouts keep a hanging source from slowing the suite down.
SOURCE_PARAMS = {"timeout": 1.0, "retries": 2, "backoff": 0.2, "max_wait": 5}
BEDS = 7  # column of "Jumlah Tempat Tidur" in the agency's export
T = TypeVar("T")


def source_csv(rows: int, *, bump: int = 0) -> bytes:
    """An export like the agency's fasyankes.csv with `rows` rows: the sample's rows in turn,
    each with its own 7-digit code; `bump` is added to every bed count (a new version with as
    many rows)."""
    header, *lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    out = [header]
    for i in range(rows):
        cells = lines[i % len(lines)].split(";")
        cells[0] = f"{i + 1:07d}"
        if bump and cells[BEDS].strip().isdigit():
            cells[BEDS] = str(int(cells[BEDS]) + bump)
        out.append(";".join(cells))
    return ("\n".join(out) + "\n").encode("utf-8")


@dataclass
class Agency:
    """The private sample agency server: static files under `data_dir`, scripted faults."""

    url: str
    data_dir: Path

    def _control(self, query: dict[str, str]) -> dict[str, Any]:
        address = f"{self.url}/test/faults?{urlencode(query)}"
        with urllib.request.urlopen(address, timeout=10) as answer:
            return json.loads(answer.read())

    def script(self, key: str, *steps: str) -> None:
        """The next requests with ``fault=key`` take `steps` in order, then are served."""
        self._control({"id": key, "steps": ",".join(steps)})

    def hits(self, key: str) -> list[dict[str, Any]]:
        """Every request with ``fault=key`` since its script was set: ``at``, ``step``."""
        return self._control({"id": key})["hits"]


@dataclass
class Dataset:
    """One test's dataset: its contract, workdir and source file at the agency."""

    contract: Contract
    key: str
    workdir: Path
    source: Path

    def write_source(self, rows: int, *, bump: int = 0) -> int:
        """Put a new export of `rows` rows at the source; returns `rows`."""
        self.source.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.source.with_suffix(".tmp")
        tmp.write_bytes(source_csv(rows, bump=bump))
        tmp.replace(self.source)
        return rows

    def run(self, client: CkanClient | None = None) -> RunReport:
        """`hub run` of the dataset (a fresh run id each time)."""
        return pipeline.run(
            self.contract,
            client=client or bot_client(),
            workdir=self.workdir,
            run_id=f"run-{uuid.uuid4().hex[:8]}",
        )

    def publish(self, rows: int, *, bump: int = 0) -> RunReport:
        """Publish a version of `rows` rows with no fault; the report says what was staged."""
        self.write_source(rows, bump=bump)
        report = self.run()
        assert report.status == "published", report.message
        return report

    def package(self) -> dict[str, Any]:
        return bot_client().call("package_show", id=self.contract.id)


def relay_client(url: str, **options: Any) -> CkanClient:
    """The bot's client on a relay URL, with retries spread over a CKAN restart (~6 s): a
    request that may be resent has the time to find CKAN back."""
    settings: dict[str, Any] = {"retries": 4, "backoff": 1.5, "timeout": 60, **options}
    return CkanClient(url, bot_token(), **settings)


def wait_until(condition: Callable[[], T], timeout: float, what: str) -> T:
    """`condition()`'s first truthy value, polled every 20 ms; AssertionError after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
