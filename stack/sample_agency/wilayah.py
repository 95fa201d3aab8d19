"""Kota Tangerang wilayah codes for the sample agency.

Read from the repo's reference table, falling back to ``<repo>/../shared/reference``.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CANDIDATES = (
    REPO / "schemas" / "reference" / "wilayah_kota_tangerang.csv",
    REPO.parent / "shared" / "reference" / "wilayah_kota_tangerang.csv",
)
# Kota Tangerang bounding box (shared/reference/SOURCES.md).
LAT_MIN, LAT_MAX = -6.257, -6.094
LON_MIN, LON_MAX = 106.551, 106.752


@dataclass(frozen=True)
class Unit:
    level: str
    kemendagri_code: str
    bps_code: str
    name: str
    parent: str

    @property
    def position(self) -> tuple[float, float]:
        """A stable pseudo-centroid inside the city's bounding box."""
        rng = random.Random(f"pos:{self.kemendagri_code}")
        lat = LAT_MIN + 0.1 * (LAT_MAX - LAT_MIN) + rng.random() * 0.8 * (LAT_MAX - LAT_MIN)
        lon = LON_MIN + 0.1 * (LON_MAX - LON_MIN) + rng.random() * 0.8 * (LON_MAX - LON_MIN)
        return round(lat, 7), round(lon, 7)


@cache
def units() -> tuple[Unit, ...]:
    for path in CANDIDATES:
        if path.is_file():
            with path.open(newline="", encoding="utf-8") as handle:
                return tuple(
                    Unit(
                        row["level"],
                        row["kemendagri_code"],
                        row["bps_code"],
                        row["name"],
                        row["parent_kemendagri_code"],
                    )
                    for row in csv.DictReader(handle)
                )
    raise FileNotFoundError(
        "wilayah_kota_tangerang.csv not found in " + ", ".join(str(p) for p in CANDIDATES)
    )


def kecamatan() -> list[Unit]:
    return [u for u in units() if u.level == "kecamatan"]


def kelurahan() -> list[Unit]:
    return [u for u in units() if u.level == "kelurahan"]


def by_code(code: str) -> Unit | None:
    return next((u for u in units() if u.kemendagri_code == code), None)
