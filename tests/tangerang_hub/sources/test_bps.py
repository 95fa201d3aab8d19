"""BPS WebAPI: real recorded payloads (conformance) and the sample server."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tangerang_hub import reference
from tangerang_hub.contracts import Source
from tangerang_hub.sources import get_hook
from tangerang_hub.sources.bps import (
    BpsError,
    BpsHook,
    check_status,
    decode_datacontent,
    list_items,
    th_codes,
    year_of,
)


def test_real_population_table_decodes_to_one_row_per_year(recorded: Callable[[str], Any]) -> None:
    payload = recorded("bps/data_var31_domain7315_pinrang.json")
    rows = decode_datacontent(payload)
    assert len(rows) == len(payload["datacontent"]) == 23
    assert [r["tahun"] for r in rows] == list(range(1999, 2022))
    first = rows[0]
    assert first["wilayah_kode"] == "7315" and first["wilayah"] == "Pinrang"
    assert first["variabel"] == "Jumlah Penduduk" and first["satuan"] == "Jiwa"
    assert first["nilai"] == payload["datacontent"]["7315310990"]
    assert rows[-1]["nilai"] == payload["datacontent"]["73153101210"]
    assert first["kode_kemendagri"] is None  # not a Kota Tangerang code


def test_real_monthly_table_with_two_regions(recorded: Callable[[str], Any]) -> None:
    payload = recorded("bps/data_var218_domain8100_inflasi_ytd_monthly.json")
    rows = decode_datacontent(payload)
    assert len(rows) == len(payload["datacontent"]) == 56
    assert {r["wilayah"] for r in rows} == {"Ambon", "Tual"}
    ambon_jan_2017 = next(
        r
        for r in rows
        if r["wilayah"] == "Ambon" and r["tahun"] == 2017 and r["periode"] == "Januari"
    )
    assert ambon_jan_2017["nilai"] == payload["datacontent"]["121801171"] == 0.28
    assert ambon_jan_2017["turvar_kode"] == "0"  # "0" as a string in this payload
    assert {r["periode_kode"] for r in rows} <= {str(m) for m in range(1, 14)}


def test_real_list_and_error_fixtures(recorded: Callable[[str], Any]) -> None:
    info, items = list_items(recorded("bps/list_var_domain0000_fixture.json"), "var")
    assert info["pages"] == 51 and info["total"] == 501 and len(items) == 10
    assert all("var_id" in item for item in items)
    errors = recorded("bps/errors_and_unavailable_fixtures.json")
    with pytest.raises(BpsError, match="There is something wrong"):
        check_status(errors["error_fixture"], "x")
    with pytest.raises(BpsError, match="no data"):
        check_status(errors["unavailable_fixture"], "x")
    with pytest.raises(BpsError, match="list-not-available"):
        check_status(errors["list_unavailable_fixture"], "x")


def test_year_codes() -> None:
    assert th_codes([2019, 2024]) == "119:124"
    assert th_codes([2020]) == "120"
    assert th_codes([2024, 2020]) == "124;120"
    assert year_of(122) == 2022
    assert year_of(99, "1999") == 1999


def test_ambiguous_keys_are_refused() -> None:
    payload = {
        "status": "OK",
        "data-availability": "available",
        "vervar": [{"val": 1, "label": "a"}, {"val": 11, "label": "b"}],
        "var": [{"val": 1, "label": "v"}, {"val": 11, "label": "w"}],
        "turvar": [{"val": 0, "label": "-"}],
        "tahun": [{"val": 120, "label": "2020"}],
        "turtahun": [{"val": 0, "label": "Tahun"}],
        "datacontent": {},
    }
    with pytest.raises(BpsError, match="ambiguous"):
        decode_datacontent(payload)


def hook(**params: object) -> BpsHook:
    base = {"api_path": "bps/v1/api", "domain": "3671"}
    found = get_hook(Source("bps", "agency_sample", {**base, **params}))
    assert isinstance(found, BpsHook)
    return found


def test_sample_population_maps_bps_codes_to_kemendagri(agency: str) -> None:
    batch = hook(var=31, years=[2023, 2024]).fetch()
    rows = batch.records
    assert rows is not None and len(rows) == 13 * 2
    assert {r["tahun"] for r in rows} == {2023, 2024}
    assert {r["kode_kemendagri"] for r in rows} == set(reference.kecamatan_codes())
    ciledug = next(r for r in rows if r["wilayah_kode"] == "3671010")
    assert ciledug["kode_kemendagri"] == "36.71.06"
    assert all(isinstance(r["nilai"], int) and r["nilai"] > 50_000 for r in rows)
    assert "sample-key" not in (batch.source_url or "")


def test_sample_turvar_rows(agency: str) -> None:
    rows = hook(var=32, years=[2024]).fetch().records
    assert rows is not None and len(rows) == 26
    assert {r["turvar"] for r in rows} == {"Laki-laki", "Perempuan"}


def test_sample_list_model_is_paged(agency: str) -> None:
    batch = hook(model="var", perpage=10).fetch()
    assert batch.meta["pages"] == 3
    assert batch.records is not None and len(batch.records) == 25
    assert len({r["var_id"] for r in batch.records}) == 25


def test_sample_errors_are_clear(agency: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BpsError, match="no data for var 9999"):
        hook(var=9999).fetch()
    host = agency.removeprefix("http://")
    monkeypatch.setenv("AIRFLOW_CONN_AGENCY_SAMPLE", f"http://hub:invalid-key@{host}")
    with pytest.raises(BpsError, match="rejected the API key") as caught:
        hook(var=31).fetch()
    assert "invalid-key" not in str(caught.value)
    monkeypatch.setenv("AIRFLOW_CONN_AGENCY_SAMPLE", f"http://hub:quota-key@{host}")
    with pytest.raises(BpsError, match="quota"):
        hook(var=31).fetch()
    monkeypatch.setenv("AIRFLOW_CONN_AGENCY_SAMPLE", f"http://{host}")
    with pytest.raises(Exception, match="no password"):
        hook(var=31).fetch()


def test_test_connection(agency: str) -> None:
    ok, message = hook().test_connection()
    assert ok, message


def test_bps_messages_mask_identifiers_and_the_key(servers, monkeypatch: pytest.MonkeyPatch):
    key = "bps-key-9876"
    message = f"Key {key} invalid for NIK 3671012345678901, HP 081234567890"
    body = json.dumps({"status": "Error", "message": message}).encode()
    site = servers(lambda _: (400, {"Content-Type": "application/json"}, body))
    monkeypatch.setenv("AIRFLOW_CONN_BPS_UJI", f"http://hub:{key}@127.0.0.1:{site.port}")
    with pytest.raises(BpsError, match="rejected the API key") as caught:
        BpsHook("bps_uji", {"var": 31}).fetch()
    shown = str(caught.value)
    assert key not in shown and "3671012345678901" not in shown and "081234567890" not in shown
    # The key went to BPS itself, as the `key` path segment.
    assert site.seen[0]["path"].endswith(f"/key/{key}/")


def test_the_key_segment_stays_on_bps_origin(servers, monkeypatch: pytest.MonkeyPatch):
    key = "bps-key-9876"
    payload = {"status": "OK", "data-availability": "available", "data": [{"pages": 1}, []]}
    site = servers(
        lambda _: (200, {"Content-Type": "application/json"}, json.dumps(payload).encode())
    )
    monkeypatch.setenv("AIRFLOW_CONN_BPS_UJI", f"http://hub:{key}@127.0.0.1:{site.port}")
    batch = BpsHook("bps_uji", {"model": "subject"}).fetch()
    assert key not in (batch.source_url or "") and "/key/***/" in (batch.source_url or "")
    assert site.seen[0]["path"].endswith(f"/key/{key}/")
