from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pytest

from tangerang_hub import scan
from tangerang_hub.contracts import Contract, Field, get_contract
from tangerang_hub.normalize import NormalizeError, normalize, row_numbers
from tangerang_hub.pipeline import read_source_file
from tangerang_hub.scan import EXIT_CLEAN, EXIT_ERROR, EXIT_FOUND, main
from tangerang_hub.sources import excel as excel_module
from tangerang_quality.masking import mask_digits

FIXTURES = Path(__file__).parent / "fixtures"
PHONE = mask_digits("081234567890")  # how the one masker shows 0812-3456-7890


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English output; test_scan_language.py checks the Indonesian."""
    monkeypatch.setenv("HUB_LANG", "en")


def run(*paths: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = main([str(p) for p in paths], out=out)
    return code, out.getvalue()


def test_hidden_nik_in_free_text_is_found_with_row_and_column() -> None:
    code, out = run(FIXTURES / "aspirasi_nik_tersembunyi.csv")
    assert code == EXIT_FOUND
    lines = out.splitlines()
    assert lines[0].endswith(
        "aspirasi_nik_tersembunyi.csv:3:isi_laporan: nik value=3671********0001"
    )
    assert "0145" not in out
    assert lines[-1].startswith("1 finding(s)")


def test_rupiah_totals_are_clean() -> None:
    code, out = run(FIXTURES / "anggaran_rupiah_16digit.csv")
    assert code == EXIT_CLEAN, out
    assert out.startswith("clean")


def test_a_formula_in_the_header_is_found(tmp_path: Path) -> None:
    path = tmp_path / "judul.csv"
    path.write_text("=cmd|' /C calc'!A0;b\n1;2\n", encoding="utf-8")
    code, out = run(path)
    assert code == EXIT_FOUND, out
    assert "judul.csv:1:=cmd|' /C calc'!A0: formula" in out


def test_cp1252_semicolon_csv_with_formula(tmp_path: Path) -> None:
    path = tmp_path / "laporan.csv"
    path.write_bytes('nama;catatan\nCaf\xe9 Asri;=HYPERLINK("x")\n'.encode("cp1252"))
    code, out = run(path)
    assert code == EXIT_FOUND
    assert "laporan.csv:2:catatan: formula" in out


def test_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "warga.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Data"
    ws.append(["nama", "no_hp"])
    ws.append(["Budi", "0812-3456-7890"])
    book.save(path)
    code, out = run(path)
    assert code == EXIT_FOUND
    assert "warga.xlsx[Data]:1:no_hp: phone" in out
    assert f"warga.xlsx[Data]:2:no_hp: phone value={PHONE}" in out


@pytest.mark.parametrize(
    "wrap", [lambda r: r, lambda r: {"result": {"records": r}}, lambda r: {"data": r}]
)
def test_json(tmp_path: Path, wrap) -> None:
    path = tmp_path / "data.json"
    records = [
        {"kategori": "jalan", "isi": "ok"},
        {"kategori": "lain", "isi": "mail ani@example.com"},
    ]
    path.write_text(json.dumps(wrap(records)), encoding="utf-8")
    code, out = run(path)
    assert code == EXIT_FOUND
    assert "data.json:2:isi: email value=a***@example.com" in out


def test_unreadable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "rusak.json"
    bad.write_text("{not json", encoding="utf-8")
    missing = tmp_path / "tidak_ada.csv"
    assert run(bad)[0] == EXIT_ERROR
    assert run(missing)[0] == EXIT_ERROR
    assert "not valid JSON" in capsys.readouterr().err


def test_nested_json_without_a_record_list(tmp_path: Path) -> None:
    path = tmp_path / "gempa.json"
    doc = {"Infogempa": {"gempa": [{"Wilayah": "Banten"}, {"Wilayah": "hp 081234567890"}]}}
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert run(path) == (
        EXIT_FOUND,
        f"{path}:2:Wilayah: phone value={PHONE}\n1 finding(s) in 1 file(s): phone 1\n",
    )
    single = tmp_path / "profil.json"
    single.write_text(json.dumps({"kontak": {"email": "x@example.org"}}), encoding="utf-8")
    code, out = run(single)
    assert code == EXIT_FOUND
    assert "kontak.email: email" in out


# --------------------------------------------------------------------------- read as a run reads

NIK = "3671014502900001"


def test_tab_delimited_file_is_read_by_columns(tmp_path: Path) -> None:
    path = tmp_path / "warga.tsv"
    path.write_text("nama\tno_hp\tcatatan\nBudi\t0812-3456-7890\t=SUM(A1)\n", encoding="utf-8")
    code, out = run(path)
    assert code == EXIT_FOUND
    assert f"{path}:2:no_hp: phone value={PHONE}" in out
    assert f"{path}:2:catatan: formula" in out


def test_a_csv_stays_in_arrow_columns_and_cells_beyond_the_header_are_scanned(
    tmp_path: Path,
) -> None:
    plain = tmp_path / "rapi.csv"
    plain.write_text("nama;no_hp\nBudi;0812-3456-7890\n", encoding="utf-8")
    sheet = scan.read_file(plain)
    assert all(isinstance(v, pa.ChunkedArray) for v in sheet.columns.values())  # no lists
    wide = tmp_path / "lebar.csv"  # row 3 has a cell the header does not name
    wide.write_text(f"nama;kota\nBudi;Tangerang\nSiti;Tangerang;{NIK}\n", encoding="utf-8")
    code, out = run(wide)
    assert code == EXIT_FOUND
    assert f"{wide}:3:column_3: nik value=3671" in out


def test_a_workbook_is_read_once_and_a_cell_beyond_its_header_is_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["nama", "kota"])
    wb.active.append(["Budi", "Tangerang", None, f"NIK {NIK}"])  # a note in column D
    path = tmp_path / "catatan.xlsx"
    wb.save(path)
    reads: list[str] = []
    read_rows = scan.read_rows
    monkeypatch.setattr(
        scan, "read_rows", lambda batch: reads.append(batch.filename) or read_rows(batch)
    )
    code, out = run(path)
    assert code == EXIT_FOUND
    assert f"{path}[Sheet]:2:column_4: nik value=3671" in out
    assert reads == ["catatan.xlsx"]


def test_mixed_encoding_is_refused_naming_the_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = "nama;catatan\nKafe;Negeri – baru\n".encode() + b"Caf\xe9;0812-3456-7890\n"
    path = tmp_path / "campur.csv"
    path.write_bytes(content)
    code, out = run(path)
    assert code == EXIT_ERROR
    assert "phone" not in out  # nothing is scanned from a file a run would refuse
    err = capsys.readouterr().err
    bad = content.index(b"\xe9")
    assert f"byte {bad} " in err and "row 3" in err


def test_nik_as_a_column_header_is_found(tmp_path: Path) -> None:
    path = tmp_path / "kepala.csv"
    path.write_text(f"nama;{NIK}\nBudi;ya\n", encoding="utf-8")
    code, out = run(path)
    assert code == EXIT_FOUND
    assert f"{path}:1:" in out and ": nik value=3671" in out
    assert NIK not in out  # neither as the value nor as the column name


def test_unsupported_type_is_unreadable(tmp_path: Path, capsys) -> None:
    path = tmp_path / "foto.jpg"
    path.write_bytes(b"\xff\xd8\xff")
    assert run(path)[0] == EXIT_ERROR
    assert "unsupported file type .jpg" in capsys.readouterr().err


def xlsx_bytes(rows: list[list[Any]], sheets: int = 1) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    for i in range(1, sheets):
        book.create_sheet(f"s{i}")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# (file name, bytes, None when both read it, else what both say when refusing it)
SAME_BYTES: dict[str, tuple[str, bytes, str | None]] = {
    "tab": ("data.tsv", b"kode\tnama\n007\tBudi \n\n008\t\n", None),
    "cp1252 semicolon": ("data.csv", "kode;nama\n007;Caf\xe9\n".encode("cp1252"), None),
    "utf-8 bom comma": ("data.csv", "\ufeffkode,nama\n007,Ani\n".encode(), None),
    "quoted newline": ("data.csv", b'kode,nama\n007,"Ani\nSari"\n008,Budi\n', None),
    "json records": (
        "data.json",
        json.dumps({"result": {"records": [{"kode": "007", "nama": "Ani"}, {"kode": 8}]}}).encode(),
        None,
    ),
    "xlsx": ("data.xlsx", xlsx_bytes([[], ["kode", "nama"], ["007", "Ani"], ["008"]]), None),
    "mixed encoding": (
        "data.csv",
        "kode;nama\n007;Negeri \u2013 baru\n".encode() + b"008;Caf\xe9\n",
        "byte 37 (line 3)",
    ),
    "xlsx sheets": ("data.xlsx", xlsx_bytes([["kode", "nama"]], sheets=21), "21 sheets"),
    "xlsx rows": (
        "data.xlsx",
        xlsx_bytes([["kode", "nama"], *[["1", "a"]] * 5]),
        "more than 4 rows",
    ),
    "xlsx size": ("data.xlsx", b"PK" + b"\0" * (20 * 1024 * 1024), "over the limit"),
    "bad json": ("data.json", b"{not json", "not valid JSON"),
    "empty": ("data.csv", b"\n\n", "empty"),
}


def string_contract(names: list[str]) -> Contract:
    fields = tuple(Field(name=n, type="string", title=n) for n in names)
    return replace(get_contract("fasyankes"), fields=fields, primary_key=())


def as_text(value: Any) -> str | None:
    """A cell as normalize keeps it in a string column: trimmed text, empty -> None."""
    text = "" if value is None else str(value).strip()
    return text or None


@pytest.mark.parametrize(("name", "content", "refused"), SAME_BYTES.values(), ids=SAME_BYTES)
def test_scan_reads_exactly_what_a_run_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: bytes, refused: str | None
) -> None:
    monkeypatch.setattr(excel_module, "DEFAULT_MAX_ROWS", 4)  # the one table of Excel limits
    path = tmp_path / name
    path.write_bytes(content)
    batch = read_source_file(path)  # what `hub run --source-file` reads
    if refused is not None:
        with pytest.raises(scan.UnreadableFile) as scanned:
            scan.read_file(path)
        with pytest.raises(NormalizeError) as normalized:
            normalize(batch, string_contract(["kode", "nama"]))
        messages = [p.text("en") for p in normalized.value.problems]
        assert any(refused in m for m in messages)
        assert all(m in str(scanned.value) for m in messages)
        said = scanned.value.said.render("id")  # the Indonesian reason, the reader's own words
        assert all(p.text("id") in said for p in normalized.value.problems)
        return
    sheet = scan.read_file(path)
    table = normalize(batch, string_contract(list(sheet.columns)))
    assert list(sheet.columns) == ["kode", "nama"]
    columns = {
        c: vs.to_pylist() if hasattr(vs, "to_pylist") else vs for c, vs in sheet.columns.items()
    }
    assert table.to_pydict() == {c: [as_text(v) for v in vs] for c, vs in columns.items()}
    assert row_numbers(table) == [int(n) for n in sheet.row_numbers]
