"""BMKG replay: forecast per adm4 (api.bmkg.go.id/publik) and earthquake feeds (TEWS)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import wilayah
from replies import Reply, first, json_reply

FORECAST = "/bmkg/publik/prakiraan-cuaca"
TEWS = "/bmkg/DataMKG/TEWS/"
ANALYSIS = datetime(2025, 6, 2, 0, 0, tzinfo=UTC)
WIB = timezone(timedelta(hours=7))
ICON = "https://api-apps.bmkg.go.id/storage/icon/cuaca/{}-{}.svg"
WEATHER = [
    (1, "Cerah", "Sunny"),
    (2, "Cerah Berawan", "Partly Cloudy"),
    (3, "Berawan", "Mostly Cloudy"),
    (4, "Berawan Tebal", "Overcast"),
    (61, "Hujan Ringan", "Light Rain"),
    (63, "Hujan Sedang", "Moderate Rain"),
    (95, "Hujan Petir", "Thunderstorm"),
]
COMPASS = ["N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
           "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"]  # fmt: skip
MONTHS_ID = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def _lokasi(unit: wilayah.Unit) -> dict[str, object]:
    kec = wilayah.by_code(unit.parent)
    lat, lon = unit.position
    return {
        "adm1": "36",
        "adm2": "36.71",
        "adm3": unit.parent,
        "adm4": unit.kemendagri_code,
        "provinsi": "Banten",
        "kotkab": "Kota Tangerang",
        "kecamatan": kec.name if kec else "",
        "desa": unit.name,
        "lon": lon,
        "lat": lat,
    }


def _entry(code: str, moment: datetime) -> dict[str, object]:
    rng = random.Random(f"bmkg:{code}:{moment.isoformat()}")
    local = moment.astimezone(WIB)
    night = local.hour >= 18 or local.hour < 6
    afternoon = 12 <= local.hour <= 18
    weather = rng.choice(WEATHER[3:] if afternoon and rng.random() < 0.5 else WEATHER[:4])
    deg = rng.randrange(0, 360)
    wd = COMPASS[round(deg / 22.5) % 16]
    hours = int((moment - ANALYSIS).total_seconds() // 3600)
    vs = rng.randrange(6000, 10500)
    return {
        "datetime": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "t": rng.randrange(24, 28) if night else rng.randrange(28, 34),
        "tcc": rng.randrange(10, 100),
        "tp": round(rng.uniform(0.5, 12.0), 1) if weather[0] >= 61 else 0,
        "weather": weather[0],
        "weather_desc": weather[1],
        "weather_desc_en": weather[2],
        "wd_deg": deg,
        "wd": wd,
        "wd_to": COMPASS[(COMPASS.index(wd) + 8) % 16],
        "ws": round(rng.uniform(2.0, 22.0), 1),
        "hu": rng.randrange(60, 96),
        "vs": vs,
        "vs_text": "> 10 km" if vs > 10000 else "< 10 km" if vs > 8000 else "< 8 km",
        "time_index": f"{hours - 3}-{hours}",
        "analysis_date": ANALYSIS.strftime("%Y-%m-%dT%H:%M:%S"),
        "image": ICON.format(weather[1].lower(), "pm" if night else "am"),
        "utc_datetime": moment.strftime("%Y-%m-%d %H:%M:%S"),
        "local_datetime": local.strftime("%Y-%m-%d %H:%M:%S"),
    }


def forecast(adm4: str) -> Reply:
    unit = wilayah.by_code(adm4)
    if unit is None or unit.level != "kelurahan":
        return json_reply({"message": f"Data tidak ditemukan untuk kode wilayah {adm4}"}, 404)
    days: dict[str, list[dict[str, object]]] = {}
    # 3-hourly from the analysis time to the end of the third local day, grouped by local date.
    moment = ANALYSIS
    last_day = (ANALYSIS.astimezone(WIB) + timedelta(days=2)).date()
    while moment.astimezone(WIB).date() <= last_day:
        days.setdefault(moment.astimezone(WIB).date().isoformat(), []).append(_entry(adm4, moment))
        moment += timedelta(hours=3)
    lokasi = _lokasi(unit)
    return json_reply(
        {
            "lokasi": {**lokasi, "timezone": "Asia/Jakarta"},
            "data": [
                {
                    "lokasi": {**lokasi, "timezone": "+0700", "type": "adm4"},
                    "cuaca": list(days.values()),
                }
            ],
        }
    )


def _quake(index: int) -> dict[str, str]:
    rng = random.Random(f"bmkg:gempa:{index}")
    when = datetime(2025, 6, 1, 21, 14, 5, tzinfo=UTC) - timedelta(
        hours=index * 19 + rng.randrange(0, 17), minutes=rng.randrange(0, 60)
    )
    if index % 3 == 0:  # Selat Sunda / south of Banten, felt in Tangerang
        lat, lon = -7.0 - rng.uniform(0, 0.9), 105.2 + rng.uniform(0, 1.2)
        region = f"{rng.randrange(20, 90)} km BaratDaya LEBAK-BANTEN"
    else:
        lat, lon = rng.uniform(-10.5, 4.5), rng.uniform(95.5, 140.0)
        region = (
            f"{rng.randrange(10, 150)} km {rng.choice(['Tenggara', 'BaratLaut'])} "
            + rng.choice(
                ["MALUKUTENGAH-MALUKU", "SUMBA-NTT", "MELONGUANE-SULUT", "KEPULAUANMENTAWAI-SUMBAR"]
            )
        )
    local = when.astimezone(WIB)
    return {
        "Tanggal": f"{local.day:02d} {MONTHS_ID[local.month - 1]} {local.year}",
        "Jam": local.strftime("%H:%M:%S") + " WIB",
        "DateTime": when.isoformat(),
        "Coordinates": f"{lat:.2f},{lon:.2f}",
        "Lintang": f"{abs(lat):.2f} {'LS' if lat < 0 else 'LU'}",
        "Bujur": f"{lon:.2f} BT",
        "Magnitude": f"{rng.uniform(4.0, 6.2):.1f}",
        "Kedalaman": f"{rng.randrange(8, 120)} km",
        "Wilayah": region,
        "Potensi": "Tidak berpotensi tsunami",
    }


def quakes(name: str) -> Reply | None:
    if name == "autogempa.json":
        latest = _quake(0)
        latest["Dirasakan"] = "III Lebak, II-III Pandeglang, II Kota Tangerang"
        latest["Shakemap"] = latest["DateTime"][:19].replace("-", "").replace(":", "")
        latest["Shakemap"] = latest["Shakemap"].replace("T", "") + ".mmi.jpg"
        return json_reply({"Infogempa": {"gempa": latest}})
    if name == "gempaterkini.json":
        return json_reply({"Infogempa": {"gempa": [_quake(i) for i in range(15)]}})
    return None


def handle(path: str, query: dict[str, list[str]]) -> Reply | None:
    if path.rstrip("/") == FORECAST:
        adm4 = first(query, "adm4")
        if not adm4:
            return json_reply({"message": "Parameter adm4 wajib diisi"}, 400)
        return forecast(adm4)
    if path.startswith(TEWS):
        return quakes(path[len(TEWS) :])
    return None
