"""Publishing into the real CKAN test site: idempotent, atomic, typed, skips unchanged data."""

from __future__ import annotations

from pathlib import Path

import pytest
from ckan_site import anonymous_client, bot_client, contract_copy

from tangerang_hub import pipeline
from tangerang_hub.publish import RESOURCES, SAMPLE_TAG

ROOT = Path(__file__).resolve().parents[2]
FASYANKES_CSV = ROOT / "stack/sample_agency/data/dinkes/fasyankes.csv"


def run(contract, source: Path, workdir: Path, run_id: str):
    return pipeline.run(
        contract, client=bot_client(), source_file=source, workdir=workdir, run_id=run_id
    )


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
