"""The one HTTP layer: messages never quote a body, POSTs and per-request resend decisions.

The polite-GET behaviour against the sample server's misbehaving routes is in
`sources/test_http.py`; credential scoping in `sources/test_credential_scope.py`; where
redirects may go in `test_egress.py`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest
from local_http import Server

from tangerang_hub.contracts import Source
from tangerang_hub.http_client import HttpClient, HttpStatusError
from tangerang_hub.sources import get_hook
from tangerang_hub.sources.base import SourceError

Servers = Callable[..., Server]
NIK, HP = "3671012345678901", "081234567890"
# A proxy cut the agency's answer short: the length matches what was sent.
TRUNCATED = ('{"data": [{"nik":"' + NIK + '","hp":"' + HP + '","nama":"Bu').encode()


def leaks(text: str) -> bool:
    return NIK in text or HP in text


def test_a_truncated_body_is_not_quoted_in_the_error(
    servers: Servers, caplog: pytest.LogCaptureFixture
) -> None:
    site = servers(lambda _: (200, {"Content-Type": "application/json"}, TRUNCATED))
    with (
        caplog.at_level(logging.DEBUG, logger="tangerang_hub.http_client"),
        pytest.raises(SourceError, match=r"invalid JSON from http://.*/data\.json") as caught,
    ):
        HttpClient(site.url).get_json("data.json")
    assert not leaks(str(caught.value))
    assert '"nama"' not in str(caught.value)
    # The preview stays in the debug log, masked.
    assert "3671****" in caplog.text and not leaks(caplog.text)


def test_a_truncated_body_through_a_connector(
    servers: Servers, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = servers(lambda _: (200, {"Content-Type": "application/json"}, TRUNCATED))
    conn = {"conn_type": "http", "host": "127.0.0.1", "port": site.port}
    monkeypatch.setenv("AIRFLOW_CONN_OPD_API", json.dumps(conn))
    with pytest.raises(SourceError) as caught:
        get_hook(Source("http_json", "opd_api", {"path": "v1/warga"})).fetch()
    assert "invalid JSON" in str(caught.value)
    assert not leaks(str(caught.value)) and not leaks(repr(caught.value.args))


@pytest.mark.parametrize("status", [400, 500])
def test_an_error_body_is_kept_on_the_exception_not_in_its_message(
    servers: Servers, status: int
) -> None:
    body = json.dumps({"message": f"NIK {NIK} / HP {HP} tidak valid"}).encode()
    site = servers(lambda _: (status, {"Content-Type": "application/json"}, body))
    with pytest.raises(HttpStatusError) as caught:
        HttpClient(site.url, retries=1, sleep=lambda _: None).get("v1/x")
    assert caught.value.status == status and caught.value.body == body
    assert not leaks(str(caught.value))
    assert str(caught.value).endswith(
        f"answered {status}" + (" after 2 attempts" * (status == 500))
    )


def test_post_sends_json_and_is_not_resent_after_a_5xx(servers: Servers) -> None:
    site = servers(lambda _: (503, {}, b""))
    waits: list[float] = []
    http = HttpClient(site.url, sleep=waits.append)
    with pytest.raises(HttpStatusError) as caught:
        http.post("write", json={"a": [1]})
    assert caught.value.status == 503 and len(site.seen) == 1 and waits == []
    assert json.loads(site.seen[0]["body"]) == {"a": [1]}
    assert site.seen[0]["method"] == "POST"


def test_post_with_resend_is_retried_after_a_5xx(servers: Servers) -> None:
    site = servers(lambda _: (503, {}, b""))
    http = HttpClient(site.url, retries=2, sleep=lambda _: None)
    with pytest.raises(HttpStatusError, match="after 3 attempts"):
        http.post("read", json={}, resend=True)
    assert len(site.seen) == 3


def test_a_307_repeats_the_post_with_its_body_on_the_same_origin(servers: Servers) -> None:
    site = servers(lambda h: (200, {}, b"{}") if h.path == "/b" else (307, {"Location": "/b"}, b""))
    HttpClient(site.url).post("a", json={"k": "v"})
    assert [(s["method"], s["path"], s["body"]) for s in site.seen] == [
        ("POST", "/a", b'{"k": "v"}'),
        ("POST", "/b", b'{"k": "v"}'),
    ]


def test_a_303_after_a_post_becomes_a_get_without_body(servers: Servers) -> None:
    site = servers(lambda h: (200, {}, b"{}") if h.path == "/b" else (303, {"Location": "/b"}, b""))
    HttpClient(site.url).post("a", json={"k": "v"})
    assert [(s["method"], s["body"]) for s in site.seen] == [("POST", b'{"k": "v"}'), ("GET", b"")]
