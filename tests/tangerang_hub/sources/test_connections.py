"""tangerang_hub.connections (kept here with the connectors that use it)."""

from __future__ import annotations

import json

import pytest

from tangerang_hub.connections import ConnectionInfo, ConnectionNotFoundError, get_connection


def test_uri_form_is_parsed_like_airflow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "AIRFLOW_CONN_BPS_WEBAPI", "https://user:s%40cret@webapi.bps.go.id:443/v1?lang=ind&x=1"
    )
    conn = get_connection("bps_webapi")
    assert (conn.conn_type, conn.host, conn.port, conn.schema) == (
        "https",
        "webapi.bps.go.id",
        443,
        "v1",
    )
    assert (conn.login, conn.password) == ("user", "s@cret")
    assert conn.extra == {"lang": "ind", "x": "1"}
    assert conn.base_url == "https://webapi.bps.go.id:443/v1"
    assert "s@cret" not in repr(conn)


def test_json_form_with_extra_object(monkeypatch: pytest.MonkeyPatch) -> None:
    value = {
        "conn_type": "http",
        "host": "127.0.0.1",
        "port": "8765",
        "password": "tok",
        "extra": {"auth": "bearer", "headers": {"Accept": "application/json"}},
    }
    monkeypatch.setenv("AIRFLOW_CONN_AGENCY_SAMPLE", json.dumps(value))
    conn = get_connection("agency_sample")
    assert conn.port == 8765
    assert conn.extra["auth"] == "bearer"
    assert conn.base_url == "http://127.0.0.1:8765"


def test_extra_escape_hatch(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = json.dumps({"headers": {"X-A": "b"}})
    monkeypatch.setenv("AIRFLOW_CONN_X", f"http://h/?__extra__={extra}")
    assert get_connection("x").extra == {"headers": {"X-A": "b"}}


def test_missing_connection_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_NOPE", raising=False)
    with pytest.raises(ConnectionNotFoundError, match="AIRFLOW_CONN_NOPE"):
        get_connection("nope")


@pytest.mark.parametrize(
    ("info", "url"),
    [
        (ConnectionInfo("a", "http", "example.org", None, "https"), "https://example.org"),
        (ConnectionInfo("a", "http", "https://example.org/", 8443), "https://example.org:8443"),
        (ConnectionInfo("a", None, "example.org", None, "api/v1"), "http://example.org/api/v1"),
    ],
)
def test_base_url(info: ConnectionInfo, url: str) -> None:
    assert info.base_url == url
