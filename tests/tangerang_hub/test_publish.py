"""Publishing into the real CKAN test site: idempotent, atomic, typed, skips unchanged data."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from ckan_site import anonymous_client, approve, bot_client, contract_copy

from tangerang_hub import pipeline
from tangerang_hub.ckan_client import CkanError
from tangerang_hub.contracts import Field
from tangerang_hub.publish import RESOURCES, SAMPLE_TAG
from tangerang_hub.workdir import state_path

# The raw test number, written or normalized; a random id alone may contain "3456".
RAW_PHONE = re.compile(r"0812\D?3456")

ROOT = Path(__file__).resolve().parents[2]
FASYANKES_CSV = ROOT / "stack/sample_agency/data/dinkes/fasyankes.csv"


def run(contract, source: Path, workdir: Path, run_id: str):
    """One pipeline run; a publication waiting for the walidata's review is approved."""
    report = pipeline.run(
        contract, client=bot_client(), source_file=source, workdir=workdir, run_id=run_id
    )
    if report.status == "published":
        approve(contract.id)
    return report


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """One sample dataset published once; the tests below read and re-run it."""
    contract = contract_copy("fasyankes")
    workdir = tmp_path_factory.mktemp("hub")
    report = run(contract, FASYANKES_CSV, workdir, "run-1")
    assert report.status == "published", report.message
    return contract, workdir, report


def test_dataset_is_public_with_contract_metadata(published):
    contract, _, report = published
    package = anonymous_client().call("package_show", id=contract.id)
    assert package["id"] == report.package_id
    assert package["private"] is False
    assert package["organization"]["name"] == "dinkes"
    assert package["dimensi"] == ["living"]
    assert package["frekuensi"] == contract.frequency
    assert package["sha256"] == report.sha256
    assert int(package["row_count"]) == report.rows
    assert SAMPLE_TAG in {tag["name"] for tag in package["tags"]}
    assert [r["name"] for r in package["resources"]] == [spec.name for spec in RESOURCES]


def test_datastore_is_typed_from_the_contract(published):
    contract, _, report = published
    csv_id = report.resource_ids[0]
    result = anonymous_client().call("datastore_search", resource_id=csv_id, limit=100)
    assert result["total"] == report.rows
    fields = {f["id"]: f for f in result["fields"]}
    assert fields["kode_faskes"]["type"] == "text"
    assert fields["jumlah_tempat_tidur"]["type"] == "int8"
    assert fields["tanggal_registrasi"]["type"] == "date"
    assert fields["kode_faskes"]["info"]["label"] == contract.field("kode_faskes").title
    codes = [record["kode_faskes"] for record in result["records"]]
    assert any(code.startswith("0") for code in codes), "leading zeros must survive"
    beds = [
        r["jumlah_tempat_tidur"] for r in result["records"] if r["jumlah_tempat_tidur"] is not None
    ]
    assert beds and all(isinstance(value, int) for value in beds)
    assert all(record["kecamatan"].startswith("36.71.") for record in result["records"])


def test_second_run_is_unchanged_and_uploads_nothing(published):
    contract, workdir, first = published
    before = anonymous_client().call("package_show", id=contract.id)
    again = run(contract, FASYANKES_CSV, workdir, "run-2")
    after = anonymous_client().call("package_show", id=contract.id)
    assert again.status == "unchanged"
    assert again.resource_ids == first.resource_ids
    assert after["metadata_modified"] == before["metadata_modified"]
    assert [r["id"] for r in after["resources"]] == [r["id"] for r in before["resources"]]
    found = anonymous_client().call("package_search", q=f"name:{contract.id}")
    assert found["count"] == 1


def test_bad_wilayah_code_is_rejected_and_the_published_version_stays(published, tmp_path):
    contract, workdir, first = published
    lines = FASYANKES_CSV.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(";")
    cells[3] = "Kecamatan Antah Berantah"
    lines[3] = ";".join(cells)
    bad = tmp_path / "fasyankes-salah.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = run(contract, bad, workdir, "run-bad")

    assert report.status == "rejected"
    located = [(p.file, p.row, p.column) for p in report.problems]
    assert ("fasyankes-salah.csv", 4, "Kecamatan") in located  # as the file names it
    package = anonymous_client().call("package_show", id=contract.id)
    assert package["sha256"] == first.sha256
    assert (report.quarantine_path / "report.json").exists()


def test_changed_data_replaces_files_in_place(published, tmp_path):
    contract, workdir, first = published
    lines = FASYANKES_CSV.read_text(encoding="utf-8").splitlines()
    changed = tmp_path / "fasyankes.csv"
    changed.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # one facility closed

    report = run(contract, changed, workdir, "run-3")

    assert report.status == "published"
    assert report.resource_ids == first.resource_ids, "resource ids are stable across versions"
    assert report.rows == first.rows - 1
    total = anonymous_client().call(
        "datastore_search", resource_id=report.resource_ids[0], limit=0
    )["total"]
    assert total == first.rows - 1


# --- issue 6: privacy and quality gate, end to end ---------------------------------------


def _with_cell(source: Path, target: Path, line: int, column: int, text: str) -> Path:
    """A copy of the sample CSV with `text` appended to one cell (line 1 = header)."""
    lines = source.read_text(encoding="utf-8").splitlines()
    cells = lines[line - 1].split(";")
    cells[column] = f"{cells[column]} {text}"
    lines[line - 1] = ";".join(cells)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def test_every_published_dataset_carries_its_quality_score(published):
    contract, _, report = published
    package = anonymous_client().call("package_show", id=contract.id)
    quality = report.statistics["quality"]
    assert float(package["quality_score"]) == quality["total"]
    assert package["quality_grade"] == quality["grade"] in ("A", "B", "C", "D", "E")
    assert set(quality["dimensions"]) == {
        "validity",
        "completeness",
        "freshness",
        "metadata",
        "accessibility",
        "documentation",
    }
    assert quality["dimensions"]["validity"] == 100.0
    assert quality["dimensions"]["freshness"] == 100.0
    runs = anonymous_client().call("tangerang_run_report_list", package_id=contract.id)
    first = next(r for r in runs if r["run_id"] == "run-1")
    assert first["validation"]["statistics"]["quality"] == quality  # history keeps each score
    found = anonymous_client().call(
        "package_search", q=f"name:{contract.id}", fq=f"quality_grade:{quality['grade']}"
    )
    assert found["count"] == 1


def test_unchanged_run_restores_a_stale_score_with_a_small_revise(published):
    contract, workdir, _ = published
    run(contract, FASYANKES_CSV, workdir, "run-current")  # whatever earlier tests changed
    before = anonymous_client().call("package_show", id=contract.id)
    bot = bot_client()
    bot.call(
        "package_revise",
        {"match": {"name": contract.id}, "filter": ["-groups"], "update": {"quality_score": 1}},
    )
    # Without the remembered fingerprint the run reaches publish's own unchanged path (the
    # early skip would answer first, and leave the score to the daily hub_quality_score).
    state_path(workdir, contract.id).unlink()
    report = run(contract, FASYANKES_CSV, workdir, "run-rescore")
    assert report.status == "unchanged"
    package = anonymous_client().call("package_show", id=contract.id)
    assert float(package["quality_score"]) == report.statistics["quality"]["total"]
    assert package["sha256"] == before["sha256"]


def test_phone_number_in_one_cell_is_rejected_and_the_run_report_names_the_cell(
    published, tmp_path
):
    contract, workdir, _ = published
    before = anonymous_client().call("package_show", id=contract.id)
    bad = _with_cell(FASYANKES_CSV, tmp_path / "fasyankes-hp.csv", 6, 5, "HP 0812-3456-7890")

    report = run(contract, bad, workdir, "run-pii")

    assert report.status == "rejected"
    assert [(p.row, p.column) for p in report.problems] == [(6, "alamat")]
    after = anonymous_client().call("package_show", id=contract.id)
    assert after["sha256"] == before["sha256"]
    assert after["metadata_modified"] == before["metadata_modified"]
    runs = bot_client().call("tangerang_run_report_list", package_id=contract.id)
    rejected = next(r for r in runs if r["run_id"] == "run-pii")
    assert rejected["status"] == "rejected"
    located = [(p["row"], p["column"]) for p in rejected["validation"]["blocking"]]
    assert located == [(6, "alamat")]
    assert "0812******90" in rejected["validation"]["blocking"][0]["message"]
    assert not RAW_PHONE.search(str(rejected))  # the number itself never reaches the catalog
    # The run's Data Docs: one self-contained page, masked, sent with the report.
    page = report.data_docs_path.read_text(encoding="utf-8")
    assert "0812******90" in page and not RAW_PHONE.search(page)
    assert "<script" not in page.lower() and "https://" not in page
    assert (report.quarantine_path / "validasi.html").exists()
    assert (report.quarantine_path / "gx_result.json").exists()
    if report.report_url:  # a catalog that stores Data Docs serves them at report_url
        import requests

        served = requests.get(report.report_url, timeout=30)
        assert served.status_code == 200 and "0812******90" in served.text


def test_warning_severity_failure_publishes_with_a_flag(tmp_path):
    contract = replace(
        contract_copy("fasyankes"),
        quality={
            "expectations": [
                {
                    "type": "expect_table_row_count_to_be_between",
                    "kwargs": {"min_value": 1, "max_value": 10},
                    "severity": "warning",
                }
            ]
        },
    )
    report = run(contract, FASYANKES_CSV, tmp_path, "run-warn")
    assert report.status == "published", report.message
    assert [w.expectation for w in report.warnings] == ["expect_table_row_count_to_be_between"]
    package = anonymous_client().call("package_show", id=contract.id)
    assert package["validation_status"] == "warning"
    assert all(r["validation_status"] == "warning" for r in package["resources"])
    assert report.statistics["quality"]["dimensions"]["validity"] < 100
    assert package["quality_grade"] == report.statistics["quality"]["grade"]


def test_allowed_personal_data_is_published_masked(tmp_path):
    base = contract_copy("fasyankes")
    telepon = Field(
        "telepon",
        "string",
        "Telepon Layanan",
        description="Nomor layanan fasilitas.",
        pii_allowed_reason="Nomor layanan publik fasilitas, bukan nomor pribadi.",
    )
    contract = replace(base, fields=(*base.fields, telepon))
    lines = FASYANKES_CSV.read_text(encoding="utf-8").splitlines()
    rows = [lines[0] + ";Telepon"]
    rows += [f"{line};0812-3456-{7000 + i}" for i, line in enumerate(lines[1:]) if line]
    source = tmp_path / "fasyankes-telepon.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")

    report = run(contract, source, tmp_path, "run-mask")

    assert report.status == "published", report.message
    records = anonymous_client().call(
        "datastore_search", resource_id=report.resource_ids[0], limit=1000
    )["records"]
    phones = [r["telepon"] for r in records]
    assert len(phones) == report.rows and all("****" in p for p in phones)
    assert not any("3456" in p for p in phones)
    staged_csv = tmp_path / "staging" / contract.id / f"{report.sha256}.csv"
    assert not RAW_PHONE.search(staged_csv.read_text(encoding="utf-8"))  # what was uploaded


def test_contract_access_change_applies_even_when_data_is_unchanged(tmp_path):
    contract = contract_copy("fasyankes")
    assert run(contract, FASYANKES_CSV, tmp_path, "run-open").status == "published"
    closed = replace(contract, access="tertutup", title=contract.title + " (tertutup)")

    report = run(closed, FASYANKES_CSV, tmp_path, "run-closed")

    assert report.status == "unchanged"
    package = bot_client().call("package_show", id=contract.id)
    assert package["private"] is True
    assert package["title"].endswith("(tertutup)")
    with pytest.raises(CkanError) as caught:
        anonymous_client().call("package_show", id=contract.id)
    assert caught.value.status == 403
