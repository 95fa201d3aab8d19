"""`hub scan` speaks Bahasa Indonesia by default and English with HUB_LANG=en; either way it
names the file, row and column of each finding and shows only masked values."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from tangerang_hub.scan import EXIT_CLEAN, EXIT_ERROR, EXIT_FOUND, main
from tangerang_quality.masking import mask_digits

NIK = "3671014502900001"
PHONE = "0812-3456-7890"
FORMULA = '=HYPERLINK("http://contoh.id","Unduh")'
ENGLISH_WORDS = ("finding", "row", "column", "clean", "phone", "value", "file", "error")


def scan(monkeypatch: pytest.MonkeyPatch, lang: str, *paths: Path) -> tuple[int, str, str]:
    """`hub scan PATH...` with HUB_LANG=`lang`: (exit code, stdout, stderr)."""
    monkeypatch.setenv("HUB_LANG", lang)
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    code = main([str(p) for p in paths], out=out)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def laporan(tmp_path: Path) -> Path:
    path = tmp_path / "laporan.csv"
    path.write_text(
        f"nama;catatan;keterangan;tautan\nBudi;NIK {NIK};hubungi {PHONE};{FORMULA}\n",
        encoding="utf-8",
    )
    return path


def test_findings_in_indonesian_by_default(monkeypatch, laporan: Path) -> None:
    code, out, _ = scan(monkeypatch, "", laporan)
    assert code == EXIT_FOUND
    assert out.splitlines() == [
        f"{laporan}:2:catatan: NIK nilai=3671********0001",
        f"{laporan}:2:keterangan: nomor telepon nilai={mask_digits('081234567890')}",
        f"{laporan}:2:tautan: rumus spreadsheet nilai='=HYPERLINK(\"http://co...'",
        "3 temuan di 1 berkas: rumus spreadsheet 1, NIK 1, nomor telepon 1",
    ]
    words = set(re.findall(r"[a-z]+", out.replace(str(laporan), "").lower()))
    assert not words & set(ENGLISH_WORDS), words


def test_findings_in_english_with_hub_lang_en(monkeypatch, laporan: Path) -> None:
    code, out, _ = scan(monkeypatch, "en", laporan)
    assert code == EXIT_FOUND
    assert out.splitlines() == [
        f"{laporan}:2:catatan: nik value=3671********0001",
        f"{laporan}:2:keterangan: phone value={mask_digits('081234567890')}",
        f"{laporan}:2:tautan: formula value='=HYPERLINK(\"http://co...'",
        "3 finding(s) in 1 file(s): formula 1, nik 1, phone 1",
    ]


@pytest.mark.parametrize("lang", ["", "en"])
def test_only_masked_values_in_either_language(monkeypatch, laporan: Path, lang: str) -> None:
    _, out, _ = scan(monkeypatch, lang, laporan)
    for raw in (NIK, PHONE, "0145", "3456-7890", "Unduh"):
        assert raw not in out, raw


def test_a_column_name_finding_and_an_identifier_as_header(monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "kepala.csv"
    path.write_text(f"nama;no_hp;{NIK}\nBudi;-;ya\n", encoding="utf-8")
    _, out, _ = scan(monkeypatch, "", path)
    assert f"{path}:1:no_hp: nomor telepon nilai=(nama kolom)" in out
    assert f"{path}:1:3671********0001: NIK nilai=3671********0001" in out
    _, out_en, _ = scan(monkeypatch, "en", path)
    assert f"{path}:1:no_hp: phone value=(column name)" in out_en
    assert NIK not in out + out_en


def test_clean_and_unreadable_in_both_languages(monkeypatch, tmp_path: Path) -> None:
    clean = tmp_path / "bersih.csv"
    clean.write_text("kode;nama\n001;Puskesmas Cibodas\n", encoding="utf-8")
    assert scan(monkeypatch, "", clean)[:2] == (
        EXIT_CLEAN,
        "bersih: tidak ada data pribadi atau rumus spreadsheet di 1 berkas\n",
    )
    assert scan(monkeypatch, "en", clean)[:2] == (
        EXIT_CLEAN,
        "clean: no personal data or formula injection in 1 file(s)\n",
    )
    photo = tmp_path / "foto.jpg"
    photo.write_bytes(b"\xff\xd8\xff")
    code, out, err = scan(monkeypatch, "", photo)
    assert code == EXIT_ERROR
    assert (out, err) == (
        "1 berkas tidak dapat dibaca\n",
        f"galat: {photo}: jenis berkas .jpg tidak didukung; gunakan CSV, XLSX atau JSON\n",
    )
    code, out, err = scan(monkeypatch, "en", photo)
    assert (out, err) == (
        "1 file(s) could not be read\n",
        f"error: {photo}: unsupported file type .jpg; use CSV, XLSX or JSON\n",
    )


def test_a_reader_refusal_names_the_row_in_the_language(monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "campur.csv"
    path.write_bytes("nama;catatan\nKafe;Negeri – baru\n".encode() + b"Caf\xe9;x\n")
    _, _, err = scan(monkeypatch, "", path)
    assert err.startswith(f"galat: {path}: baris 3: ")
    _, _, err_en = scan(monkeypatch, "en", path)
    assert err_en.startswith(f"error: {path}: row 3: ")
