"""Personal data in the many ways a real spreadsheet writes it: each form is found by the
detectors `hub scan` uses (`table_scan.scan_columns`) and blocks `run_gate`; each clean look-alike
passes both. One table of cases serves both, so the two can never drift apart."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
import pytest

from tangerang_hub.contracts import Field
from tangerang_quality.gate import mask_table, run_gate
from tangerang_quality.pii import scan_text
from tangerang_quality.table_scan import scan_columns

NIK = "3671014502900001"  # invented, valid structure: 367101, 5 Feb 1990 (woman), serial 0001
PHONE = "081234567890"
ARROW = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64()}

Table = dict[str, tuple[str, list[Any]]]  # column -> (contract type, values)


def digits_in(zero: int, digits: str = NIK) -> str:
    return "".join(chr(zero + int(d)) for d in digits)


def text(value: str, column: str = "keterangan") -> Table:
    return {"kode": ("string", ["001"]), column: ("string", [value])}


# -- the forms --------------------------------------------------------------------------------

PHONES = {
    "(+62) 812-…": "(+62) 812-3456-7890",
    "+62 (0)812-…": "+62 (0)812-3456-7890",
    "0812/3456/7890": "0812/3456/7890",
    "0062 …": "0062 812 3456 7890",
    "+62.812.…": "+62.812.3456.7890",
    "62 856 …": "62 856 1234 5678",
    "(0812) 3456-7890": "(0812) 3456-7890",
    "0812 3456 7890 in a sentence": "hubungi 0812 3456 7890 ya",
    "fullwidth": "\uff0b" + digits_in(0xFF10, "62") + " " + digits_in(0xFF10, "81234567890"),
    "zero-width inside": "0812\u200b3456\u200b7890",
    "non-breaking hyphens": "0812\u20113456\u20117890",
    "bare after a phone word": "No. HP: 812 3456 7890",
    "bare after wa": "wa 8123456789",
}
NIK_FORMS = {
    "slash": "3671/0145/0290/0001",
    "underscore": "3671_0145_0290_0001",
    "en-dash": "3671\u20130145\u20130290\u20130001",
    "em-dash with spaces": "3671 \u2014 0145 \u2014 0290 \u2014 0001",
    "minus sign": "3671\u22120145\u22120290\u22120001",
    "comma": "3671,0145,0290,0001",
    "dot with spaces": "3671 . 0145 . 0290 . 0001",
    "pipe": "3671|0145|0290|0001",
    "zero-width space": "\u200b".join(NIK),
    "zero-width joiner": "3671\u200d0145\u200d0290\u200d0001",
    "zero-width non-joiner": "3671\u200c014502900001",
    "soft hyphen": "3671\u00ad0145\u00ad0290\u00ad0001",
    "word joiner": "3671\u20600145\u20600290\u20600001",
    "BOM": "\ufeff" + NIK,
    "LRM/RLM": "\u200e" + NIK + "\u200f",
    "Arabic-Indic digits": digits_in(0x0660),
    "Extended Arabic-Indic digits": digits_in(0x06F0),
    "Devanagari digits": digits_in(0x0966),
    "fullwidth digits": digits_in(0xFF10),
    "Arabic-Indic in a sentence": "NIK pelapor " + digits_in(0x0660) + " (terlampir)",
    "mixed scripts and separators": digits_in(0x0660, "3671") + "-0145\u200b-" + "0290/0001",
    "Hangul filler inside": "36710145\u316402900001",
    "halfwidth Hangul filler between digits": "\uffa0".join(NIK),
    "a float's zero fraction (pandas)": NIK + ".0",
    "a decimal comma's zero fraction": NIK + ",00",
}
EMAILS = {
    "spaces around @": "budi @ example.com",
    "a space after @": "budi@ example.com",
    "a space before the dot": "budi@example .com",
    "[@]": "budi[@]example.com",
    "[.]": "budi@example[.]com",
    "(.)": "budi@example(.)com",
    "an IDN domain": "budi@contöh.id",
    "a quoted local part": '"budi santoso"@example.com',
    "a quoted local part with an escaped quote": r'"budi \"bs\" santoso"@example.com',
    "a local part in another script": "bùdi.sàntoso@contoh.id",
    "at and dot spelled out": "kirim ke budi at gmail dot com",
    "at and dots spelled out, .co.id": "budi.santoso at yahoo dot co dot id",
}
BIRTH_DATES = {
    "Lahir: 17-Agu-1990": "Lahir: 17-Agu-1990",
    "Lahir 1990/08/17": "Lahir 1990/08/17",
    "Tgl Lhr": "Tgl Lhr: 17-08-1990",
    "Lahir 17 Agustus, 1990": "Lahir 17 Agustus, 1990",
    "Agustus 17, 1990": "Lahir: Agustus 17, 1990",
    "tgl_lahir=": "tgl_lahir=1990-08-17",
    "TTL glued": "TTL: Tangerang,17Agustus1990",
    "tanggal kelahiran": "tanggal kelahiran 17-08-1990",
    "DDMMYYYY without separators": "tgl lhr 17081990",
    "YYYYMMDD without separators": "Lahir: 19900817",
}

# Each: the table, and the kind that must be found.
FOUND: dict[str, tuple[Table, str]] = {
    **{f"phone {k}": (text(v), "phone") for k, v in PHONES.items()},
    **{f"NIK {k}": (text(v), "nik") for k, v in NIK_FORMS.items()},
    **{f"e-mail {k}": (text(v), "email") for k, v in EMAILS.items()},
    **{f"date of birth {k}": (text(v), "dob") for k, v in BIRTH_DATES.items()},
    "NIK as floats in a numeric column": (
        {
            "kode": ("string", ["001", "002"]),
            "nilai": ("string", [NIK + ".0", "3671011708450002.0"]),
        },
        "nik",
    ),
    "phone as a float in a phone column": (text("81234567890.0", "No HP"), "phone"),
    "phone lost its 0, column WhatsApp": (text("81234567890", "WhatsApp"), "phone"),
    "NIK numbers in a column nomor_identitas": (
        {"nomor_identitas": ("integer", [int(NIK), 100, 250])},
        "nik",
    ),
    "phone lost its 0, integer column no_telp": (
        {"kode": ("string", ["001"]), "no_telp": ("integer", [81234567890])},
        "phone",
    ),
    "phone lost its 0, number column no_telp": (
        {"kode": ("string", ["001"]), "no_telp": ("number", [8.1234567890e10])},
        "phone",
    ),
    "phone lost its 0, text column nomor_hp": (text("81234567890", "nomor_hp"), "phone"),
    "phone lost its 0, column telepon": (text("812-3456-7890", "telepon"), "phone"),
    "phone lost its 0, column kontak_wa": (text("8123 4567 890", "kontak_wa"), "phone"),
    "NIK split 4+4 | 4+4": (
        {"bagian_1": ("string", ["3671 0145"]), "bagian_2": ("string", ["0290 0001"])},
        "nik",
    ),
    "NIK split first 6 | last 10": (
        {"awal": ("string", ["367101"]), "akhir": ("string", ["4502900001"])},
        "nik",
    ),
    "NIK split as a kecamatan code | the other 10 digits": (
        {"wilayah": ("string", ["36.71.01"]), "nomor": ("string", ["4502900001"])},
        "nik",
    ),
    "NIK split as a kecamatan code in a code column | the other 10": (
        {"kode_kecamatan": ("string", [" 36.71.01 "]), "no": ("integer", [4502900001])},
        "nik",
    ),
    "NIK split over four columns": (
        {
            "a": ("string", ["3671"]),
            "b": ("string", ["0145"]),
            "c": ("string", ["0290"]),
            "d": ("string", ["0001"]),
        },
        "nik",
    ),
    "NIK split over integer columns": (
        {"id_1": ("integer", [3671014502]), "id_2": ("integer", [900001])},
        "nik",
    ),
    "phone split 0812 | 3456 7890": (
        {"awal": ("string", ["0812"]), "sisa": ("string", ["3456 7890"])},
        "phone",
    ),
    "NIK in nested JSON text": (text(json.dumps({"pelapor": {"nama": "Budi", "nik": NIK}})), "nik"),
    "NIK in JSON text with escaped Arabic-Indic digits": (
        text(json.dumps({"nik": digits_in(0x0660)})),
        "nik",
    ),
    "phone without its 0 under a JSON key": (
        text(json.dumps({"kontak": {"hp": 81234567890}})),
        "phone",
    ),
    "phone in a JSON list": (text(json.dumps([{"wa": "0812/3456/7890"}])), "phone"),
    "e-mail written with [at] and [dot]": (
        text("budi.santoso [at] example [dot] co [dot] id"),
        "email",
    ),
    "e-mail written with (at)": (text("surat ke budi(at)example.go.id"), "email"),
    "NPWP with slashes": (text("01/312/166/0/091/000"), "npwp"),
}

CLEAN: dict[str, Table] = {
    "Kemendagri codes": text("36.71.01.1001 36.71.01.1002"),
    "BPS codes": text("3671010001 3671010002 3671030018"),
    "NOP": text("NOP 36.71.010.001.001-0001.0"),
    "NOP, bare 18 digits": text("367101000100100010"),
    "office number in an office column": text("(021) 5523456", "telp_kantor"),
    "landline with a dash": text("021-5523456 ext. 12"),
    "landline +62 21": text("Call center +62 21 5523456"),
    "coordinates as text": text("-6.1781, 106.6319"),
    "coordinates with many decimals": text("-6.171234,106.641234"),
    "coordinate columns": {
        "lat": ("number", [-6.171234]),
        "lon": ("number", [106.641234]),
    },
    "coordinates as adjacent text cells": {
        "p": ("string", ["-6.171234"]),
        "q": ("string", ["106.641234"]),
    },
    "money in Rp": text("Rp 1.234.567.890.123.456"),
    "money in thousands": text("total 3.671.014.502.900.001"),
    "money Rp 81 billion (mobile-shaped digits)": text("Rp 81.234.567.890"),
    "a kecamatan code beside a register number no birth date starts": {
        "kode_kecamatan": ("string", ["36.71.01", "36.71.02"]),
        "nomor_registrasi": ("string", ["9912345678", "0013345678"]),
    },
    "a kecamatan code beside a count of people": {
        "kode_kecamatan": ("string", ["36.71.01"]),
        "jumlah_penduduk": ("integer", [4502900001]),
    },
    "money column beside a code": {
        "kode_kelurahan": ("string", ["3671011001"]),
        "jumlah_penduduk": ("integer", [234567]),
    },
    "budget column": {"anggaran": ("integer", [81234567890, 1234567890123456, 85712345678])},
    "letter number": text("050/123/Bappeda/2024"),
    "letter number, all digits": text("800/1234/436.7.15/2024"),
    "NIB": text("NIB 9120001234567"),
    "NIB starting with 812": text("NIB 8120001234567"),
    "dates": text("17-08-1945, 01-01-2024, 2024-01-05"),
    "adjacent date cells": {
        "mulai": ("string", ["17-08-1945"]),
        "selesai": ("string", ["01-01-2024"]),
    },
    "years": text("2019 2020 2021 2022"),
    "sequence": text(", ".join(str(n) for n in range(1, 21))),
    "social handle": text("Instagram: @dinkes.tangerang"),
    "at and dot as words, no top-level domain": text("kumpul at balai dot kota"),
    "eight digits after a birth word that are no date": text("lahir 12345678"),
    "an anniversary: hari lahir": text("Hari Lahir Pancasila 01-06-1945"),
    "births counted: kelahiran": text("Jumlah kelahiran periode 01-01-2023 s/d 31-12-2023"),
    "a decimal that is no whole number": text(NIK + ".5"),
    "JSON of codes and totals": text(json.dumps({"kode": "36.71.01.1001", "jumlah": 1234567})),
    "row number beside a value": {
        "no": ("integer", [3]),
        "kode_unik": ("string", ["671014502900001"]),
    },
}


# -- hub scan's detectors ---------------------------------------------------------------------


def scan(table: Table) -> list:
    return scan_columns({name: values for name, (_, values) in table.items()})


@pytest.mark.parametrize(("table", "kind"), FOUND.values(), ids=FOUND.keys())
def test_scan_finds_each_form(table: Table, kind: str) -> None:
    findings = [f for f in scan(table) if f.row is not None]
    assert kind in {f.kind for f in findings}, findings
    shown = " ".join(f.masked for f in findings)
    assert NIK not in shown and PHONE[1:] not in shown


@pytest.mark.parametrize("table", CLEAN.values(), ids=CLEAN.keys())
def test_scan_passes_each_clean_look_alike(table: Table) -> None:
    assert scan(table) == []


NAMES_OF_PEOPLE = ("nama", "Nama Siswa", "NAMA_KK", "Nama Penerima Bantuan", "Penerima")


def beside(name: str) -> Table:
    return {name: ("string", ["Budi Santoso"]), "Tanggal Lahir": ("string", ["17-08-1990"])}


@pytest.mark.parametrize("name", NAMES_OF_PEOPLE)
def test_scan_finds_a_birth_date_beside_a_name(name: str) -> None:
    assert [(f.row, f.column, f.kind) for f in scan(beside(name)) if f.row is not None] == [
        (0, "Tanggal Lahir", "dob")
    ]


@pytest.mark.parametrize("name", NAMES_OF_PEOPLE)
def test_gate_blocks_a_birth_date_beside_a_name(make_contract, name: str) -> None:
    result = gate(make_contract, beside(name))
    shown = [p.message_en for p in result.blocking if p.row == 2]
    assert len(shown) == 1 and shown[0].startswith("date of birth beside a name: "), shown
    assert "1990" not in shown[0]


def test_split_finding_names_every_column_and_the_row() -> None:
    columns = {"nama": ["Budi", "Siti"], "a": ["1", "3671 0145"], "b": ["2", "0290 0001"]}
    [finding] = scan_columns(columns)
    assert (finding.row, finding.columns, finding.kind) == (1, ("a", "b"), "nik")
    assert finding.masked == "3671********0001"


def test_a_nik_as_a_column_name_is_found() -> None:
    [finding] = scan_columns({NIK: ["Budi"]})
    assert (finding.row, finding.kind, finding.masked) == (None, "nik", "3671********0001")
    [finding] = scan_columns({digits_in(0x0660): ["Budi"]})
    assert finding.kind == "nik"


def test_dict_and_list_cells_are_walked() -> None:
    findings = scan_columns({"data": [{"kontak": {"hp": 81234567890}}, [{"nik": NIK}], None]})
    assert sorted((f.row, f.kind) for f in findings) == [(0, "phone"), (1, "nik")]


@pytest.mark.parametrize("value", [NIK_FORMS["zero-width space"], NIK_FORMS["Arabic-Indic digits"]])
def test_masking_covers_the_original_characters(value: str) -> None:
    from tangerang_quality.pii import mask_text

    masked = mask_text(f"NIK {value}.")
    assert masked == "NIK 3671********0001."


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ('surat ke "budi santoso"@example.com.', 'surat ke "***@example.com.'),
        ("surat ke bùdi.sàntoso@contoh.id", "surat ke b***@contoh.id"),
    ],
)
def test_an_e_mail_is_masked_with_all_its_local_part(value: str, masked: str) -> None:
    from tangerang_quality.pii import mask_text

    assert mask_text(value) == masked


def test_keyword_is_needed_for_a_bare_mobile_number_in_free_text() -> None:
    assert scan_text("kode 81234567890") == []
    assert [m.kind for m in scan_text("hp 81234567890")] == ["phone"]


# -- run_gate ---------------------------------------------------------------------------------


def gate(make_contract, table: Table, **field_options: Any):
    fields = [Field(name, kind, name, **field_options) for name, (kind, _) in table.items()]
    arrays = {name: pa.array(values, ARROW[kind]) for name, (kind, values) in table.items()}
    return run_gate(pa.table(arrays), make_contract(fields))


@pytest.mark.parametrize(("table", "kind"), FOUND.values(), ids=FOUND.keys())
def test_gate_blocks_each_form(make_contract, table: Table, kind: str) -> None:
    result = gate(make_contract, table)
    assert not result.success
    # A value problem on the data row, not only the header rule.
    rows = [p for p in result.blocking if p.row == 2]
    assert rows and all(p.expectation and "pii" in p.expectation for p in rows), rows
    assert any(kind in p.message_en for p in rows), [p.message_en for p in rows]
    shown = " ".join(f"{p.message} {p.message_en}" for p in result.blocking)
    shown += json.dumps(result.gx_result, default=str)
    assert NIK not in shown and "12345678" not in shown


@pytest.mark.parametrize("table", CLEAN.values(), ids=CLEAN.keys())
def test_gate_passes_each_clean_look_alike(make_contract, table: Table) -> None:
    result = gate(make_contract, table)
    assert result.success, [str(p) for p in result.blocking]


def test_gate_names_both_columns_of_a_split_nik(make_contract) -> None:
    table: Table = {
        "kode": ("string", ["001", "002"]),
        "nik_awal": ("string", ["3671 0145", "3671 0112"]),
        "nik_akhir": ("string", ["0290 0001", "0590 0003"]),
    }
    result = gate(make_contract, table)
    split = [p for p in result.blocking if p.expectation.endswith("split_pii")]
    assert [(p.row, p.column) for p in split] == [
        (2, "nik_awal+nik_akhir"),
        (3, "nik_awal+nik_akhir"),
    ]
    assert split[0].message_en == "nik split over columns nik_awal + nik_akhir: 3671********0001"
    assert split[0].message == "NIK terbagi ke kolom nik_awal + nik_akhir: 3671********0001"
    assert "0145" not in json.dumps(result.gx_result, default=str)


def test_gate_split_stops_at_a_column_with_an_allowed_reason(make_contract) -> None:
    fields = [
        Field("a", "string", "A"),
        Field("catatan", "string", "Catatan", pii_allowed_reason="nomor layanan"),
        Field("b", "string", "B"),
    ]
    t = pa.table({"a": ["3671 0145"], "catatan": ["x"], "b": ["0290 0001"]})
    assert run_gate(t, make_contract(fields)).success


def test_gate_reports_a_nik_used_as_a_field_name(make_contract) -> None:
    fields = [Field("kode", "string", "Kode"), Field(f"x{NIK}", "string", "?")]
    result = run_gate(pa.table({"kode": ["1"], f"x{NIK}": ["a"]}), make_contract(fields))
    header = [p for p in result.blocking if p.expectation == "tangerang_column_name_pii"]
    assert [p.message_en for p in header] == [
        "column name holds personal data (nik): 3671********0001"
    ]
    assert [p.message for p in header] == ["nama kolom memuat data pribadi (NIK): 3671********0001"]
    assert all(NIK not in (p.column or "") for p in header)


def test_allowed_phone_number_column_is_emptied_by_mask_table(make_contract) -> None:
    fields = [Field("no_telp", "integer", "Telepon", pii_allowed_reason="nomor layanan")]
    c = make_contract(fields)
    t = pa.table({"no_telp": pa.array([81234567890, 12, None], pa.int64())})
    assert mask_table(t, c).column("no_telp").to_pylist() == [None, 12, None]
