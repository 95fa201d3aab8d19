"""Retries resend reads, never writes that CKAN may already have done."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tangerang_hub.ckan_client import CkanClient, CkanError


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
