"""Credentials stay on the connection's origin; secrets never reach messages in any encoding."""

from __future__ import annotations

import json
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from local_http import Reply, Server, free_port

from tangerang_hub.contracts import Source
from tangerang_hub.http_client import HttpClient
from tangerang_hub.sources import get_hook
from tangerang_hub.sources.base import SourceError

SECRET = "k3y+Secret/Val=="


def leaked(server: Server) -> bool:
    """Whether any request `server` saw carried the secret, raw or URL-encoded."""
    text = json.dumps([{**s, "body": s["body"].decode("latin-1")} for s in server.seen])
    return any(form in text for form in (SECRET, quote(SECRET, safe=""), quote_plus(SECRET)))


def connection(
    monkeypatch: pytest.MonkeyPatch, port: int, extra: dict[str, Any], host: str = "127.0.0.1"
) -> None:
    conn = {"conn_type": "http", "host": host, "port": port, "extra": extra}
    if extra.get("auth") == "basic":
        conn["login"] = "hub"
    conn["password"] = SECRET
    monkeypatch.setenv("AIRFLOW_CONN_OPD_API", json.dumps(conn))


AUTH_STYLES = [
    {"auth": "query", "auth_param": "api_key"},
    {"auth": "header"},
    {"auth": "bearer"},
    {"auth": "basic"},
]


def json_reply(document: Any) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/json"}, json.dumps(document).encode()


@pytest.mark.parametrize("extra", AUTH_STYLES, ids=lambda e: e["auth"])
def test_next_link_to_another_host_is_refused(
    servers: Callable[[Reply], Server], monkeypatch: pytest.MonkeyPatch, extra: dict[str, Any]
) -> None:
    other = servers(lambda _: json_reply({"data": []}))
    first = servers(
        lambda _: json_reply(
            {"data": [{"x": 1}], "links": {"next": f"http://localhost:{other.port}/steal"}}
        )
    )
    connection(monkeypatch, first.port, extra)
    hook = get_hook(
        Source("http_json", "opd_api", {"path": "v1/x", "pagination": {"style": "next"}})
    )
    with pytest.raises(SourceError, match="refusing to follow") as caught:
        hook.fetch()
    assert other.seen == []
    assert SECRET not in str(caught.value)
    assert len(first.seen) == 1


def test_next_link_on_the_same_origin_keeps_the_credentials(
    servers: Callable[[Reply], Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    def reply(handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        if handler.path.startswith("/v1/x"):
            return json_reply({"data": [{"x": 1}], "links": {"next": "/page2?cursor=b"}})
        return json_reply({"data": [{"x": 2}], "links": {}})

    api = servers(reply)
    connection(monkeypatch, api.port, {"auth": "query", "auth_param": "api_key"})
    params = {"path": "v1/x", "pagination": {"style": "next"}}
    batch = get_hook(Source("http_json", "opd_api", params)).fetch()
    assert batch.records == [{"x": 1}, {"x": 2}]
    assert all(quote_plus(SECRET) in s["path"] for s in api.seen)
    # The key is added once, not duplicated onto a link that already has a query.
    assert all(s["path"].count("api_key=") == 1 for s in api.seen)


@pytest.mark.parametrize("extra", AUTH_STYLES, ids=lambda e: e["auth"])
@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_redirect_to_another_origin_drops_every_credential(
    servers: Callable[[Reply], Server],
    monkeypatch: pytest.MonkeyPatch,
    extra: dict[str, Any],
    host: str,
) -> None:
    cdn = servers(lambda _: (200, {"Content-Type": "text/csv"}, b"a,b\n1,2\n"))
    # A query key echoed into the Location must not travel on either.
    echoed = f"api_key={quote_plus(SECRET)}&" if extra["auth"] == "query" else ""
    location = f"http://{host}:{cdn.port}/cdn/file.csv?{echoed}v=1"
    agency = servers(lambda _: (302, {"Location": location}, b""))
    # Another port is another origin: the redirect needs the allow-list, and the
    # connection's own host (either name) may be a loopback address.
    allowed = {**extra, "allowed_redirect_hosts": [f"{host}:{cdn.port}"]}
    connection(monkeypatch, agency.port, allowed, host=host)
    batch = get_hook(Source("http_csv", "opd_api", {"path": "data.csv"})).fetch()
    assert batch.content == b"a,b\n1,2\n"
    assert len(agency.seen) == 1 and len(cdn.seen) == 1
    assert cdn.seen[0]["path"].startswith("/cdn/file.csv")
    assert "v=1" in cdn.seen[0]["path"]
    headers = {k.lower() for k in cdn.seen[0]["headers"]}
    assert "authorization" not in headers and "x-api-key" not in headers
    assert not leaked(cdn)
    # The connection's own host did get them (basic auth arrives base64-encoded).
    assert leaked(agency) or "Authorization" in agency.seen[0]["headers"]
    assert SECRET not in (batch.source_url or "")
    assert quote_plus(SECRET) not in (batch.source_url or "")


def test_redirect_on_the_same_origin_keeps_the_credentials(
    servers: Callable[[Reply], Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    def reply(handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        if handler.path.startswith("/data.csv"):
            return 307, {"Location": "/moved/data.csv"}, b""
        return 200, {"Content-Type": "text/csv"}, b"a\n1\n"

    api = servers(reply)
    connection(monkeypatch, api.port, {"auth": "header"})
    batch = get_hook(Source("http_csv", "opd_api", {"path": "data.csv"})).fetch()
    assert batch.content == b"a\n1\n"
    assert [s["headers"].get("X-API-Key") for s in api.seen] == [SECRET, SECRET]


def test_redirect_loops_are_bounded(servers: Callable[[Reply], Server]) -> None:
    loop = servers(lambda _: (302, {"Location": "/again"}, b""))
    http = HttpClient(f"http://127.0.0.1:{loop.port}", retries=0)
    with pytest.raises(SourceError, match="redirects more than"):
        http.get("start")
    assert len(loop.seen) <= 11


def test_secret_headers_are_not_on_the_session() -> None:
    http = HttpClient("http://127.0.0.1:1", headers={"X-API-Key": SECRET}, auth=("hub", SECRET))
    assert "X-API-Key" not in http.session.headers
    assert http.session.auth is None


def test_url_encoded_secrets_are_masked_in_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    connection(monkeypatch, free_port(), {"auth": "query"})
    with pytest.raises(SourceError) as caught:
        get_hook(Source("http_csv", "opd_api", {"path": "data.csv", "retries": 0})).fetch()
    message = str(caught.value) + str(caught.value.url)
    for form in (SECRET, quote(SECRET, safe=""), quote(SECRET), quote_plus(SECRET)):
        assert form not in message


def test_clean_masks_every_encoding_and_drops_url_queries() -> None:
    http = HttpClient("http://127.0.0.1:1", redact=(SECRET,))
    text = (
        f"raw {SECRET} quoted {quote(SECRET, safe='')} plus {quote_plus(SECRET)} "
        f"url 'http://x.example/a/b.csv?token=opaque&page=2' end"
    )
    cleaned = http.clean(text)
    assert SECRET not in cleaned and quote_plus(SECRET) not in cleaned
    assert quote(SECRET, safe="") not in cleaned
    assert "opaque" not in cleaned
    assert "'http://x.example/a/b.csv' end" in cleaned
