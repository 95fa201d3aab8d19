from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from tangerang_quality.scan import EXIT_CLEAN, EXIT_ERROR, EXIT_FOUND, main

FIXTURES = Path(__file__).parent / "fixtures"


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
    assert "warga.xlsx[Data]:2:no_hp: phone value=0812****7890" in out


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
        f"{path}:2:Wilayah: phone value=0812****7890\n1 finding(s) in 1 file(s): phone 1\n",
    )
    single = tmp_path / "profil.json"
    single.write_text(json.dumps({"kontak": {"email": "x@example.org"}}), encoding="utf-8")
    code, out = run(single)
    assert code == EXIT_FOUND
    assert "kontak.email: email" in out
