"""The benchmark's data: a fasyankes-shaped agency CSV, the same bytes on every run and machine.

`fasyankes_csv(N)` writes a `;`-separated file shaped like the Dinkes sample
(`stack/sample_agency/data/dinkes/fasyankes.csv`): 7-digit codes with leading zeros (row `i`
has code `f"{i:07d}"`), kecamatan/kelurahan *names* in mixed spellings (`Kec. CILEDUG`,
` periuk `, lower case) drawn from the official reference table, six date styles, Indonesian
thousands (`1.328`), decimal commas in coordinates, empty bed counts. The seed is fixed and
every row is valid, so normalize keeps all N rows.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 1
MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nov", "Des"]
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
JENIS = (
    "Puskesmas",
    "Klinik Pratama",
    "Klinik Utama",
    "Rumah Sakit Umum",
    "Rumah Sakit Khusus",
    "Rumah Sakit Ibu dan Anak",
    "Laboratorium Klinik",
    "Apotek",
)
STREETS = ("Jl. KH. Hasyim Ashari", "Jl. Ki Samaun", "Jl. Imam Bonjol", "Jl. Daan Mogot")
HEADER = (
    "Kode Faskes",
    "Nama Fasilitas",
    "Jenis",
    "Kecamatan",
    "Kelurahan",
    "Alamat",
    "Tanggal Registrasi",
    "Jumlah Tempat Tidur",
    "Latitude",
    "Longitude",
)


def _wilayah() -> list[tuple[str, str]]:
    """(kecamatan name, kelurahan name) of every kelurahan in the reference table."""
    from tangerang_hub.reference import REFERENCE_DIR

    with (REFERENCE_DIR / "wilayah_kota_tangerang.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    kecamatan = {r["kemendagri_code"]: r["name"] for r in rows if r["level"] == "kecamatan"}
    return [
        (kecamatan[r["parent_kemendagri_code"]], r["name"])
        for r in rows
        if r["level"] == "kelurahan"
    ]


def _spelling(name: str, rng: random.Random, prefix: str) -> str:
    choice = rng.randrange(5)
    if choice == 0:
        return name.upper()
    if choice == 1:
        return name.lower()
    if choice == 2:
        return f" {name} "
    if choice == 3:
        return f"{prefix} {name.upper()}"
    return name


def _date_text(day: date, rng: random.Random) -> str:
    choice = rng.randrange(6)
    if choice == 0:
        return day.strftime("%d/%m/%Y")
    if choice == 1:
        return day.strftime("%d-%m-%Y")
    if choice == 2:
        return day.isoformat()
    if choice == 3:
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    if choice == 4:
        return f"{day.day} {MONTHS_SHORT[day.month - 1]} {day.year}"
    return f"{DAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"


def _beds_text(jenis: str, rng: random.Random) -> str:
    if jenis == "Apotek" or rng.random() < 0.1:
        return ""
    beds = rng.randrange(1_000, 2_000) if jenis.startswith("Rumah Sakit") else rng.randrange(60)
    return f"{beds // 1000}.{beds % 1000:03d}" if beds >= 1000 else str(beds)


def _coordinate(low: float, high: float, rng: random.Random) -> str:
    text = f"{rng.uniform(low, high):.6f}"
    return text.replace(".", ",") if rng.random() < 0.3 else text


def fasyankes_csv(rows: int, seed: int = 36_71) -> bytes:
    """A fasyankes-shaped agency CSV (`;`, Indonesian formats, messy names), valid data."""
    rng = random.Random(seed)
    wilayah = _wilayah()
    start = date(1990, 1, 1)
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for i in range(rows):
        jenis = rng.choice(JENIS)
        kecamatan, kelurahan = rng.choice(wilayah)
        writer.writerow(
            (
                f"{i:07d}",
                f"{jenis} Sehat Sentosa {i}",
                _spelling(jenis, rng, "") if rng.random() < 0.3 else jenis,
                _spelling(kecamatan, rng, "Kec."),
                _spelling(kelurahan, rng, "Kel."),
                f"{rng.choice(STREETS)} No. {rng.randrange(1, 400)}, "
                f"RT {rng.randrange(1, 20):03d}/RW {rng.randrange(1, 15):03d}",
                _date_text(start + timedelta(days=rng.randrange(12_000)), rng),
                _beds_text(jenis, rng),
                _coordinate(-6.25, -6.10, rng),
                _coordinate(106.56, 106.74, rng),
            )
        )
    return out.getvalue().encode("utf-8")


def raw_batch(content: bytes) -> Any:
    from tangerang_hub.sources.base import RawBatch

    return RawBatch(records=None, content=content, filename="fasyankes.csv", media_type="text/csv")


def write_fasyankes_csv(rows: int, folder: Path) -> Path:
    """`fasyankes_csv(rows)` as `folder/fasyankes-<rows>.csv`, written once and reused (the
    bytes depend only on `rows` and the generator, which is versioned in the file name)."""
    path = folder / f"fasyankes-{rows}-v{GENERATOR_VERSION}.csv"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(fasyankes_csv(rows))
        tmp.replace(path)
    return path


def known_code(rows: int) -> str:
    """`kode_faskes` of a row every benchmark file of `rows` rows has (the middle one), which a
    full-text query (`datastore_search q=`) must find once the load is searchable."""
    return f"{rows // 2:07d}"
