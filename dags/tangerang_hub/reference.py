"""Wilayah reference of Kota Tangerang: Kemendagri codes, BPS codes and names in any spelling.

Source: Kepmendagri 300.2.2-2138/2025 (amended by 300.2.2-2430/2025) and the BPS–Kemendagri
bridging service; see schemas/reference/SOURCES.md. Codes returned are always Kemendagri codes
(`36.71.01`, `36.71.01.1001`).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tangerang_hub.contracts import SCHEMAS_DIR
from tangerang_quality.texts import Said, say

REFERENCE_DIR = SCHEMAS_DIR / "reference"
LEVELS = ("kota", "kecamatan", "kelurahan")

# (lat_min, lat_max, lon_min, lon_max) of Kota Tangerang, see SOURCES.md.
BBOX = (-6.257, -6.094, 106.551, 106.752)

_PREFIX = re.compile(r"^(kota|kecamatan|kec|kelurahan|kel|desa|ds)\b\.?\s*", re.IGNORECASE)
_KEMENDAGRI = re.compile(r"^36\.71(\.\d{2}(\.\d{4})?)?$")
_BPS = re.compile(r"^3671(\d{3}(\d{3})?)?$")


@dataclass(frozen=True)
class Unit:
    level: str
    code: str
    bps_code: str
    name: str
    parent: str


@dataclass(frozen=True)
class _Tables:
    units: dict[str, Unit]
    by_bps: dict[str, str]
    # (level, name key) -> Kemendagri codes having that name in some known spelling
    by_name: dict[tuple[str, str], frozenset[str]]


def name_key(name: str) -> str:
    """Spelling-insensitive key: `Batu Jaya`, `BATUJAYA`, ` batu-jaya ` -> `batujaya`."""
    return re.sub(r"[^a-z0-9]", "", name.casefold())


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    units: dict[str, Unit] = {}
    with (REFERENCE_DIR / "wilayah_kota_tangerang.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            units[row["kemendagri_code"]] = Unit(
                level=row["level"],
                code=row["kemendagri_code"],
                bps_code=row["bps_code"],
                name=row["name"],
                parent=row["parent_kemendagri_code"],
            )
    by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
    for unit in units.values():
        by_name[(unit.level, name_key(unit.name))].add(unit.code)
    variants = REFERENCE_DIR / "wilayah_name_variants.tsv"
    with variants.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            code = row[0]
            if code not in units:
                continue  # header line
            for spelling in row[2:]:
                if spelling.strip():
                    by_name[(units[code].level, name_key(spelling))].add(code)
    return _Tables(
        units=units,
        by_bps={u.bps_code: u.code for u in units.values()},
        by_name={k: frozenset(v) for k, v in by_name.items()},
    )


def units(level: str | None = None) -> list[Unit]:
    return [u for u in _tables().units.values() if level is None or u.level == level]


def kecamatan_codes() -> frozenset[str]:
    return frozenset(u.code for u in units("kecamatan"))


def kelurahan_codes(kecamatan: str | None = None) -> frozenset[str]:
    return frozenset(
        u.code for u in units("kelurahan") if kecamatan is None or u.parent == kecamatan
    )


def is_valid(code: str, level: str) -> bool:
    unit = _tables().units.get(code)
    return unit is not None and unit.level == level


def name_of(code: str) -> str | None:
    unit = _tables().units.get(code)
    return unit.name if unit else None


def bps_code_of(code: str) -> str | None:
    unit = _tables().units.get(code)
    return unit.bps_code if unit else None


class WilayahLookupError(LookupError):
    """Why a value could not be mapped, for a data steward: `said` in both languages.

    `str()` is the English text; the value looked up is quoted as the `value` parameter.
    """

    def __init__(self, said: Said) -> None:
        self.said = said
        super().__init__(said.render("en"))


def resolve(value: str, level: str, parent: str | None = None) -> str:
    """Kemendagri code for `value` at `level`, or raise `WilayahLookupError` saying why.

    `value` may be a Kemendagri code, a BPS code (7 digits for kecamatan, 10 for kelurahan) or a
    name in any known spelling, case or spacing, optionally prefixed (`Kec.`, `Kelurahan`).
    `parent` (a kecamatan code or name) is required only when a kelurahan name is ambiguous, and
    when given it must contain the kelurahan.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown wilayah level {level!r}; expected one of {LEVELS}")
    tables = _tables()
    text = " ".join(str(value).split())
    if not text:
        raise WilayahLookupError(say("nilai kosong", "empty value"))
    parent_code = _parent_code(parent) if parent else None

    code: str | None = None
    if _KEMENDAGRI.match(text):
        code = text if text in tables.units else None
        if code is None:
            raise WilayahLookupError(
                say(
                    "{value} bukan kode Kemendagri di Kota Tangerang",
                    "{value} is not a Kemendagri code of Kota Tangerang",
                    value=repr(text),
                )
            )
    elif _BPS.match(text):
        code = tables.by_bps.get(text)
        if code is None:
            raise WilayahLookupError(
                say(
                    "{value} bukan kode BPS di Kota Tangerang",
                    "{value} is not a BPS code of Kota Tangerang",
                    value=repr(text),
                )
            )
    if code is not None:
        if tables.units[code].level != level:
            raise WilayahLookupError(
                say(
                    "{value} adalah kode {found}, bukan kode {level}",
                    "{value} is a {found} code, expected a {level} code",
                    value=repr(text),
                    found=tables.units[code].level,
                    level=level,
                )
            )
        _check_parent(code, parent_code, text)
        return code

    key = name_key(_PREFIX.sub("", text))
    candidates = tables.by_name.get((level, key), frozenset())
    if parent_code is not None and len(candidates) > 1:
        candidates = frozenset(c for c in candidates if tables.units[c].parent == parent_code)
    if not candidates:
        raise WilayahLookupError(
            say(
                "{value} bukan nama {level} di Kota Tangerang",
                "{value} is not a {level} name in Kota Tangerang",
                value=repr(text),
                level=level,
            )
        )
    if len(candidates) > 1:
        options = ", ".join(f"{c} ({name_of(tables.units[c].parent)})" for c in sorted(candidates))
        raise WilayahLookupError(
            say(
                "{value} bermakna ganda: {options}; isi kecamatannya untuk memilih salah satu",
                "{value} is ambiguous: {options}; give the kecamatan to choose one",
                value=repr(text),
                options=options,
            )
        )
    (code,) = candidates
    _check_parent(code, parent_code, text)
    return code


def to_kemendagri(value: str, level: str, parent: str | None = None) -> str | None:
    """Kemendagri code for a code or name at `level`, or None when unknown or ambiguous."""
    try:
        return resolve(value, level, parent)
    except WilayahLookupError:
        return None


def _parent_code(parent: str) -> str | None:
    if parent in _tables().units:
        return parent
    return to_kemendagri(parent, "kecamatan")


def _check_parent(code: str, parent_code: str | None, text: str) -> None:
    unit = _tables().units[code]
    if parent_code is not None and unit.level == "kelurahan" and unit.parent != parent_code:
        raise WilayahLookupError(
            say(
                "kelurahan {value} ({code}) terletak di kecamatan {name} ({parent}), "
                "bukan di {other_name} ({other})",
                "kelurahan {value} ({code}) lies in kecamatan {name} ({parent}), "
                "not in {other_name} ({other})",
                value=repr(text),
                code=code,
                name=name_of(unit.parent),
                parent=unit.parent,
                other_name=name_of(parent_code),
                other=parent_code,
            )
        )


def in_bbox(lat: float, lon: float) -> bool:
    lat_min, lat_max, lon_min, lon_max = BBOX
    return lat_min <= lat <= lat_max and lon_min <= lon <= lon_max


def reference_files() -> list[Path]:
    return [
        REFERENCE_DIR / "wilayah_kota_tangerang.csv",
        REFERENCE_DIR / "wilayah_name_variants.tsv",
    ]
