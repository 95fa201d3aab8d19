"""Every credential style from one module, each secret on the redaction list."""

from __future__ import annotations

from typing import Any

import pytest

from tangerang_hub.auth import PATH_SECRET, ckan_secret, ckan_token, credentials
from tangerang_hub.connections import ConnectionInfo
from tangerang_hub.http_client import HttpClient
from tangerang_hub.sources.base import SourceError

SECRET = "s3cret/+="


def conn(extra: dict[str, Any] | None = None, **fields: Any) -> ConnectionInfo:
    return ConnectionInfo(conn_id="uji", host="api.example", **fields, extra=extra or {})


@pytest.mark.parametrize(
    ("extra", "headers", "query", "path"),
    [
        ({"auth": "bearer"}, {"Authorization": f"Bearer {SECRET}"}, {}, None),
        ({"auth": "ckan"}, {"Authorization": SECRET}, {}, None),
        ({"auth": "header"}, {"X-API-Key": SECRET}, {}, None),
        ({"auth": "header", "auth_header": "X-Dinas-Auth"}, {"X-Dinas-Auth": SECRET}, {}, None),
        ({"auth": "query"}, {}, {"api_key": SECRET}, None),
        ({"auth": "query", "auth_param": "kunci"}, {}, {"kunci": SECRET}, None),
        ({"auth": "path"}, {}, {}, SECRET),
    ],
    ids=["bearer", "ckan", "header", "header-named", "query", "query-named", "path"],
)
def test_each_style_and_its_secret(extra, headers, query, path) -> None:
    creds = credentials(conn(extra, password=SECRET))
    assert (creds.headers, creds.query, creds.path_secret) == (headers, query, path)
    assert creds.secrets == (SECRET,)


def test_basic_auth_and_static_headers() -> None:
    creds = credentials(
        conn({"auth": "basic", "headers": {"Accept": "text/csv"}}, login="hub", password=SECRET)
    )
    assert creds.basic == ("hub", SECRET) and creds.headers == {"Accept": "text/csv"}
    assert creds.secrets == (SECRET,)


def test_token_wins_over_password_and_implies_bearer() -> None:
    creds = credentials(conn({"token": "tok"}, password="pw"))
    assert creds.headers == {"Authorization": "Bearer tok"} and creds.secrets == ("tok",)
    assert credentials(conn(password="pw")).headers == {}  # a bare password implies nothing


def test_implied_style_needs_a_secret() -> None:
    assert credentials(conn(password="pw"), implied="ckan").headers == {"Authorization": "pw"}
    assert credentials(conn(), implied="ckan").headers == {}
    assert credentials(conn({"auth": "none"}, password="pw"), implied="ckan").headers == {}


def test_errors_name_the_connection() -> None:
    with pytest.raises(SourceError, match="'uji' uses path auth but has no password"):
        credentials(conn(), "path")
    with pytest.raises(SourceError, match="unknown auth style 'kerberos'"):
        credentials(conn(password="pw"), "kerberos")
    with pytest.raises(SourceError, match="basic auth needs login and password"):
        credentials(conn(password="pw"), "basic")


def test_ckan_helpers() -> None:
    assert ckan_token(None).headers == {} and ckan_token("t").secrets == ("t",)
    assert ckan_secret(conn({"token": "t"}, password="p")) == "t"
    assert ckan_secret(conn()) is None


def test_the_client_masks_every_secret_including_a_custom_header() -> None:
    creds = credentials(conn({"auth": "header", "auth_header": "X-Dinas"}, password=SECRET))
    http = HttpClient("http://api.example", **creds.client_kwargs())
    assert SECRET not in http.clean(f"failed with {SECRET}")
    path = HttpClient(
        "http://api.example", **credentials(conn(password=SECRET), "path").client_kwargs()
    )
    assert (
        path.public_url(f"http://api.example/key/{PATH_SECRET}/") == "http://api.example/key/***/"
    )
