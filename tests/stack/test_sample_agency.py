"""The local sample agency server: health, static files with validators, formats, shutdown."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SERVER = Path(__file__).resolve().parents[2] / "stack" / "sample_agency" / "server.py"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    data = tmp_path_factory.mktemp("data")
    (data / "dinkes").mkdir()
    (data / "dinkes" / "contoh.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(SERVER), "--port", str(port), "--data", str(data)],
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if _get(f"{base}/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    try:
        yield base, process
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            process.wait(timeout=10)


def _json(base: str, path: str) -> Any:
    status, _, body = _get(base + path)
    assert status == 200, body[:200]
    return json.loads(body)


def test_static_files_have_validators(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    base, _ = server
    status, headers, body = _get(f"{base}/dinkes/contoh.csv")
    assert (status, body) == (200, b"a,b\n1,2\n")
    assert headers["ETag"] and headers["Last-Modified"]
    assert _get(f"{base}/dinkes/contoh.csv", {"If-None-Match": headers["ETag"]})[0] == 304
    since = {"If-Modified-Since": headers["Last-Modified"]}
    assert _get(f"{base}/dinkes/contoh.csv", since)[0] == 304
    assert _get(f"{base}/dinkes/../../etc/passwd")[0] == 404


def test_bps_formats(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    base, _ = server
    api = "/bps/v1/api/list/model/{}/lang/ind/domain/3671/{}key/{}/"
    data = _json(base, api.format("data", "var/31/th/123/", "k"))
    assert data["data-availability"] == "available"
    assert len(data["datacontent"]) == 13 and data["tahun"] == [{"val": 123, "label": "2023"}]
    status, _, body = _get(base + api.format("var", "", "invalid-key"))
    assert status == 401 and json.loads(body)["status"] == "Error"
    missing = _json(base, api.format("data", "var/4242/", "k"))
    assert missing == {"status": "OK", "data-availability": "not-available", "data": ""}
    page = _json(base, api.format("var", "page/2/perpage/10/", "k"))["data"][0]
    assert (page["page"], page["pages"], page["total"]) == (2, 3, 25)


def test_bmkg_forecast_for_every_kelurahan_is_deterministic(
    server: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, _ = server
    first = _json(base, "/bmkg/publik/prakiraan-cuaca?adm4=36.71.01.1003")
    assert first == _json(base, "/bmkg/publik/prakiraan-cuaca?adm4=36.71.01.1003")
    assert first["lokasi"]["desa"] == "Tanah Tinggi"
    assert all(isinstance(day, list) for day in first["data"][0]["cuaca"])
    assert _get(f"{base}/bmkg/publik/prakiraan-cuaca?adm4=99.99.99.9999")[0] == 404
    latest = _json(base, "/bmkg/DataMKG/TEWS/autogempa.json")["Infogempa"]["gempa"]
    assert isinstance(latest, dict) and latest["Coordinates"]


def test_ckan_and_inbox(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    base, _ = server
    search = _json(base, "/satudata/api/3/action/package_search?rows=1")
    assert search["success"] and search["result"]["count"] == 2
    assert len(search["result"]["results"]) == 1
    status, headers, body = _get(f"{base}/inbox/dlh/volume-sampah-kecamatan-2024.xlsx")
    assert status == 200 and body[:2] == b"PK" and "spreadsheetml" in headers["Content-Type"]


def test_sigterm_stops_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(SERVER), "--port", str(port), "--data", str(tmp_path)],
        stderr=subprocess.PIPE,
    )
    for _ in range(150):
        try:
            if _get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    os.kill(process.pid, signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    assert process.stderr is not None and b"stopped" in process.stderr.read()
