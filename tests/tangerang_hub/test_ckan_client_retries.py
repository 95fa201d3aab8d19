"""The CKAN client on the one HTTP layer: retries resend reads, never writes that CKAN may
already have done; Retry-After (seconds or a date), one User-Agent, bodies never quoted."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tangerang_hub.ckan_client import CkanClient, CkanError
from tangerang_hub.http_client import USER_AGENT, HttpClient


class Flaky(BaseHTTPRequestHandler):
    """Answers 503 to the first `fail` requests per action, then success."""

    calls: dict[str, int] = {}
    fail = 1

    def do_POST(self):  # noqa: N802 - http.server's naming
        action = self.path.rsplit("/", 1)[-1]
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Flaky.calls[action] = Flaky.calls.get(action, 0) + 1
        if Flaky.calls[action] <= Flaky.fail:
            self.send_response(503)
            self.end_headers()
            return
        body = json.dumps({"success": True, "result": {"action": action}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def ckan():
    Flaky.calls = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield CkanClient(f"http://127.0.0.1:{server.server_port}", "token", backoff=0.01)
    server.shutdown()


def test_a_read_is_retried_after_a_5xx(ckan):
    assert ckan.call("package_show", id="x") == {"action": "package_show"}
    assert Flaky.calls["package_show"] == 2


def test_a_write_is_not_resent_after_a_5xx(ckan):
    with pytest.raises(CkanError) as caught:
        ckan.call("package_create", name="x")
    assert caught.value.status == 503
    assert Flaky.calls["package_create"] == 1


def answer(action: str = "x") -> tuple[int, dict[str, str], bytes]:
    body = json.dumps({"success": True, "result": {"action": action}}).encode()
    return 200, {"Content-Type": "application/json"}, body


def refused_once(retry_after: str) -> Callable[[BaseHTTPRequestHandler], Any]:
    """429 with `retry_after` on the first request, then success."""
    calls: list[str] = []

    def reply(handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        calls.append(handler.path)
        if len(calls) == 1:
            return 429, {"Retry-After": retry_after}, b'{"success": false}'
        return answer()

    return reply


def in_seconds(seconds: float) -> str:
    return formatdate(time.time() + seconds, usegmt=True)


@pytest.mark.parametrize("action", ["package_show", "package_create"])
def test_retry_after_as_an_http_date_is_honoured(servers, action: str) -> None:
    site = servers(refused_once(in_seconds(3)))
    waits: list[float] = []
    client = CkanClient(site.url, "token", backoff=0.01, sleep=waits.append)
    assert client.call(action, name="x") == {"action": "x"}
    # A 429 means "not done": even a write is resent, after the date CKAN asked for.
    assert len(site.seen) == 2
    assert len(waits) == 1 and 1.0 < waits[0] <= 3.0


def test_retry_after_beyond_the_bound_fails_at_once(servers) -> None:
    site = servers(refused_once(in_seconds(3600)))
    waits: list[float] = []
    client = CkanClient(site.url, "token", sleep=waits.append)
    with pytest.raises(CkanError) as caught:
        client.call("package_show", id="x")
    assert caught.value.status == 429
    assert "retry after" in str(caught.value)
    assert waits == [] and len(site.seen) == 1


def slow_first(delay: float) -> Callable[[BaseHTTPRequestHandler], Any]:
    calls: list[str] = []

    def reply(handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        calls.append(handler.path)
        if len(calls) == 1:
            time.sleep(delay)
        return answer()

    return reply


def test_a_write_is_not_resent_after_a_timeout(servers) -> None:
    site = servers(slow_first(1.0))
    client = CkanClient(site.url, "token", timeout=0.3, backoff=0.01)
    with pytest.raises(CkanError) as caught:
        client.call("package_create", name="x")
    assert caught.value.status == 0
    assert "not resent" in str(caught.value)
    assert len(site.seen) == 1


def test_a_read_is_resent_after_a_timeout(servers) -> None:
    site = servers(slow_first(1.0))
    client = CkanClient(site.url, "token", timeout=0.3, backoff=0.01)
    assert client.call("package_show", id="x") == {"action": "x"}
    assert len(site.seen) == 2


def test_the_ckan_client_and_the_connectors_share_one_user_agent(servers) -> None:
    site = servers(lambda _: answer())
    CkanClient(site.url, "token").call("status_show")
    HttpClient(site.url).get("api/3/action/status_show")
    agents = [seen["headers"]["User-Agent"] for seen in site.seen]
    assert [seen["method"] for seen in site.seen] == ["POST", "GET"]
    assert agents == [USER_AGENT, USER_AGENT]


def test_a_body_that_is_not_ckan_is_not_quoted(servers) -> None:
    page = b'<html>proxy error {"nik":"3671012345678901","hp":"081234567890"}</html>'
    site = servers(lambda _: (502, {"Content-Type": "text/html"}, page))
    client = CkanClient(site.url, "token", retries=0)
    with pytest.raises(CkanError) as caught:
        client.call("package_show", id="x")
    assert caught.value.status == 502
    assert "3671012345678901" not in str(caught.value)
    assert "081234567890" not in str(caught.value)
    assert "proxy error" not in str(caught.value)


def test_ckan_errors_keep_their_dict_and_mask_the_message(servers) -> None:
    error = {"__type": "Validation Error", "nik": ["3671012345678901 sudah ada"]}
    body = json.dumps({"success": False, "error": error}).encode()
    site = servers(lambda _: (409, {"Content-Type": "application/json"}, body))
    with pytest.raises(CkanError) as caught:
        CkanClient(site.url, "token").call("package_create", name="x")
    assert caught.value.status == 409 and caught.value.kind == "Validation Error"
    assert caught.value.error == error
    assert "3671012345678901" not in str(caught.value)
    assert len(site.seen) == 1


def test_from_connection_sends_the_token_as_ckans_authorization_header(
    servers, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = servers(lambda _: answer())
    monkeypatch.setenv(
        "AIRFLOW_CONN_CKAN_UJI", f"http://tangerang-bot:rahasia-123@127.0.0.1:{site.port}"
    )
    client = CkanClient.from_connection("ckan_uji")
    assert client.call("status_show") == {"action": "x"}
    assert site.seen[0]["headers"]["Authorization"] == "rahasia-123"
    assert site.seen[0]["path"] == "/api/3/action/status_show"
    assert json.loads(site.seen[0]["body"]) == {}


def test_from_connection_names_a_missing_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_CKAN_DEFAULT", raising=False)
    with pytest.raises(LookupError, match="AIRFLOW_CONN_CKAN_DEFAULT"):
        CkanClient.from_connection()


def test_uploads_travel_as_multipart_with_json_encoded_nested_values(
    servers, tmp_path: Path
) -> None:
    site = servers(lambda _: answer())
    data = tmp_path / "data.csv"
    data.write_bytes(b"a,b\n1,2\n")
    CkanClient(site.url, "token").call(
        "resource_create", {"package_id": "p", "extras": {"k": "v"}}, files={"upload": data}
    )
    sent = site.seen[0]
    assert sent["headers"]["Content-Type"].startswith("multipart/form-data")
    assert b'filename="data.csv"' in sent["body"] and b"a,b\n1,2\n" in sent["body"]
    assert b'{"k": "v"}' in sent["body"]
