"""CKAN harvest: real DataStore responses (conformance) and the sample portal."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tangerang_hub.contracts import Source
from tangerang_hub.sources import get_hook
from tangerang_hub.sources.base import SourceError
from tangerang_hub.sources.ckan import ckan_result, datastore_page


def test_real_datastore_responses(recorded: Callable[[str], Any]) -> None:
    records, total, link = datastore_page(
        recorded("satudata/ckan_datastore_search_inhilkab_kelas_jalan.json")
    )
    assert len(records) == total == 7
    assert records[1]["Kelas Jalan"] == "Kelas II" and records[1]["2009"] == 166.6
    assert link is not None and "offset=100" in link
    records, total, _ = datastore_page(
        recorded("satudata/ckan_datastore_search_kaltimprov_retribusi.json")
    )
    assert len(records) == total == 3
    assert records[0]["Daftar Data"] == "Retribusi Jasa Umum"
    assert records[0]["2016"] == "6915012900"  # numbers kept as the portal's text


def test_ckan_error_envelope() -> None:
    failure = {"success": False, "error": {"__type": "Not Found Error", "message": "Not found"}}
    with pytest.raises(SourceError, match="Not Found Error: Not found"):
        ckan_result(failure, "package_show")


def test_sample_datastore_is_paged_to_the_end(agency: str) -> None:
    params = {
        "api_path": "satudata/api/3/action",
        "package": "indeks-pembangunan-manusia-kabupaten-kota-banten",
        "page_size": 10,
    }
    batch = get_hook(Source("ckan", "agency_sample", params)).fetch()
    rows = batch.records
    assert rows is not None and len(rows) == 48 and batch.meta["pages"] == 5
    assert "_id" not in rows[0]
    assert {r["kode_wilayah"] for r in rows if r["nama_wilayah"] == "Kota Tangerang"} == {"36.71"}


def test_sample_total_row_can_be_excluded(agency: str) -> None:
    params = {
        "api_path": "satudata/api/3/action",
        "package": "tingkat-pengangguran-terbuka-kabupaten-kota-banten",
        "exclude": {"Kabupaten/Kota": "^jumlah"},
    }
    rows = get_hook(Source("ckan", "agency_sample", params)).fetch().records
    assert rows is not None and len(rows) == 8


def test_sample_catalogue_of_an_organization(agency: str) -> None:
    params = {"api_path": "satudata/api/3/action", "organization": "bappeda-banten"}
    rows = get_hook(Source("ckan", "agency_sample", params)).fetch().records
    assert rows is not None and len(rows) == 1
    assert rows[0]["organisasi"] == "bappeda-banten" and rows[0]["datastore_active"] is True


def test_sample_unknown_package(agency: str) -> None:
    params = {"api_path": "satudata/api/3/action", "package": "tidak-ada"}
    with pytest.raises(SourceError, match="package_show failed: Not Found Error"):
        get_hook(Source("ckan", "agency_sample", params)).fetch()


def test_portal_error_messages_are_masked(servers, monkeypatch: pytest.MonkeyPatch) -> None:
    error = {"__type": "Validation Error", "message": "NIK 3671012345678901 HP 081234567890"}
    body = json.dumps({"success": False, "error": error}).encode()
    site = servers(lambda _: (409, {"Content-Type": "application/json"}, body))
    monkeypatch.setenv("AIRFLOW_CONN_PORTAL_UJI", f"http://bot:tok-123@127.0.0.1:{site.port}")
    hook = get_hook(Source("ckan", "portal_uji", {"resource_id": "r1"}))
    with pytest.raises(SourceError, match="Validation Error") as caught:
        hook.fetch()
    assert "3671012345678901" not in str(caught.value) and "081234567890" not in str(caught.value)
    # The token is CKAN's bare Authorization header, implied by the password.
    assert site.seen[0]["headers"]["Authorization"] == "tok-123"
