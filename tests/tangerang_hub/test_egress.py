"""Outbound requests go only where the connection allows, checked against real local servers.

Each refusal test also asserts that the target server saw nothing: the guard refuses before
a byte is sent, not after the answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from local_http import Reply, Server, self_signed

from tangerang_hub.contracts import Source
from tangerang_hub.egress import Egress, forbidden_address
from tangerang_hub.http_client import HttpClient
from tangerang_hub.sources import get_hook
from tangerang_hub.sources.base import SourceError

Servers = Callable[..., Server]
CSV = (200, {"Content-Type": "text/csv"}, b"a\n1\n")


def trusting(cert: Path) -> requests.Session:
    """A session that trusts `cert` (and not REQUESTS_CA_BUNDLE, which would win)."""
    session = requests.Session()
    session.trust_env = False
    session.verify = str(cert)
    return session


def redirecting_to(location: str) -> Reply:
    return lambda handler: (302, {"Location": location}, b"")


def test_a_redirect_on_the_same_origin_is_followed(servers: Servers) -> None:
    api = servers(
        lambda h: CSV if h.path == "/moved.csv" else (301, {"Location": "/moved.csv"}, b"")
    )
    assert HttpClient(api.url, retries=0).get("data.csv").content == b"a\n1\n"
    assert [s["path"] for s in api.seen] == ["/data.csv", "/moved.csv"]


def test_a_redirect_to_another_loopback_port_is_refused(servers: Servers) -> None:
    other = servers(lambda _: CSV)
    agency = servers(redirecting_to(f"{other.url}/steal"))
    with pytest.raises(SourceError, match="outside the connection's origin; refused") as caught:
        HttpClient(agency.url, retries=0).get("data.csv")
    assert "allowed_redirect_hosts" in str(caught.value)
    assert other.seen == []


def test_an_allow_listed_host_is_followed(servers: Servers) -> None:
    cdn = servers(lambda _: CSV)
    agency = servers(redirecting_to(f"{cdn.url}/file.csv"))
    http = HttpClient(agency.url, retries=0, allowed_redirect_hosts=[f"127.0.0.1:{cdn.port}"])
    assert http.get("data.csv").content == b"a\n1\n"
    assert len(cdn.seen) == 1


def test_the_allow_list_comes_from_the_connection(
    servers: Servers, monkeypatch: pytest.MonkeyPatch
) -> None:
    cdn = servers(lambda _: CSV)
    agency = servers(redirecting_to(f"{cdn.url}/file.csv"))
    conn = {"conn_type": "http", "host": "127.0.0.1", "port": agency.port}
    monkeypatch.setenv("AIRFLOW_CONN_OPD_FILES", json.dumps(conn))
    hook = get_hook(Source("http_csv", "opd_files", {"path": "data.csv", "retries": 0}))
    with pytest.raises(SourceError, match="refused"):
        hook.fetch()
    assert cdn.seen == []
    conn["extra"] = {"allowed_redirect_hosts": [f"127.0.0.1:{cdn.port}"]}
    monkeypatch.setenv("AIRFLOW_CONN_OPD_FILES", json.dumps(conn))
    assert hook.fetch().content == b"a\n1\n"


def test_link_local_metadata_address_is_refused_even_when_allow_listed(servers: Servers) -> None:
    agency = servers(redirecting_to("http://169.254.169.254/latest/meta-data/"))
    with pytest.raises(SourceError, match="outside the connection's origin"):
        HttpClient(agency.url, retries=0).get("data.csv")
    allowed = HttpClient(agency.url, retries=0, allowed_redirect_hosts=["169.254.169.254"])
    with pytest.raises(SourceError, match=r"169\.254\.169\.254, a private, loopback or link-local"):
        allowed.get("data.csv")


def test_a_loopback_name_that_is_not_the_connections_host_is_refused(servers: Servers) -> None:
    # `localhost` resolves to a loopback address; only the connection's own host
    # (here written 127.0.0.1) may be one, allow-listed or not.
    other = servers(lambda _: CSV)
    agency = servers(redirecting_to(f"http://localhost:{other.port}/x.csv"))
    http = HttpClient(agency.url, retries=0, allowed_redirect_hosts=["localhost"])
    with pytest.raises(SourceError, match="localhost resolves to .*loopback"):
        http.get("data.csv")
    assert other.seen == []


def test_https_to_http_is_refused(servers: Servers, tmp_path: Path) -> None:
    plain = servers(lambda _: CSV)
    tls, cert = self_signed(tmp_path)
    secure = servers(redirecting_to(f"{plain.url}/data.csv"), tls=tls)
    session = trusting(cert)
    http = HttpClient(
        secure.url, retries=0, session=session, allowed_redirect_hosts=[f"127.0.0.1:{plain.port}"]
    )
    with pytest.raises(SourceError, match="from https to http"):
        http.get("data.csv")
    assert len(secure.seen) == 1 and plain.seen == []


def test_https_on_the_same_origin_is_followed(servers: Servers, tmp_path: Path) -> None:
    tls, cert = self_signed(tmp_path)
    secure = servers(
        lambda h: CSV if h.path == "/b.csv" else (307, {"Location": "/b.csv"}, b""), tls=tls
    )
    session = trusting(cert)
    assert HttpClient(secure.url, retries=0, session=session).get("a.csv").content == b"a\n1\n"


def test_the_connections_own_loopback_host_is_allowed(servers: Servers) -> None:
    api = servers(lambda _: CSV)
    # No redirect: the own host is never checked, even when it is 127.0.0.1.
    assert HttpClient(api.url, retries=0).get("x.csv").status == 200


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.18.0.5",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fd00::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ],
)
def test_non_global_addresses_are_forbidden(address: str) -> None:
    assert forbidden_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "103.10.10.10", "2606:4700::1111"])
def test_global_addresses_are_allowed(address: str) -> None:
    assert not forbidden_address(address)


def test_resolution_is_what_is_checked() -> None:
    """A public-looking name that resolves to a private address is refused."""

    def resolve(host: str, port: int | None, **_: object) -> list[tuple]:
        return [(2, 1, 6, "", ("10.0.0.7", port or 80))]

    egress = Egress.for_connection("https://agency.example.go.id")
    egress = Egress(egress.own_host, egress.own_origin, egress.allowed, resolve=resolve)
    with pytest.raises(SourceError, match="files.example.com resolves to 10.0.0.7"):
        egress.check_address("https://files.example.com/x", start="https://agency.example.go.id/")
    egress.check_address("https://agency.example.go.id/x", start="https://agency.example.go.id/")


def test_allow_list_entries_are_read_from_a_uri_connection_string() -> None:
    egress = Egress.for_connection("http://a.example", "cdn.example, files.example:8443")
    assert egress.allowed == {("cdn.example", None), ("files.example", 8443)}
    egress.check_redirect(
        "http://a.example/x", "http://cdn.example:81/y", start="http://a.example/x"
    )
    with pytest.raises(SourceError, match="outside"):
        egress.check_redirect(
            "http://a.example/x", "https://files.example/y", start="http://a.example/x"
        )
