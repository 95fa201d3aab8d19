"""BPS WebAPI replay (webapi.bps.go.id/v1/api) for domain 3671, Kota Tangerang.

Speaks the path style ``list/model/{m}/lang/ind/domain/{d}/.../key/{KEY}/`` and the
query style ``list?model=...&key=...``. Keys starting with ``invalid`` are refused,
keys starting with ``quota`` hit the quota; any other non-empty key is accepted.
"""

from __future__ import annotations

import random
from typing import Any
from urllib.parse import unquote

import wilayah
from replies import Reply, json_reply

PREFIX = "/bps/v1/api/"
DOMAIN = "3671"
STATIC_DOWNLOAD = "https://tangerangkota.bps.go.id/statictable/downloadapi.html"
MODELS = {"subject", "var", "th", "vervar", "turvar", "turth", "statictable", "data"}

SUBJECTS = [
    (12, "Kependudukan", 1, "Sosial dan Kependudukan"),
    (13, "Kesehatan", 1, "Sosial dan Kependudukan"),
    (28, "Pendidikan", 1, "Sosial dan Kependudukan"),
    (6, "Tenaga Kerja", 1, "Sosial dan Kependudukan"),
    (23, "Kemiskinan dan Ketimpangan", 1, "Sosial dan Kependudukan"),
    (3, "Inflasi", 2, "Ekonomi dan Perdagangan"),
    (11, "Industri", 2, "Ekonomi dan Perdagangan"),
    (52, "Produk Domestik Regional Bruto", 2, "Ekonomi dan Perdagangan"),
    (17, "Transportasi", 2, "Ekonomi dan Perdagangan"),
    (153, "Geografi", 3, "Pertanian dan Pertambangan"),
    (26, "Lingkungan Hidup", 3, "Pertanian dan Pertambangan"),
    (40, "Pemerintahan", 1, "Sosial dan Kependudukan"),
]
SUBJECT_NAME = {sub_id: title for sub_id, title, _, _ in SUBJECTS}

# Base population per BPS kecamatan code, 2019 (plausible, not official).
POPULATION_2019 = {
    "3671010": 171_200, "3671011": 168_900, "3671012": 124_300, "3671020": 247_800,
    "3671021": 178_400, "3671030": 158_600, "3671031": 189_700, "3671040": 119_800,
    "3671041": 154_300, "3671042": 143_900, "3671050": 98_700, "3671051": 114_200,
    "3671060": 89_600,
}  # fmt: skip
YEARS = list(range(119, 125))  # 2019..2024
MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
    "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip


def _kecamatan_vervar() -> list[dict[str, Any]]:
    return [{"val": int(u.bps_code), "label": u.name} for u in wilayah.kecamatan()]


def _variables() -> list[dict[str, Any]]:
    """Variables of the domain; only 31, 32 and 45 have data."""
    known = [
        (31, "Jumlah Penduduk Menurut Kecamatan", 12, "Jiwa", 0),
        (32, "Jumlah Penduduk Menurut Kecamatan dan Jenis Kelamin", 12, "Jiwa", 3),
        (45, "Inflasi Bulanan (m-to-m) Kota Tangerang", 3, "Persen", 0),
    ]
    rng = random.Random("bps:vars")
    filler = [
        "Kepadatan Penduduk Menurut Kecamatan",
        "Rasio Jenis Kelamin Menurut Kecamatan",
        "Jumlah Rumah Tangga Menurut Kecamatan",
        "Jumlah Sekolah Dasar Menurut Kecamatan",
        "Jumlah Puskesmas Menurut Kecamatan",
        "Angka Partisipasi Sekolah",
        "Tingkat Pengangguran Terbuka",
        "Persentase Penduduk Miskin",
        "Garis Kemiskinan",
        "Indeks Pembangunan Manusia",
        "PDRB Atas Dasar Harga Berlaku Menurut Lapangan Usaha",
        "Laju Pertumbuhan PDRB",
        "Jumlah Kendaraan Bermotor",
        "Panjang Jalan Menurut Kondisi",
        "Luas Wilayah Menurut Kecamatan",
        "Volume Sampah Terangkut",
        "Jumlah Industri Besar dan Sedang",
        "Jumlah Tenaga Kesehatan",
        "Jumlah Kelurahan dan RW Menurut Kecamatan",
        "Curah Hujan Bulanan",
        "Inflasi Tahun Kalender (y-to-d) Kota Tangerang",
        "Inflasi Tahunan (y-on-y) Kota Tangerang",
    ]
    result = []
    for var_id, title, sub_id, unit, turvar in known:
        result.append(_var_item(var_id, title, sub_id, unit, turvar))
    for index, title in enumerate(filler):
        sub_id = rng.choice(SUBJECTS)[0]
        result.append(_var_item(100 + index, title, sub_id, rng.choice(["Unit", "Persen"]), 0))
    return result


def _var_item(var_id: int, title: str, sub_id: int, unit: str, turvar: int) -> dict[str, Any]:
    return {
        "var_id": var_id,
        "title": title,
        "sub_id": sub_id,
        "sub_name": SUBJECT_NAME[sub_id],
        "subcsa_id": 500 + sub_id,
        "subcsa_name": SUBJECT_NAME[sub_id],
        "def": "",
        "notes": "Sumber: BPS Kota Tangerang (data contoh)",
        "vertical": 1,
        "unit": unit,
        "graph_id": 1,
        "graph_name": "bar",
        "turth": 0,
        "turvar": turvar,
        "jenis": 1,
    }


def _statictables() -> list[dict[str, Any]]:
    titles = [
        ("Luas Wilayah Menurut Kecamatan di Kota Tangerang", 153),
        ("Jumlah Penduduk Menurut Kecamatan dan Jenis Kelamin di Kota Tangerang", 12),
        ("Jumlah Sekolah, Murid, dan Guru Menurut Kecamatan di Kota Tangerang", 28),
        ("Jumlah Fasilitas Kesehatan Menurut Kecamatan di Kota Tangerang", 13),
        ("Inflasi Bulanan Kota Tangerang", 3),
        ("PDRB Kota Tangerang Atas Dasar Harga Berlaku Menurut Lapangan Usaha", 52),
        ("Jumlah Kendaraan Bermotor Menurut Jenis di Kota Tangerang", 17),
        ("Banyaknya Industri Besar dan Sedang Menurut Kecamatan", 11),
        ("Tingkat Pengangguran Terbuka Kota Tangerang", 6),
        ("Volume Sampah Terangkut per Hari di Kota Tangerang", 26),
        ("Jumlah Kelurahan, RW dan RT Menurut Kecamatan", 40),
        ("Persentase Penduduk Miskin Kota Tangerang", 23),
    ]
    return [
        {
            "table_id": 100 + i,
            "title": f"{title} Tahun 2024",
            "subj_id": sub_id,
            "subj": SUBJECT_NAME[sub_id],
            "updt_date": f"2025-0{1 + i % 9}-1{i % 10}",
            "size": "0.03 MB",
            "excel": f"{STATIC_DOWNLOAD}?data=sample{100 + i}",
        }
        for i, (title, sub_id) in enumerate(titles)
    ]


def _parse(path: str, query: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    rest = path[len(PREFIX) :].strip("/")
    parts = [unquote(p) for p in rest.split("/") if p]
    endpoint = parts[0] if parts else ""
    params = {k: v[0] for k, v in query.items() if v}
    pairs = parts[1:]
    for i in range(0, len(pairs) - 1, 2):
        params[pairs[i]] = pairs[i + 1]
    return endpoint, params


def _years(spec: str | None) -> list[int]:
    """Parse BPS ``th`` syntax: ``118``, ``118;120``, ``118:121``."""
    if not spec:
        return YEARS
    chosen: list[int] = []
    for piece in spec.replace(",", ";").split(";"):
        if ":" in piece:
            lo, hi = piece.split(":", 1)
            chosen.extend(range(int(lo), int(hi) + 1))
        elif piece.strip():
            chosen.append(int(piece))
    return [y for y in YEARS if y in chosen]


def _not_available(kind: str = "not-available") -> Reply:
    return json_reply({"status": "OK", "data-availability": kind, "data": ""})


def _error(message: str, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return json_reply({"status": "Error", "message": message}, status, headers)


def _paged(items: list[dict[str, Any]], params: dict[str, str]) -> Reply:
    try:
        page = max(1, int(params.get("page", "1")))
        per_page = max(1, min(1000, int(params.get("perpage", "10"))))
    except ValueError:
        return _error("Parameter page or perpage is not a number")
    pages = max(1, -(-len(items) // per_page))
    if page > pages or not items:
        return _not_available("list-not-available")
    chunk = items[(page - 1) * per_page : page * per_page]
    info = {"page": page, "pages": pages, "per_page": per_page, "count": len(chunk)}
    info["total"] = len(items)
    return json_reply({"status": "OK", "data-availability": "available", "data": [info, chunk]})


def _population(bps_code: str, year: int, sex: int | None) -> int:
    base = POPULATION_2019[bps_code] * (1.012 ** (year - 119))
    noise = random.Random(f"bps:pop:{bps_code}:{year}").uniform(-0.004, 0.004)
    total = round(base * (1 + noise))
    if sex is None:
        return total
    male = round(
        total * (0.503 + random.Random(f"bps:sex:{bps_code}:{year}").uniform(-0.006, 0.006))
    )
    return male if sex == 1 else total - male


def _data_response(var_id: int, years: list[int]) -> Reply:
    if var_id not in (31, 32, 45) or not years:
        return _not_available()
    var = next(v for v in _variables() if v["var_id"] == var_id)
    tahun = [{"val": y, "label": str(1900 + y)} for y in years]
    content: dict[str, int | float] = {}
    if var_id in (31, 32):
        vervar = _kecamatan_vervar()
        turvar = (
            [{"val": 0, "label": "Tidak Ada"}]
            if var_id == 31
            else [{"val": 1, "label": "Laki-laki"}, {"val": 2, "label": "Perempuan"}]
        )
        turtahun = [{"val": 0, "label": "Tahun"}]
        label_vervar = "Kecamatan"
        for v in vervar:
            for t in turvar:
                for y in years:
                    sex = None if var_id == 31 else int(t["val"])
                    key = f"{v['val']}{var_id}{t['val']}{y}0"
                    content[key] = _population(str(v["val"]), y, sex)
    else:
        vervar = [{"val": 3671, "label": "Kota Tangerang"}]
        turvar = [{"val": "0", "label": "Tidak ada"}]
        turtahun = [{"val": m, "label": name} for m, name in enumerate(MONTHS, 1)]
        turtahun.append({"val": 13, "label": "Tahunan"})
        label_vervar = "Kota"
        for y in years:
            rng = random.Random(f"bps:inflasi:{y}")
            monthly = [round(rng.uniform(-0.35, 0.75), 2) for _ in MONTHS]
            # The current year is still running: months after October are absent.
            last = 10 if y == YEARS[-1] else 12
            for m in range(1, last + 1):
                content[f"3671450{y}{m}"] = monthly[m - 1]
            if last == 12:
                content[f"3671450{y}13"] = round(sum(monthly), 2)
    return json_reply(
        {
            "status": "OK",
            "data-availability": "available",
            "last_update": "2025-03-14 09:12:45",
            "subject": [{"val": var["sub_id"], "label": var["sub_name"]}],
            "var": [
                {
                    "val": var_id,
                    "label": var["title"],
                    "unit": var["unit"],
                    "subj": var["sub_name"],
                    "def": "",
                    "decimal": 2 if var_id == 45 else 0,
                    "note": "Data contoh BPS Kota Tangerang",
                }
            ],
            "turvar": turvar,
            "labelvervar": label_vervar,
            "vervar": vervar,
            "tahun": tahun,
            "turtahun": turtahun,
            "metadata": {},
            "datacontent": content,
            "related": {},
        }
    )


def handle(path: str, query: dict[str, list[str]]) -> Reply | None:
    if not path.startswith(PREFIX):
        return None
    endpoint, params = _parse(path, query)
    key = params.get("key", "")
    if not key:
        return _error("Parameter key Missing.")
    if key.startswith("invalid"):
        return _error("Invalid key or key is not active", status=401)
    if key.startswith("quota"):
        return _error(
            "Quota exceeded for this key. Try again tomorrow.", 429, {"Retry-After": "86400"}
        )
    if endpoint != "list":
        return _error(f"{endpoint or 'Endpoint'} is not implemented for this sample")
    model = params.get("model")
    if not model:
        return _error("Parameter model Missing.")
    if model not in MODELS:
        return _error(f"Model {model} is not recognized")
    domain = params.get("domain")
    if not domain:
        return _error("Parameter domain Missing.")
    if domain != DOMAIN:
        return _not_available()
    if model == "data":
        if "var" not in params:
            return _error("Parameter var Missing.")
        try:
            return _data_response(int(params["var"]), _years(params.get("th")))
        except ValueError:
            return _error("Parameter var or th is not valid")
    items: list[dict[str, Any]]
    if model == "subject":
        items = [
            {"sub_id": s, "title": t, "subcat_id": c, "subcat": n, "ntabel": 3 + s % 7}
            for s, t, c, n in SUBJECTS
        ]
    elif model == "var":
        items = _variables()
        if "subject" in params:
            items = [v for v in items if str(v["sub_id"]) == params["subject"]]
    elif model == "statictable":
        items = _statictables()
    elif model == "th":
        items = [{"th_id": y, "th": str(1900 + y)} for y in YEARS]
    elif model == "vervar":
        items = [
            {"kode_ver_id": v["val"], "vervar": v["label"], "item_ver_id": i, "group_ver_id": 1,
             "name_group_ver_id": "Kecamatan di Kota Tangerang"}
            for i, v in enumerate(_kecamatan_vervar(), 1)
        ]  # fmt: skip
    elif model == "turvar":
        items = [
            {"turvar_id": 1, "turvar": "Laki-laki", "group_turvar_id": 3,
             "name_group_turvar": "Jenis Kelamin"},
            {"turvar_id": 2, "turvar": "Perempuan", "group_turvar_id": 3,
             "name_group_turvar": "Jenis Kelamin"},
        ]  # fmt: skip
    else:
        items = [
            {"turth_id": 0, "turth": "Tahun", "group_turth_id": 0, "name_group_turth": "Tahun"}
        ]
    return _paged(items, params)
