"""Fixtures for the connector tests: the recorded agency formats and a live sample server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
FORMATS = REPO.parent / "shared" / "agency-formats"
SERVER = REPO / "stack" / "sample_agency" / "server.py"
CONN = "AIRFLOW_CONN_AGENCY_SAMPLE"


@pytest.fixture(scope="session")
def formats() -> Path:
    if not FORMATS.is_dir():
        pytest.skip(f"recorded agency formats not found at {FORMATS} (../shared beside the repo)")
    return FORMATS


@pytest.fixture(scope="session")
def recorded(formats: Path) -> Callable[[str], Any]:
    """Loader of one recorded JSON payload by its path under agency-formats/."""

    def load(relative: str) -> Any:
        return json.loads((formats / relative).read_text(encoding="utf-8"))

    return load


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(data_dir: Path | None = None) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [sys.executable, str(SERVER), "--host", "127.0.0.1", "--port", str(port)]
    if data_dir is not None:
        command += ["--data", str(data_dir)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sample server exited: {process.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:
                if response.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.1)
    stop_server(process)
    raise RuntimeError("sample server did not answer /healthz within 15 s")


def stop_server(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
    if process.stderr:
        process.stderr.close()
    return process.returncode


@pytest.fixture(scope="session")
def sample_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("agency-data")
    (data / "dlh").mkdir()
    (data / "dlh" / "tps.csv").write_text(
        "kecamatan,jumlah_tps\nCipondoh,12\nPinang,9\n", encoding="utf-8"
    )
    process, base = start_server(data)
    try:
        yield base
    finally:
        stop_server(process)


@pytest.fixture
def agency(sample_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The sample server as connection ``agency_sample`` (password = BPS key)."""
    host_port = sample_server.removeprefix("http://")
    monkeypatch.setenv(CONN, f"http://hub:sample-key@{host_port}")
    return sample_server
