"""Complaint (aspirasi/aduan) API of a Diskominfo-style system, in three paging styles.

- ``/aspirasi/api/v1/aduan?page=&per_page=``: page numbers, ``meta`` and ``links.next``
- ``/aspirasi/api/v1/rekap?cursor=&limit=``: cursor paging, rows under ``result.items``
- ``/aspirasi/api/v1/kategori?offset=&limit=``: offset/limit
``/aspirasi/api/private/...`` serves the same but needs ``Authorization: Bearer sample-token``.
"""

from __future__ import annotations

import base64
import random
from collections import Counter
from datetime import date, timedelta
from functools import cache
from typing import Any

import wilayah
from replies import Reply, first, int_param, json_reply

PUBLIC = "/aspirasi/api/v1/"
PRIVATE = "/aspirasi/api/private/"
TOKEN = "sample-token"
CATEGORIES = [
    ("INF", "Infrastruktur Jalan", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("DRN", "Drainase dan Banjir", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("SMP", "Kebersihan dan Sampah", "Dinas Lingkungan Hidup"),
    ("PJU", "Penerangan Jalan Umum", "Dinas Perumahan dan Permukiman"),
    ("ADK", "Administrasi Kependudukan", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("KES", "Layanan Kesehatan", "Dinas Kesehatan"),
    ("PDD", "Pendidikan", "Dinas Pendidikan"),
    ("TIB", "Ketertiban Umum", "Satuan Polisi Pamong Praja"),
    ("TRN", "Transportasi dan Parkir", "Dinas Perhubungan"),
    ("LNY", "Lainnya", "Dinas Komunikasi dan Informatika"),
]
WEIGHTS = [18, 14, 16, 8, 9, 7, 6, 9, 8, 5]
STATUS = ["Selesai", "Selesai", "Selesai", "Diproses", "Diteruskan ke OPD"]
CHANNELS = ["Tangerang LIVE", "SP4N-LAPOR!", "Media Sosial", "Call Center 112"]
START = date(2024, 1, 1)


@cache
def complaints() -> list[dict[str, Any]]:
    rng = random.Random("aspirasi:2024")
    kelurahan = wilayah.kelurahan()
    rows = []
    for n in range(1, 2401):
        day = START + timedelta(days=rng.randrange(0, 366))
        code, name, opd = rng.choices(CATEGORIES, WEIGHTS)[0]
        kel = rng.choice(kelurahan)
        status = rng.choice(STATUS)
        rows.append(
            {
                "id": f"ADU-2024-{n:05d}",
                "tanggal_masuk": day.isoformat(),
                "kanal": rng.choice(CHANNELS),
                "kategori": {"kode": code, "nama": name},
                "lokasi": {"kecamatan_kode": kel.parent, "kelurahan_kode": kel.kemendagri_code},
                "opd_tujuan": opd,
                "status": status,
                "lama_penyelesaian_hari": rng.randrange(1, 21) if status == "Selesai" else None,
            }
        )
    rows.sort(key=lambda r: (r["tanggal_masuk"], r["id"]))
    return rows


@cache
def summary() -> list[dict[str, Any]]:
    counts = Counter(
        (r["tanggal_masuk"][:7], r["lokasi"]["kecamatan_kode"], r["kategori"]["kode"])
        for r in complaints()
    )
    done = Counter(
        (r["tanggal_masuk"][:7], r["lokasi"]["kecamatan_kode"], r["kategori"]["kode"])
        for r in complaints()
        if r["status"] == "Selesai"
    )
    months = sorted({key[0] for key in counts})
    rows = []
    for month in months:
        for kec in wilayah.kecamatan():
            for code, name, _ in CATEGORIES:
                key = (month, kec.kemendagri_code, code)
                rows.append(
                    {"bulan": month, "kecamatan_kode": kec.kemendagri_code,
                     "kategori_kode": code, "kategori": name,
                     "jumlah_aduan": counts[key], "jumlah_selesai": done[key]}
                )  # fmt: skip
    return rows


def _by_page(query: dict[str, list[str]], base: str) -> Reply:
    page = int_param(query, "page", 1, 1, 100_000)
    per_page = int_param(query, "per_page", 50, 1, 500)
    rows = complaints()
    last_page = max(1, -(-len(rows) // per_page))
    chunk = rows[(page - 1) * per_page : page * per_page]
    nxt = f"{base}aduan?page={page + 1}&per_page={per_page}" if page < last_page else None
    return json_reply(
        {
            "success": True,
            "data": chunk,
            "meta": {"page": page, "per_page": per_page, "total": len(rows),
                     "last_page": last_page},
            "links": {"next": nxt},
        }
    )  # fmt: skip


def _encode(position: int) -> str:
    return base64.urlsafe_b64encode(f"pos:{position}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return int(raw.removeprefix("pos:"))
    except ValueError:
        return None


def _by_cursor(query: dict[str, list[str]]) -> Reply:
    limit = int_param(query, "limit", 200, 1, 1000)
    cursor = first(query, "cursor")
    position = _decode(cursor) if cursor else 0
    if position is None:
        return json_reply({"success": False, "message": "cursor tidak valid"}, 400)
    rows = summary()
    chunk = rows[position : position + limit]
    end = position + len(chunk)
    nxt = _encode(end) if end < len(rows) else None
    return json_reply({"success": True, "result": {"items": chunk}, "next_cursor": nxt})


def _by_offset(query: dict[str, list[str]]) -> Reply:
    offset = int_param(query, "offset", 0, 0, 100_000)
    limit = int_param(query, "limit", 5, 1, 100)
    items = [{"kode": c, "nama": n, "opd_penanggung_jawab": o} for c, n, o in CATEGORIES]
    return json_reply({"total": len(items), "items": items[offset : offset + limit]})


def handle(path: str, query: dict[str, list[str]], headers: dict[str, str]) -> Reply | None:
    if path.startswith(PRIVATE):
        if headers.get("authorization", "") != f"Bearer {TOKEN}":
            return json_reply({"success": False, "message": "Unauthenticated."}, 401)
        base = PRIVATE
    elif path.startswith(PUBLIC):
        base = PUBLIC
    else:
        return None
    resource = path[len(base) :].strip("/")
    if resource == "aduan":
        return _by_page(query, base)
    if resource == "rekap":
        return _by_cursor(query)
    if resource == "kategori":
        return _by_offset(query)
    return json_reply({"success": False, "message": "Not Found"}, 404)
