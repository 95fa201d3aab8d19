"""Fault tests: real processes killed and restarted while a publish is under way.

Run by `make test-faults`, not by `make test`: they stop and start the shared services, so
they run under ``flock /tmp/hub-tests.lock``. Every test gets its own dataset
(`fault_setup.Dataset`) and ends with PostgreSQL, the CKAN test site and its worker up
again, whatever happened.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import stack_control
from ckan_site import bot_client, contract_copy
from fault_setup import CONN_ID, ROOT, SOURCE_PARAMS, Agency, Dataset

from tangerang_hub.contracts import Source

SERVER = ROOT / "stack" / "sample_agency" / "server.py"


@pytest.fixture(autouse=True)
def services_restored() -> Iterator[None]:
    """Whatever a test stopped is started again, even when it failed."""
    try:
        yield
    finally:
        stack_control.restore()


@pytest.fixture(scope="session")
def agency(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Agency]:
    """A sample agency server of the fault tests' own, on a free port, serving files from a
    temporary folder; ``AIRFLOW_CONN_AGENCY_FAULTS`` points at it."""
    data = tmp_path_factory.mktemp("agency")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (data.parent / "agency.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, str(SERVER), "--port", str(port), "--data", str(data)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", url)
            yield Agency(url, data)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the sample agency server exited ({process.returncode})")
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the sample agency server did not answer /healthz within 30 s")


@pytest.fixture
def dataset(agency: Agency, tmp_path: Path) -> Iterator[Dataset]:
    """A fresh fasyankes copy whose source is ``/<id>/fasyankes.csv?fault=<id>`` at the
    agency; deleted from the catalog afterwards (once the services are back)."""
    base = contract_copy("fasyankes")
    key = base.id
    params = {"path": f"/{key}/fasyankes.csv", "query": {"fault": key}, **SOURCE_PARAMS}
    contract = replace(base, source=Source(type="http_csv", conn_id=CONN_ID, params=params))
    source = agency.data_dir / key / "fasyankes.csv"
    try:
        yield Dataset(contract, key, tmp_path / "hub", source)
    finally:
        stack_control.restore()
        client = bot_client()
        if client.show_or_none("package_show", id=contract.id) is not None:
            client.call("package_delete", id=contract.id)
