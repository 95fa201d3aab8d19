"""A source column the contract does not know is named in a warning (issue 11, item 1)."""

from __future__ import annotations

from pathlib import Path

from tangerang_hub import pipeline
from tangerang_hub.contracts import get_contract

SAMPLE = Path(__file__).resolve().parents[2] / "stack/sample_agency/data/dinkes/fasyankes.csv"


def with_extra_column(tmp_path: Path, header: str) -> Path:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    out = [f"{lines[0]};{header}"] + [f"{line};x" for line in lines[1:]]
    path = tmp_path / "fasyankes-baru.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def dry_run(tmp_path: Path, source: Path):
    return pipeline.run(
        get_contract("fasyankes"), source_file=source, dry_run=True, workdir=tmp_path, run_id="d"
    )


def test_an_unknown_column_is_a_warning_naming_it(tmp_path: Path) -> None:
    report = dry_run(tmp_path, with_extra_column(tmp_path, "catatan_petugas"))
    assert report.message_code == "dry_run"  # valid: the warning does not block
    [warning] = [w for w in report.warnings if w.expectation == "unknown_column"]
    assert warning.column == "catatan_petugas"
    assert warning.row == 1 and warning.file == "fasyankes-baru.csv"
    assert warning.message == (
        "kolom 'catatan_petugas' tidak ada di kontrak dan tidak diterbitkan; "
        "apakah format ekspor sumber berubah?"
    )
    assert warning.message_en == (
        "column 'catatan_petugas' is not in the contract and is not published; "
        "has the source's export format changed?"
    )


def test_a_known_export_has_no_such_warning(tmp_path: Path) -> None:
    report = dry_run(tmp_path, SAMPLE)
    assert not [w for w in report.warnings if w.expectation == "unknown_column"]


def test_an_identifier_as_a_column_name_is_masked_in_the_warning(tmp_path: Path) -> None:
    report = dry_run(tmp_path, with_extra_column(tmp_path, "3671014502900001"))
    text = " ".join(f"{w.column} {w.message} {w.message_en}" for w in report.warnings)
    assert "3671014502900001" not in text
    assert "3671********0001" in text
