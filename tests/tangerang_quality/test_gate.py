from __future__ import annotations

import datetime
import json
import re
from functools import partial
from pathlib import Path

import pyarrow as pa
import pytest

from tangerang_hub.contracts import Field
from tangerang_hub.validate import reference_codes
from tangerang_quality import gate
from tangerang_quality.gate import mask_table

# The engine hands the gate its wilayah reference; so do these tests.
run_gate = partial(gate.run_gate, reference_codes=reference_codes())

FIELDS = [
    Field("kode", "string", "Kode", required=True, unique=True, pattern=r"^\d{3}$"),
    Field("kecamatan", "string", "Kecamatan", required=True, reference="kecamatan"),
    Field("jenis", "string", "Jenis", enum=("Puskesmas", "Klinik")),
    Field("keterangan", "string", "Keterangan"),
    Field("tanggal", "date", "Tanggal"),
    Field("jumlah", "integer", "Jumlah", minimum=0, maximum=100),
    Field("latitude", "number", "Lintang", role="latitude"),
    Field("longitude", "number", "Bujur", role="longitude"),
]


def table(**changes: list) -> pa.Table:
    data = {
        "kode": ["001", "002", "003"],
        "kecamatan": ["36.71.01", "36.71.02", "36.71.03"],
        "jenis": ["Puskesmas", "Klinik", None],
        "keterangan": ["buka 24 jam", None, "Rp 1.234.567.890.123.456"],
        "tanggal": [datetime.date(2024, 1, 5), None, datetime.date(2024, 3, 1)],
        "jumlah": pa.array([1, None, 100], pa.int64()),
        "latitude": [-6.17, -6.2, -6.15],
        "longitude": [106.63, 106.7, 106.6],
    }
    data.update(changes)
    return pa.table(data)


def test_clean_batch_passes(make_contract) -> None:
    result = run_gate(table(), make_contract(FIELDS, primary_key=("kode",)))
    assert result.success, [str(p) for p in result.blocking]
    assert result.blocking == [] and result.warnings == []
    assert result.statistics["rows"] == 3
    assert result.gx_result["success"] is True


def test_phone_in_one_cell_is_rejected_with_row_column_and_masked_value(make_contract) -> None:
    notes = ["buka 24 jam", "hubungi 0812-3456-7890", None]
    result = run_gate(table(keterangan=notes), make_contract(FIELDS))
    assert not result.success
    [problem] = result.blocking
    assert (problem.file, problem.row, problem.column) == ("uji-dataset", 3, "keterangan")
    assert problem.expectation == "expect_column_values_to_not_contain_pii"
    assert problem.message == "nomor telepon: hubungi 0812******90"
    assert problem.message_en == "phone: hubungi 0812******90"
    assert "0812-3456-7890" not in json.dumps(result.gx_result, default=str)


def test_each_rule_names_its_cell(make_contract) -> None:
    bad = table(
        kode=["001", "001", "x"],
        kecamatan=["36.71.01", "36.71.99", None],
        jenis=["Puskesmas", "Toko", None],
        keterangan=["=cmd()", None, None],
        jumlah=pa.array([1, 101, -1], pa.int64()),
        latitude=[-6.17, -7.0, -6.15],
    )
    result = run_gate(bad, make_contract(FIELDS))
    cells = {(p.row, p.column, p.expectation) for p in result.blocking}
    assert {
        (2, "kode", "expect_column_values_to_be_unique"),
        (3, "kode", "expect_column_values_to_be_unique"),
        (4, "kode", "expect_column_values_to_match_regex"),
        (3, "kecamatan", "expect_column_values_to_be_wilayah_code"),
        (4, "kecamatan", "expect_column_values_to_not_be_null"),
        (3, "jenis", "expect_column_values_to_be_in_set"),
        (2, "keterangan", "expect_column_values_to_not_be_formula_injection"),
        (3, "jumlah", "expect_column_values_to_be_within_range"),
        (4, "jumlah", "expect_column_values_to_be_within_range"),
        (3, "latitude", "expect_column_values_to_be_kota_tangerang_latitude"),
    } <= cells


def test_each_rule_is_worded_in_indonesian_and_english(make_contract) -> None:
    bad = table(
        kode=["001", "001", "x"],
        kecamatan=["36.71.01", "36.71.99", None],
        jenis=["Puskesmas", "Toko", None],
        keterangan=["=cmd()", None, None],
        jumlah=pa.array([1, 101, -1], pa.int64()),
        latitude=[-6.17, -7.0, -6.15],
    ).drop_columns(["longitude"])
    result = run_gate(bad, make_contract(FIELDS))
    said = {(p.row, p.column): (p.message, p.message_en) for p in result.blocking if p.row}
    whole_column = {(p.column, p.message, p.message_en) for p in result.blocking if not p.row}
    assert said[(3, "kode")] == ("nilai tidak unik: '001'", "value is not unique: '001'")
    assert said[(4, "kecamatan")] == ("nilai kosong (wajib diisi)", "value is missing (required)")
    assert said[(2, "keterangan")] == (
        "teks berupa rumus spreadsheet (formula injection): '=cmd()'",
        "text is a spreadsheet formula (formula injection): '=cmd()'",
    )
    assert said[(3, "kecamatan")][0].startswith("bukan kode kecamatan Kota Tangerang")
    assert said[(3, "kecamatan")][1].startswith("not a Kota Tangerang kecamatan code")
    assert said[(3, "jumlah")][0].startswith("nilai di luar ")
    assert said[(3, "jumlah")][1].startswith("value outside ")
    assert ("longitude", "kolom tidak ada", "column is missing") in whole_column
    # GX cannot run the type check on a missing column: said so in both languages.
    assert any(
        " tidak dapat dijalankan: " in m and " could not run: " in e
        for c, m, e in whole_column
        if c == "longitude"
    ), whole_column


def test_problems_beyond_the_limit_are_counted_in_both_languages(make_contract) -> None:
    from tangerang_quality.gate import MAX_PROBLEMS_PER_EXPECTATION

    n = MAX_PROBLEMS_PER_EXPECTATION + 3
    t = pa.table({"kode": [f"x{i}" for i in range(n)]})
    result = run_gate(t, make_contract([Field("kode", "string", "Kode", pattern=r"^\d{3}$")]))
    assert len(result.blocking) == MAX_PROBLEMS_PER_EXPECTATION + 1
    more = result.blocking[-1]
    assert more.row is None
    assert more.message_en == r"value does not match pattern ^\d{3}$: 3 more row(s) not listed"
    assert more.message == r"nilai tidak sesuai pola ^\d{3}$: 3 baris lain tidak dicantumkan"
    assert result.blocking[0].message == "nilai tidak sesuai pola ^\\d{3}$: 'x0'"


def test_warning_publishes_with_a_flag(make_contract) -> None:
    c = make_contract(FIELDS, quality={"severity": {"range": "warning"}})
    result = run_gate(table(jumlah=pa.array([1, 500, 2], pa.int64())), c)
    assert result.success
    assert result.flagged
    assert [(p.row, p.column) for p in result.warnings] == [(3, "jumlah")]


def test_threshold_from_contract(make_contract) -> None:
    jenis = ["Puskesmas", "Toko", "Klinik"]
    strict = run_gate(table(jenis=jenis), make_contract(FIELDS))
    lenient = run_gate(
        table(jenis=jenis), make_contract(FIELDS, quality={"thresholds": {"enum": 0.5}})
    )
    assert not strict.success
    assert lenient.success


def test_wrong_type_and_missing_column(make_contract) -> None:
    t = table(jumlah=["satu", "dua", "tiga"]).drop_columns(["longitude"])
    result = run_gate(t, make_contract(FIELDS))
    assert any(
        p.column == "jumlah" and p.expectation == "expect_column_values_to_be_of_contract_type"
        for p in result.blocking
    )
    assert any(p.column == "longitude" and p.row is None for p in result.blocking)


def test_header_named_like_personal_data_blocks(make_contract) -> None:
    fields = [*FIELDS, Field("no_hp", "string", "Nomor HP")]
    result = run_gate(table(no_hp=[None, None, None]), make_contract(fields))
    assert not result.success
    assert [p.column for p in result.blocking] == ["no_hp"]


def test_pii_allowed_reason_passes_and_mask_table_masks(make_contract) -> None:
    fields = [*FIELDS, Field("no_hp", "string", "Nomor HP", pii_allowed_reason="nomor layanan")]
    c = make_contract(fields)
    t = table(no_hp=["0812-3456-7890", None, "62 856 1234 5678"])
    assert run_gate(t, c).success
    masked = mask_table(t, c)
    assert masked.column("no_hp").to_pylist() == ["0812******90", None, "62856******78"]
    assert masked.column("keterangan").equals(t.column("keterangan"))
    assert masked.schema == t.schema


def test_a_birth_date_column_without_a_name_column_is_masked_date_by_date(make_contract) -> None:
    """TTL written as text, with a reason to publish the column: each date in it is masked,
    whatever surrounds it, though no name column stands beside it."""
    ttl = Field("ttl", "string", "Tempat, tanggal lahir", pii_allowed_reason="sudah diizinkan")
    c = make_contract([*FIELDS, ttl])
    t = table(ttl=["Tangerang, 12 Januari 1990", None, "Jakarta, 01/02/1985"])
    masked = mask_table(t, c)
    assert masked.column("ttl").to_pylist() == [
        "Tangerang, ** Januari ****",
        None,
        "Jakarta, **/**/****",
    ]


def test_a_birth_date_column_without_a_name_column_blocks_row_by_row(make_contract) -> None:
    c = make_contract([*FIELDS, Field("ttl", "string", "Tempat, tanggal lahir")])
    t = table(ttl=["Tangerang, 12 Januari 1990", "Tangerang", "Jakarta, 01/02/1985"])
    result = run_gate(t, c)
    assert not result.success
    rows = sorted(p.row for p in result.blocking if p.column == "ttl" and p.row is not None)
    assert rows == [2, 4]  # as the file counts them: the header is row 1
    assert all("1990" not in p.message and "1985" not in p.message for p in result.blocking)


def test_data_docs_are_built_without_raw_personal_data(make_contract, tmp_path: Path) -> None:
    notes = ["NIK 3671014502900001", None, None]
    result = run_gate(table(keterangan=notes), make_contract(FIELDS), data_docs_dir=tmp_path)
    assert not result.success
    assert result.data_docs_path == tmp_path / "index.html"
    pages = list(tmp_path.rglob("*.html"))
    assert len(pages) >= 2  # index plus the validation page
    text = "".join(p.read_text(encoding="utf-8") for p in pages)
    assert "3671014502900001" not in text
    assert "3671********0001" in text


@pytest.mark.parametrize("name", ["nama", "tgl_lahir"])
def test_birth_date_column_beside_name(make_contract, name: str) -> None:
    fields = [Field("nama", "string", "Nama"), Field("tgl_lahir", "date", "Tanggal lahir")]
    t = pa.table({"nama": ["Budi"], "tgl_lahir": [datetime.date(1990, 5, 12)]})
    result = run_gate(t, make_contract(fields))
    assert not result.success
    assert "tgl_lahir" in {p.column for p in result.blocking}
    assert all("1990" not in p.message for p in result.blocking), name


def test_file_and_row_numbers_from_normalize_metadata(make_contract) -> None:
    t = table(kecamatan=["36.71.01", "36.71.02", "36.71.99"]).replace_schema_metadata(
        {b"tangerang_hub.row_numbers": b"[2, 5, 9]", b"tangerang_hub.file": b"fasyankes.csv"}
    )
    result = run_gate(t, make_contract(FIELDS))
    assert [(p.file, p.row, p.column) for p in result.blocking] == [
        ("fasyankes.csv", 9, "kecamatan")
    ]


def test_compound_primary_key(make_contract) -> None:
    c = make_contract(FIELDS, primary_key=("kecamatan", "jenis"))
    t = table(kecamatan=["36.71.01", "36.71.01", "36.71.02"], jenis=["Klinik", "Klinik", None])
    result = run_gate(t, c)
    keys = [p for p in result.blocking if p.expectation == "expect_compound_columns_to_be_unique"]
    assert [p.row for p in keys] == [2, 3]
    assert "kecamatan='36.71.01'" in keys[0].message
    assert keys[0].message_en.startswith("primary key ['kecamatan', 'jenis'] is not unique: ")
    assert keys[0].message.startswith("kunci utama ['kecamatan', 'jenis'] tidak unik: ")


# -- review fixes ---------------------------------------------------------------------------

NIK = "3671014502900001"


def test_integer_column_of_niks_blocks_with_masked_values(make_contract, tmp_path: Path) -> None:
    fields = [*FIELDS, Field("id_penerima", "integer", "ID penerima")]
    ids = pa.array([int(NIK), 3671015708850002, None], pa.int64())
    result = run_gate(table(id_penerima=ids), make_contract(fields), data_docs_dir=tmp_path)
    assert not result.success
    pii = [p for p in result.blocking if p.column == "id_penerima"]
    assert [(p.row, p.message_en) for p in pii] == [
        (2, "nik: 3671********0001"),
        (3, "nik: 3671********0002"),
    ]
    assert [p.message for p in pii] == ["NIK: 3671********0001", "NIK: 3671********0002"]
    text = json.dumps(result.gx_result, default=str)
    text += "".join(p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.html"))
    assert NIK not in text and "3671015708850002" not in text


def test_integer_column_of_sixteen_digit_totals_passes(make_contract) -> None:
    fields = [*FIELDS, Field("anggaran", "integer", "Anggaran (Rp)")]
    totals = pa.array([1234567890123456, 3671010001000100, 9_000_000_000_000_000], pa.int64())
    result = run_gate(table(anggaran=totals), make_contract(fields))
    assert result.success, [str(p) for p in result.blocking]


def test_numbers_in_messages_results_and_docs_are_masked(make_contract, tmp_path: Path) -> None:
    fields = [
        *FIELDS,
        Field("id_penerima", "integer", "ID", unique=True),
        Field("kode_unit", "string", "Kode unit", enum=("A", "B")),
    ]
    ids = pa.array([int(NIK), int(NIK), 1234567890123456], pa.int64())
    units = ["A", "kontak budi@example.go.id ref 9876 5432 1098", "B"]
    result = run_gate(
        table(id_penerima=ids, kode_unit=units), make_contract(fields), data_docs_dir=tmp_path
    )
    messages = " ".join(f"{p.message} {p.message_en}" for p in result.blocking)
    assert "value is not unique: '3671********0001'" in messages
    assert "nilai tidak unik: '3671********0001'" in messages
    shown = messages + json.dumps(result.gx_result, default=str)
    shown += "".join(p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.html"))
    for raw in (NIK, "budi@example.go.id", "9876 5432 1098"):
        assert raw not in shown, raw
    # the middle group alone, not as digits of something else (a timestamp's .654321 seconds)
    assert re.search(r"(?<!\d)5432(?!\d)", shown) is None
    assert "b***@example.go.id" in messages


def test_mask_value_turns_numbers_into_masked_text() -> None:
    from tangerang_quality.gate import mask_value

    assert mask_value(int(NIK)) == "3671********0001"
    assert mask_value(float(NIK)) == "3671********0001"
    assert mask_value(1234567890123456) == "1234********3456"
    assert mask_value(int(NIK), "pii") == "3671********0001"
    assert mask_value(42) == 42 and mask_value(-6.17) == -6.17  # nothing to hide
    assert mask_value({"id": int(NIK)}) == {"id": "3671********0001"}


def test_leading_sign_text_warns_and_real_formula_blocks(make_contract) -> None:
    notes = ["- Tidak ada data", "+62 21 5523456", None]
    warned = run_gate(table(keterangan=notes), make_contract(FIELDS))
    assert warned.success and warned.flagged
    assert [(p.row, p.column) for p in warned.warnings] == [(2, "keterangan"), (3, "keterangan")]
    blocked = run_gate(table(keterangan=["=1+1", "-SUM(A1:A3)", None]), make_contract(FIELDS))
    assert not blocked.success
    assert [p.row for p in blocked.blocking] == [2, 3]


def test_mask_table_drops_niks_from_an_allowed_integer_column(make_contract) -> None:
    fields = [*FIELDS, Field("nik", "integer", "NIK", pii_allowed_reason="izin tertulis")]
    c = make_contract(fields)
    t = table(nik=pa.array([int(NIK), 12, None], pa.int64()))
    masked = mask_table(t, c)
    assert masked.column("nik").to_pylist() == [None, 12, None]
    assert masked.schema == t.schema
