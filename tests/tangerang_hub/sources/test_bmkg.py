"""BMKG: real forecast and earthquake payloads (conformance) and the sample server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tangerang_hub import reference
from tangerang_hub.contracts import Source
from tangerang_hub.sources import get_hook
from tangerang_hub.sources.base import SourceError
from tangerang_hub.sources.bmkg import (
    CENTRE_LAT,
    CENTRE_LON,
    forecast_rows,
    haversine_km,
    quake_rows,
)


def test_real_forecast_flattens_the_list_of_days(recorded: Callable[[str], Any]) -> None:
    payload = recorded("bmkg/prakiraan-cuaca_adm4_32.01.02.2003_20241214.json")
    days = payload["data"][0]["cuaca"]
    rows = forecast_rows(payload)
    assert len(rows) == sum(len(day) for day in days) == 22
    assert [r["hari_ke"] for r in rows].count(1) == len(days[0])
    first = rows[0]
    assert first["kelurahan_kode"] == "32.01.02.2003" and first["kelurahan"] == "Ciangsana"
    assert first["waktu_lokal"] == "2024-12-14 07:00:00"
    assert (first["suhu_c"], first["curah_hujan_mm"], first["cuaca"]) == (25, 7.5, "Hujan Ringan")
    assert rows[-1]["hari_ke"] == 3


def test_real_quake_feeds(recorded: Callable[[str], Any]) -> None:
    latest = quake_rows(recorded("bmkg/autogempa_20220523.json"), "autogempa")
    assert len(latest) == 1
    quake = latest[0]
    assert (quake["lintang"], quake["bujur"], quake["magnitudo"], quake["kedalaman_km"]) == (
        -4.61,
        102.75,
        4.9,
        41.0,
    )
    assert quake["dirasakan"].startswith("IV Manna")
    # Bengkulu Selatan is roughly 500 km from Kota Tangerang.
    assert 450 < quake["jarak_km"] < 550
    recent = quake_rows(recorded("bmkg/gempaterkini_20230712.json"), "gempaterkini")
    assert len(recent) == 15
    assert recent[0]["waktu"] == "2023-07-12T08:39:35+00:00"
    assert all(r["jarak_km"] > 0 for r in recent)


def test_haversine() -> None:
    assert haversine_km(CENTRE_LAT, CENTRE_LON, CENTRE_LAT, CENTRE_LON) == 0
    # Kota Tangerang centre to Monas, Jakarta: about 22 km.
    assert 18 < haversine_km(CENTRE_LAT, CENTRE_LON, -6.1754, 106.8272) < 24
    with pytest.raises(SourceError, match="list of lists"):
        forecast_rows({"data": [{"lokasi": {"adm4": "x"}, "cuaca": [{"t": 1}]}]})


def test_sample_forecast_for_all_104_kelurahan(agency: str) -> None:
    source = Source(
        "bmkg_forecast", "agency_sample", {"path": "bmkg/publik/prakiraan-cuaca", "min_interval": 0}
    )
    batch = get_hook(source).fetch()
    rows = batch.records
    assert rows is not None and batch.meta["locations"] == 104
    assert {r["kelurahan_kode"] for r in rows} == set(reference.kelurahan_codes())
    per_kelurahan = len(rows) // 104
    assert len(rows) == 104 * per_kelurahan and per_kelurahan >= 16
    assert all(r["kecamatan_kode"] == r["kelurahan_kode"][:8] for r in rows)


def test_sample_quakes_are_deduplicated_and_measured(agency: str) -> None:
    source = Source("bmkg_quake", "agency_sample", {"path": "bmkg/DataMKG/TEWS"})
    rows = get_hook(source).fetch().records
    assert rows is not None and len(rows) == 15  # the latest is also among the 15 recent
    assert rows[0]["dirasakan"]  # kept from autogempa
    assert [r["waktu"] for r in rows] == sorted((r["waktu"] for r in rows), reverse=True)
    assert min(r["jarak_km"] for r in rows) < 300  # the Banten quakes
