"""BMKG open data: the forecast per kelurahan (adm4) and the earthquake feeds.

Forecast ``params``: ``path`` (``publik/prakiraan-cuaca``), ``adm4`` (list; default all
kelurahan of Kota Tangerang from the reference table), ``min_interval`` seconds between
requests (1.0; BMKG allows about 60 requests a minute).
Quake ``params``: ``path`` (``DataMKG/TEWS``), ``feeds`` (``[autogempa, gempaterkini]``).
No API key; the connection only gives the host.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from typing import Any

from tangerang_hub.http_client import HttpClient, client_for
from tangerang_hub.sources.base import RawBatch, SourceError, SourceHook
from tangerang_hub.sources.records import shape
from tangerang_quality.masking import mask_identifiers
from tangerang_quality.texts import say

# Centre of the Kota Tangerang bounding box (shared/reference/SOURCES.md).
CENTRE_LAT = (-6.257 + -6.094) / 2
CENTRE_LON = (106.551 + 106.752) / 2
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def forecast_rows(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Tidy rows from one ``prakiraan-cuaca`` response: one row per location and time.

    ``cuaca`` is a list of lists, one inner list per local day.
    """
    blocks = payload.get("data") if isinstance(payload, Mapping) else None
    if not isinstance(blocks, list) or not blocks:
        raise SourceError(
            say(
                "jawaban prakiraan cuaca BMKG tidak memuat daftar 'data'",
                "BMKG forecast response has no 'data' list",
            )
        )
    rows = []
    for block in blocks:
        lokasi = block.get("lokasi") or payload.get("lokasi") or {}
        days = block.get("cuaca")
        if not isinstance(days, list) or not all(isinstance(d, list) for d in days):
            raise SourceError(
                say(
                    "prakiraan cuaca BMKG untuk {adm4}: 'cuaca' bukan daftar berisi daftar",
                    "BMKG forecast for {adm4}: 'cuaca' is not a list of lists",
                    adm4=lokasi.get("adm4"),
                )
            )
        for day_index, day in enumerate(days, 1):
            for entry in day:
                rows.append(
                    {
                        "kecamatan_kode": lokasi.get("adm3"),
                        "kelurahan_kode": lokasi.get("adm4"),
                        "kelurahan": lokasi.get("desa"),
                        "hari_ke": day_index,
                        "waktu_lokal": entry.get("local_datetime"),
                        "waktu_utc": entry.get("utc_datetime") or entry.get("datetime"),
                        "waktu_analisis": entry.get("analysis_date"),
                        "suhu_c": entry.get("t"),
                        "kelembapan_persen": entry.get("hu"),
                        "tutupan_awan_persen": entry.get("tcc"),
                        "curah_hujan_mm": entry.get("tp"),
                        "kode_cuaca": entry.get("weather"),
                        "cuaca": entry.get("weather_desc"),
                        "cuaca_en": entry.get("weather_desc_en"),
                        "arah_angin": entry.get("wd"),
                        "arah_angin_derajat": entry.get("wd_deg"),
                        "kecepatan_angin_kmj": entry.get("ws"),
                        "jarak_pandang_m": entry.get("vs"),
                        "jarak_pandang": entry.get("vs_text"),
                    }
                )
    return rows


def _number(text: Any, suffix: str = "") -> float | None:
    if text is None:
        return None
    cleaned = str(text).replace(suffix, "").strip()
    try:
        return float(cleaned)
    except ValueError:
        return None


def quake_rows(payload: Mapping[str, Any], feed: str) -> list[dict[str, Any]]:
    """Rows from ``{"Infogempa": {"gempa": X}}``; X is an object (autogempa) or a list."""
    try:
        gempa = payload["Infogempa"]["gempa"]
    except (KeyError, TypeError):
        raise SourceError(
            say(
                "BMKG {feed}: jawaban tidak memuat Infogempa.gempa",
                "BMKG {feed}: no Infogempa.gempa in the response",
                feed=feed,
            )
        ) from None
    items = [gempa] if isinstance(gempa, Mapping) else gempa
    if not isinstance(items, list):
        raise SourceError(
            say(
                "BMKG {feed}: Infogempa.gempa bukan objek dan bukan daftar",
                "BMKG {feed}: Infogempa.gempa is neither an object nor a list",
                feed=feed,
            )
        )
    rows = []
    for item in items:
        try:
            lat_text, lon_text = str(item["Coordinates"]).split(",")
            lat, lon = float(lat_text), float(lon_text)
        except (KeyError, ValueError):
            shown = mask_identifiers(f"{item!r:.120}")
            raise SourceError(
                say(
                    "BMKG {feed}: nilai Coordinates tidak sesuai dalam {shown}",
                    "BMKG {feed}: bad Coordinates in {shown}",
                    feed=feed,
                    shown=shown,
                )
            ) from None
        rows.append(
            {
                "waktu": item.get("DateTime"),
                "tanggal": item.get("Tanggal"),
                "jam": item.get("Jam"),
                "lintang": lat,
                "bujur": lon,
                "magnitudo": _number(item.get("Magnitude")),
                "kedalaman_km": _number(item.get("Kedalaman"), "km"),
                "wilayah": item.get("Wilayah"),
                "potensi": item.get("Potensi"),
                "dirasakan": item.get("Dirasakan"),
                "jarak_km": round(haversine_km(CENTRE_LAT, CENTRE_LON, lat, lon), 1),
                "feed": feed,
            }
        )
    return rows


class BmkgForecastHook(SourceHook):
    conn_type = "http"
    hook_name = "BMKG prakiraan cuaca"
    source_type = "bmkg_forecast"
    default_conn_name = "bmkg_api"

    def get_conn(self) -> HttpClient:
        return client_for(self.connection, self.params, auth="none")

    def codes(self) -> list[str]:
        chosen = self.param("adm4")
        if chosen:
            return [chosen] if isinstance(chosen, str) else [str(c) for c in chosen]
        from tangerang_hub.reference import kelurahan_codes

        return sorted(kelurahan_codes())

    def fetch(self, *, state: Mapping[str, Any] | None = None, since: Any = None) -> RawBatch:
        client = self.get_conn()
        path = self.param("path", "publik/prakiraan-cuaca")
        interval = float(self.param("min_interval", 1.0))
        rows: list[dict[str, Any]] = []
        codes = self.codes()
        for index, code in enumerate(codes):
            if index and interval:
                time.sleep(interval)
            payload = client.get_json(path, params={"adm4": code})
            found = forecast_rows(payload)
            if not found:
                raise SourceError(
                    say(
                        "BMKG tidak mengirim prakiraan cuaca untuk adm4 {code}",
                        "BMKG returned no forecast entries for adm4 {code}",
                        code=code,
                    )
                )
            rows.extend(found)
        return RawBatch(
            records=shape(rows, self.params),
            content=None,
            filename="bmkg-prakiraan-cuaca.json",
            media_type="application/json",
            source_url=client.url(path),
            meta={"locations": len(codes), "records": len(rows)},
        )


class BmkgQuakeHook(SourceHook):
    conn_type = "http"
    hook_name = "BMKG gempabumi"
    source_type = "bmkg_quake"
    default_conn_name = "bmkg_data"

    def get_conn(self) -> HttpClient:
        return client_for(self.connection, self.params, auth="none")

    def fetch(self, *, state: Mapping[str, Any] | None = None, since: Any = None) -> RawBatch:
        client = self.get_conn()
        path = self.param("path", "DataMKG/TEWS").strip("/")
        feeds: Iterable[str] = self.param("feeds") or ["autogempa", "gempaterkini"]
        by_time: dict[Any, dict[str, Any]] = {}
        for feed in feeds:
            for row in quake_rows(client.get_json(f"{path}/{feed}.json"), feed):
                # The latest quake is usually also in the recent list: keep one row, the
                # richer autogempa one (it has Dirasakan).
                key = (row["waktu"], row["lintang"], row["bujur"])
                by_time.setdefault(key, row)
        rows = sorted(by_time.values(), key=lambda r: str(r["waktu"]), reverse=True)
        return RawBatch(
            records=shape(rows, self.params),
            content=None,
            filename="bmkg-gempa.json",
            media_type="application/json",
            source_url=client.url(path),
            meta={"records": len(rows)},
        )
