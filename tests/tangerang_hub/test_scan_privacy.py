"""`hub scan` on files holding personal data in the forms a real spreadsheet produces, read as a
run reads them, and on clean look-alikes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from tangerang_hub.scan import EXIT_CLEAN, EXIT_FOUND, main

NIK = "3671014502900001"
ARABIC_NIK = "".join(chr(0x0660 + int(d)) for d in NIK)


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English output; test_scan_language.py checks the Indonesian."""
    monkeypatch.setenv("HUB_LANG", "en")


def run(path: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = main([str(path)], out=out)
    return code, out.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ("nama,catatan\nBudi,(+62) 812-3456-7890\n", "phone"),
        ("nama,catatan\nBudi,+62 (0)812-3456-7890\n", "phone"),
        ("nama,catatan\nBudi,0812/3456/7890\n", "phone"),
        ("nama,no_telp\nBudi,81234567890\n", "phone"),
        ("nama,catatan\nBudi,3671/0145/0290/0001\n", "nik"),
        ("nama,catatan\nBudi,3671_0145_0290_0001\n", "nik"),
        ("nama,catatan\nBudi,3671\u20130145\u20130290\u20130001\n", "nik"),
        ("nama,catatan\nBudi,3671\u200b0145\u200b0290\u200b0001\n", "nik"),
        (f"nama,catatan\nBudi,{ARABIC_NIK}\n", "nik"),
        ("nama,bagian_1,bagian_2\nBudi,3671 0145,0290 0001\n", "nik"),
        (f"{NIK},nama\n1,Budi\n", "nik"),
    ],
)
def test_each_form_is_found_in_a_csv(tmp_path: Path, content: str, kind: str) -> None:
    path = tmp_path / "data.csv"
    path.write_text(content, encoding="utf-8")
    code, out = run(path)
    assert code == EXIT_FOUND, out
    assert f": {kind} value=" in out
    assert NIK not in out and "3456-7890" not in out and "0145" not in out


def test_excel_number_that_lost_its_leading_zero(tmp_path: Path) -> None:
    path = tmp_path / "kontak.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["nama", "no_telp"])
    book.active.append(["Budi", 81234567890])
    book.active.append(["Siti", 8.5712345678e10])
    book.save(path)
    code, out = run(path)
    assert code == EXIT_FOUND
    assert out.count(": phone value=") == 3  # the header and both numbers


def test_nested_json(tmp_path: Path) -> None:
    path = tmp_path / "laporan.json"
    records = [{"id": 1, "pelapor": {"nama": "Budi", "kontak": {"hp": 81234567890}}}]
    path.write_text(json.dumps(records), encoding="utf-8")
    code, out = run(path)
    assert code == EXIT_FOUND, out
    assert ": phone value=" in out


def test_clean_look_alikes(tmp_path: Path) -> None:
    path = tmp_path / "bersih.csv"
    path.write_text(
        "kode_kelurahan,jumlah_penduduk,nop,telp_kantor,lokasi,anggaran,surat\n"
        "3671011001,234567,36.71.010.001.001-0001.0,(021) 5523456,"
        '"-6.1781, 106.6319",Rp 1.234.567.890.123.456,050/123/Bappeda/2024\n',
        encoding="utf-8",
    )
    code, out = run(path)
    assert code == EXIT_CLEAN, out


def test_a_split_identifier_names_both_columns(tmp_path) -> None:
    import io

    from tangerang_hub.scan import main

    path = tmp_path / "pecah.csv"
    path.write_text("nama,depan,belakang\nA,3671 0145,0290 0001\nB,3671 0145,0290 0002\n")
    out = io.StringIO()
    assert main([str(path)], out=out) == 2
    assert ":depan+belakang: nik" in out.getvalue()
    assert "3671014502900001" not in out.getvalue()
