from pathlib import Path

import pytest

from tangerang_hub import reference
from tangerang_hub.reference import (
    BBOX,
    WilayahLookupError,
    in_bbox,
    is_valid,
    kecamatan_codes,
    kelurahan_codes,
    name_of,
    resolve,
    to_kemendagri,
)

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


def test_counts() -> None:
    assert len(kecamatan_codes()) == 13
    assert len(kelurahan_codes()) == 104
    assert len(kelurahan_codes("36.71.07")) == 16  # Karawaci


@pytest.mark.parametrize(
    ("code", "level", "expected"),
    [
        ("36.71.05", "kecamatan", True),
        ("36.71.05", "kelurahan", False),
        ("36.71.05.1001", "kelurahan", True),
        ("36.71.14", "kecamatan", False),
        ("3671020", "kecamatan", False),  # a BPS code is not a Kemendagri code
    ],
)
def test_is_valid(code: str, level: str, expected: bool) -> None:
    assert is_valid(code, level) is expected


@pytest.mark.parametrize(
    ("value", "level", "expected"),
    [
        ("36.71.03.1002", "kelurahan", "36.71.03.1002"),
        ("3671050006", "kelurahan", "36.71.03.1002"),  # BPS 10 digits
        ("3671050", "kecamatan", "36.71.03"),  # BPS 7 digits
        ("Batu Jaya", "kelurahan", "36.71.03.1002"),
        ("Batujaya", "kelurahan", "36.71.03.1002"),
        ("BATUJAYA", "kelurahan", "36.71.03.1002"),
        ("  batu   jaya ", "kelurahan", "36.71.03.1002"),
        ("Nerogtog", "kelurahan", "36.71.11.1003"),
        ("Neroktog", "kelurahan", "36.71.11.1003"),
        ("Kereo", "kelurahan", "36.71.13.1004"),
        ("Kreo", "kelurahan", "36.71.13.1004"),
        ("KEREO SELATAN", "kelurahan", "36.71.13.1008"),
        ("Pedurenan", "kelurahan", "36.71.12.1006"),
        ("Kroncong", "kelurahan", "36.71.02.1001"),
        ("PORISGAGA BARU", "kelurahan", "36.71.03.1004"),
        ("Cibodasari", "kelurahan", "36.71.09.1002"),
        ("Jati Uwung", "kecamatan", "36.71.02"),
        ("Kec. Cipondoh", "kecamatan", "36.71.05"),
        ("Kecamatan Karang Tengah", "kecamatan", "36.71.12"),
        ("Kel. Sukasari", "kelurahan", "36.71.01.1007"),
        ("Kota Tangerang", "kota", "36.71"),
        # same name, different level: kecamatan Jatiuwung vs kelurahan Jatiuwung in Cibodas
        ("Jatiuwung", "kecamatan", "36.71.02"),
        ("Jatiuwung", "kelurahan", "36.71.09.1006"),
        ("Cipondoh", "kelurahan", "36.71.05.1001"),
    ],
)
def test_to_kemendagri(value: str, level: str, expected: str) -> None:
    assert to_kemendagri(value, level) == expected


@pytest.mark.parametrize(
    ("value", "level", "parent", "reason", "alasan"),
    [
        ("Cipondok", "kecamatan", None, "not a kecamatan name", "bukan nama kecamatan"),
        ("36.71.99", "kecamatan", None, "not a Kemendagri code", "bukan kode Kemendagri"),
        ("3671999", "kecamatan", None, "not a BPS code", "bukan kode BPS"),
        ("36.71.05", "kelurahan", None, "is a kecamatan code", "adalah kode kecamatan"),
        ("Jatiuwung", "kelurahan", "Periuk", "lies in kecamatan Cibodas", "di kecamatan Cibodas"),
        ("Sukasari", "kelurahan", "36.71.05", "not in Cipondoh", "bukan di Cipondoh"),
        ("", "kecamatan", None, "empty", "kosong"),
    ],
)
def test_unknown_values_explain_why(
    value: str, level: str, parent: str | None, reason: str, alasan: str
) -> None:
    with pytest.raises(WilayahLookupError, match=reason) as info:  # str(): the English text
        resolve(value, level, parent)
    assert alasan in info.value.said.render("id")
    assert info.value.said.render("en") == str(info.value)
    assert to_kemendagri(value, level, parent) is None


def test_parent_accepts_name_or_code() -> None:
    assert to_kemendagri("Jatiuwung", "kelurahan", parent="Cibodas") == "36.71.09.1006"
    assert to_kemendagri("Jatiuwung", "kelurahan", parent="36.71.09") == "36.71.09.1006"


def test_kelurahan_names_are_unique_within_the_city() -> None:
    tables = reference._tables()
    ambiguous = {k: v for k, v in tables.by_name.items() if len(v) > 1}
    assert ambiguous == {}


def test_ambiguous_name_needs_the_kecamatan(monkeypatch: pytest.MonkeyPatch) -> None:
    # Kota Tangerang has no repeated kelurahan name today; simulate one to test the rule.
    tables = reference._tables()
    key = ("kelurahan", "sukasari")
    by_name = dict(tables.by_name)
    by_name[key] = frozenset({"36.71.01.1007", "36.71.05.1001"})
    monkeypatch.setattr(
        reference, "_tables", lambda: reference._Tables(tables.units, tables.by_bps, by_name)
    )
    with pytest.raises(WilayahLookupError, match="ambiguous"):
        resolve("Sukasari", "kelurahan")
    assert resolve("Sukasari", "kelurahan", "36.71.05") == "36.71.05.1001"
    assert resolve("Sukasari", "kelurahan", "Tangerang") == "36.71.01.1007"


def test_name_of() -> None:
    assert name_of("36.71.11.1003") == "Neroktog"
    assert name_of("36.71.13") == "Larangan"
    assert name_of("99") is None


def test_bbox() -> None:
    assert BBOX == (-6.257, -6.094, 106.551, 106.752)
    assert in_bbox(-6.17, 106.64)
    assert not in_bbox(-6.3, 106.64)
    assert not in_bbox(-6.17, 106.8)


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared material not found at {SHARED}")
@pytest.mark.parametrize("name", ["wilayah_kota_tangerang.csv", "wilayah_name_variants.tsv"])
def test_shipped_reference_equals_shared(name: str) -> None:
    shipped = REPO / "schemas" / "reference" / name
    assert shipped.read_bytes() == (SHARED / "reference" / name).read_bytes()


AGENCY = SHARED / "agency-formats" / "tangerang"
needs_agency = pytest.mark.skipif(
    not AGENCY.is_dir(), reason=f"shared agency formats not found at {AGENCY}"
)


@needs_agency
def test_every_code_and_name_of_the_kemendagri_list_resolves() -> None:
    import csv

    with (AGENCY / "kode_wilayah_kemendagri_kota_tangerang_3671.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["level"] != "kabkota"]
    assert len(rows) == 117
    for row in rows:
        level = "kecamatan" if row["level"] == "kecamatan" else "kelurahan"
        assert to_kemendagri(row["kode"], level) == row["kode"]
        parent = row["kode_kecamatan"] if level == "kelurahan" else None
        assert to_kemendagri(row["nama"].upper(), level, parent) == row["kode"]


@needs_agency
def test_bps_bridging_matches() -> None:
    import json

    bridging = json.loads((AGENCY / "bridging_kecamatan_bps_kemendagri_3671.json").read_text())
    assert len(bridging) == 13
    for bps, unit in bridging.items():
        assert to_kemendagri(bps, "kecamatan") == unit["dagri_code"]
        assert to_kemendagri(unit["text"], "kecamatan") == unit["dagri_code"]
