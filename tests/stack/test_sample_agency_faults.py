"""The sample agency server's scripted faults (``/test/faults``, ``?fault=KEY``), which the
fault tests (tests/faults) drive: each step once, in order, then the route as usual."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parents[2] / "stack" / "sample_agency" / "server.py"
BODY = b"kode;nama\n" + b"".join(b"%07d;Puskesmas Uji %d\n" % (i, i) for i in range(40))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("data")
    (data / "contoh.csv").write_bytes(BODY)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, str(SERVER), "--port", str(port), "--data", str(data)],
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def control(base: str, query: str) -> dict:
    with urllib.request.urlopen(f"{base}/test/faults?{query}", timeout=5) as answer:
        return json.loads(answer.read())


def raw_get(base: str, path: str, timeout: float = 5) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and exactly the bytes sent (no Content-Length check)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def test_steps_are_taken_once_each_in_order_then_the_route_is_served(base):
    assert control(base, "id=order&steps=500,429:7")["steps"] == ["500", "429:7"]
    status, _, _ = raw_get(base, "/contoh.csv?fault=order")
    assert status == 500
    status, headers, _ = raw_get(base, "/contoh.csv?fault=order")
    assert (status, headers["retry-after"]) == (429, "7")
    status, _, body = raw_get(base, "/contoh.csv?fault=order")
    assert (status, body) == (200, BODY)
    shown = control(base, "id=order")
    assert shown["steps"] == []
    assert [hit["step"] for hit in shown["hits"]] == ["500", "429:7", "serve"]
    assert shown["hits"][0]["at"] <= shown["hits"][1]["at"] <= shown["hits"][2]["at"]


def test_a_request_without_its_key_is_served_as_usual(base):
    control(base, "id=other&steps=503")
    assert raw_get(base, "/contoh.csv")[2] == BODY
    assert raw_get(base, "/contoh.csv?fault=unknown")[2] == BODY
    assert control(base, "id=other")["steps"] == ["503"]


def test_hang_sends_nothing_for_its_seconds(base):
    control(base, "id=hang&steps=hang:3")
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=1)
    connection.request("GET", "/contoh.csv?fault=hang")
    with pytest.raises(TimeoutError):
        connection.getresponse()
    connection.close()


def test_short_declares_the_whole_length_and_sends_half(base):
    control(base, "id=short&steps=short")
    status, headers, body = raw_get(base, "/contoh.csv?fault=short")
    assert status == 200
    assert int(headers["content-length"]) == len(BODY)
    assert body == BODY[: len(BODY) // 2]


def test_cut_ends_mid_line_with_a_matching_length(base):
    control(base, "id=cut&steps=cut")
    status, headers, body = raw_get(base, "/contoh.csv?fault=cut")
    assert status == 200
    assert int(headers["content-length"]) == len(body)
    assert BODY.startswith(body) and len(body) < len(BODY)
    last = body.rsplit(b"\n", 1)[1]
    assert last.endswith(b";") and last.count(b";") == 1, last


def test_an_unknown_step_is_refused(base):
    with pytest.raises(urllib.error.HTTPError) as refused:
        control(base, "id=bad&steps=200")
    assert refused.value.code == 400
    with pytest.raises(urllib.error.HTTPError):
        control(base, "id=bad&steps=hang")
