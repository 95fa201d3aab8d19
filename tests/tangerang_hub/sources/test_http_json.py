"""http_json: every paging style, record paths, flattening and auth, on the sample API."""

from __future__ import annotations

import json

import pytest

from tangerang_hub.contracts import Source
from tangerang_hub.sources import get_hook
from tangerang_hub.sources.base import SourceError


def fetch(params: dict[str, object]) -> list[dict[str, object]]:
    records = get_hook(Source("http_json", "agency_sample", params)).fetch().records
    assert records is not None
    return records


def test_page_style_reads_every_page(agency: str) -> None:
    records = fetch(
        {
            "path": "aspirasi/api/v1/aduan",
            "records": "data",
            "pagination": {"style": "page", "size": 500, "last_page": "meta.last_page"},
        }
    )
    assert len(records) == 2400 and len({r["id"] for r in records}) == 2400
    assert {"kategori_kode", "lokasi_kecamatan_kode"} <= set(records[0])


def test_next_link_style(agency: str) -> None:
    records = fetch(
        {
            "path": "aspirasi/api/v1/aduan",
            "query": {"per_page": 400},
            "pagination": {"style": "next", "next": "links.next"},
        }
    )
    assert len(records) == 2400


def test_cursor_style_with_nested_record_path(agency: str) -> None:
    records = fetch(
        {
            "path": "aspirasi/api/v1/rekap",
            "records": "result.items",
            "pagination": {
                "style": "cursor",
                "next": "next_cursor",
                "size_param": "limit",
                "size": 300,
            },
        }
    )
    assert len(records) == 12 * 13 * 10
    assert sum(int(r["jumlah_aduan"]) for r in records) == 2400  # type: ignore[call-overload]


def test_offset_style_and_renames(agency: str) -> None:
    records = fetch(
        {
            "path": "aspirasi/api/v1/kategori",
            "records": "items",
            "pagination": {"style": "offset", "size": 3, "total": "total"},
            "columns": {"nama": "kategori"},
        }
    )
    assert len(records) == 10 and records[0]["kategori"] == "Infrastruktur Jalan"


def test_bearer_token_from_the_connection(agency: str, monkeypatch: pytest.MonkeyPatch) -> None:
    params = {"path": "aspirasi/api/private/kategori", "records": "items"}
    with pytest.raises(SourceError, match="401"):
        fetch(params)
    host, port = agency.removeprefix("http://").split(":")
    conn = {"conn_type": "http", "host": host, "port": port, "extra": {"token": "sample-token"}}
    monkeypatch.setenv("AIRFLOW_CONN_AGENCY_SAMPLE", json.dumps(conn))
    assert len(fetch(params)) == 5


def test_truncated_json_fails_with_nothing_returned(agency: str) -> None:
    with pytest.raises(SourceError, match="truncated"):
        fetch({"path": "test/truncated.json"})


def test_429_then_200_through_a_hook(agency: str) -> None:
    records = fetch({"path": "test/retry-once", "query": {"id": "hook-429"}, "retries": 2})
    assert [r["id"] for r in records] == [1, 2]


def test_missing_record_path_is_clear(agency: str) -> None:
    with pytest.raises(SourceError, match="no list of records at 'nope'"):
        fetch({"path": "aspirasi/api/v1/kategori", "records": "nope"})
