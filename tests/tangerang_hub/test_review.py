"""The walidata's review as the hub meets it, against the real CKAN test site: a new
contract's first publication waits in the queue, private, until the walidata approves it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from ckan_site import anonymous_client, bot_client, contract_copy, walidata_client

from tangerang_hub import pipeline
from tangerang_hub.ckan_client import CkanError
from tangerang_hub.contracts import Field

ROOT = Path(__file__).resolve().parents[2]
FASYANKES_CSV = ROOT / "stack/sample_agency/data/dinkes/fasyankes.csv"


def run(contract, source: Path, workdir: Path, run_id: str):
    return pipeline.run(
        contract, client=bot_client(), source_file=source, workdir=workdir, run_id=run_id
    )


def is_public(dataset_id: str) -> bool:
    try:
        return anonymous_client().call("package_show", id=dataset_id)["private"] is False
    except CkanError as error:
        assert error.status == 403, error
        return False


def queue() -> dict[str, dict]:
    listed = walidata_client().call("tangerang_review_list", limit=100)["results"]
    return {item["name"]: item for item in listed}


def review(dataset_id: str) -> dict:
    return walidata_client().call("tangerang_review_show", package_id=dataset_id)


def with_column(tmp_path: Path, header: str, value: str) -> Path:
    lines = FASYANKES_CSV.read_text(encoding="utf-8").splitlines()
    rows = [f"{lines[0]};{header}"] + [f"{line};{value}" for line in lines[1:] if line]
    path = tmp_path / "fasyankes-catatan.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def contract():
    return contract_copy("fasyankes")


def test_a_new_contract_waits_in_the_queue_private_until_the_walidata_approves(contract, tmp_path):
    report = run(contract, FASYANKES_CSV, tmp_path, "run-1")

    assert report.status == "published", report.message
    assert not is_public(contract.id)
    # Uploaded, not published: the run says so, in the catalog's run history too.
    assert report.message_code == "awaiting_review", report.message
    [reported] = bot_client().call("tangerang_run_report_list", package_id=contract.id, limit=1)
    assert reported["message"] == report.message and "menunggu pemeriksaan" in report.message
    waiting = queue()[contract.id]
    assert waiting["changes"] == ["first_publication"]
    assert waiting["user"] == "tangerang-bot"
    assert waiting["organization"]["name"] == "dinkes"
    assert set(waiting["fields"]) == {f.name for f in contract.fields}
    # The hub's next run cannot publish it either.
    assert run(contract, FASYANKES_CSV, tmp_path, "run-2").status == "unchanged"
    assert not is_public(contract.id)

    walidata_client().call("tangerang_review_approve", package_id=contract.id)

    assert is_public(contract.id)
    assert contract.id not in queue()
    assert [e["state"] for e in review(contract.id)["history"]] == [
        "disetujui",
        "menunggu_pemeriksaan",
    ]


def test_later_versions_publish_unless_the_field_set_changes(contract, tmp_path):
    assert run(contract, FASYANKES_CSV, tmp_path, "run-1").status == "published"
    walidata_client().call("tangerang_review_approve", package_id=contract.id)

    # New data, same fields: published at once, no review.
    fewer = tmp_path / "fewer.csv"
    fewer.write_text(
        "\n".join(FASYANKES_CSV.read_text(encoding="utf-8").splitlines()[:-1]) + "\n",
        encoding="utf-8",
    )
    again = run(contract, fewer, tmp_path, "run-2")
    assert (again.status, again.message_code) == ("published", "published")
    assert is_public(contract.id)
    assert review(contract.id)["state"] == "disetujui"

    # A new column: back to review, private, until approved again.
    catatan = Field("catatan", "string", "Catatan", description="Catatan petugas.")
    wider = replace(contract, fields=(*contract.fields, catatan))
    report = run(wider, with_column(tmp_path, "Catatan", "baik"), tmp_path, "run-3")
    assert report.status == "published", report.message
    assert report.message_code == "awaiting_review"
    assert not is_public(contract.id)
    assert queue()[contract.id]["changes"] == ["fields_changed"]
    walidata_client().call("tangerang_review_approve", package_id=contract.id)
    assert is_public(contract.id)


def test_a_returned_dataset_stays_private_until_a_new_version(contract, tmp_path):
    assert run(contract, FASYANKES_CSV, tmp_path, "run-1").status == "published"
    walidata_client().call(
        "tangerang_review_return",
        package_id=contract.id,
        reason="Kolom jumlah tempat tidur kosong di beberapa baris.",
    )
    # An unchanged run does not put it back in the queue.
    assert run(contract, FASYANKES_CSV, tmp_path, "run-2").status == "unchanged"
    assert review(contract.id)["state"] == "dikembalikan"
    assert not is_public(contract.id)

    # A contract edit is a new version: it waits again.
    edited = replace(contract, title=contract.title + " (diperbaiki)")
    assert run(edited, FASYANKES_CSV, tmp_path, "run-3").status == "unchanged"
    resubmitted = review(contract.id)
    assert resubmitted["state"] == "menunggu_pemeriksaan"
    assert resubmitted["history"][1]["reason"] == (
        "Kolom jumlah tempat tidur kosong di beberapa baris."
    )
    assert not is_public(contract.id)


def test_the_bot_cannot_approve(contract, tmp_path):
    assert run(contract, FASYANKES_CSV, tmp_path, "run-1").status == "published"
    with pytest.raises(CkanError) as refused:
        bot_client().call("tangerang_review_approve", package_id=contract.id)
    assert refused.value.status == 403
    # Nor can it publish the waiting dataset by asking for it.
    bot_client().call("package_patch", id=contract.id, private=False)
    assert not is_public(contract.id)
