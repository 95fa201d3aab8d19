"""An empty or much smaller export never replaces a published dataset (issue 11, item 1),
and an unchanged source file is recognised before normalize (issue 10, item 3).

Against the real CKAN test site: the published version must stay exactly as it was."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from ckan_site import anonymous_client, approve, bot_client, contract_copy

from tangerang_hub import pipeline

SAMPLE = Path(__file__).resolve().parents[2] / "stack/sample_agency/data/dinkes/fasyankes.csv"


def run(contract, tmp_path: Path, run_id: str, source: Path, **kwargs):
    """One pipeline run; a publication waiting for the walidata's review is approved."""
    report = pipeline.run(
        contract,
        client=bot_client(),
        source_file=source,
        workdir=tmp_path,
        run_id=run_id,
        **kwargs,
    )
    if report.status == "published":
        approve(contract.id)
    return report


def first_rows(tmp_path: Path, keep: int) -> Path:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / f"fasyankes-{keep}.csv"
    path.write_text("\n".join(lines[: keep + 1]) + "\n", encoding="utf-8")
    return path


def published(contract) -> dict:
    return anonymous_client().call("package_show", id=contract.id)


def test_header_only_export_is_quarantined_and_the_dataset_stays(tmp_path: Path) -> None:
    contract = contract_copy("fasyankes")
    good = run(contract, tmp_path, "good", SAMPLE)
    assert good.status == "published", good.message
    before = published(contract)

    empty = run(contract, tmp_path, "empty", first_rows(tmp_path, 0))
    assert empty.status == "rejected"
    assert empty.message_code == "empty"
    assert "--accept-shrink" in empty.message
    assert [p.expectation for p in empty.problems] == ["shrink_guard"]
    assert empty.problems[0].message_en.startswith("The source sent 0 rows; nothing published")
    assert empty.problems[0].message.startswith("Sumber mengirim 0 baris")
    saved = json.loads((empty.quarantine_path / "report.json").read_text(encoding="utf-8"))
    assert saved["message_code"] == "empty"
    after = published(contract)
    assert after["sha256"] == before["sha256"] and after["row_count"] == before["row_count"] > 0


def test_shrunk_export_is_refused_unless_accepted_and_acceptance_is_recorded(tmp_path) -> None:
    contract = replace(contract_copy("fasyankes"), shrink_ratio=0.5)
    assert run(contract, tmp_path, "good", SAMPLE).status == "published"
    rows = int(published(contract)["row_count"])

    small = first_rows(tmp_path, rows // 4)
    refused = run(contract, tmp_path, "small", small)
    assert refused.status == "rejected" and refused.message_code == "shrunk"
    assert refused.message_params == {"previous": rows, "rows": rows // 4, "ratio": 50}
    assert int(published(contract)["row_count"]) == rows

    accepted = run(contract, tmp_path, "accepted", small, accept_shrink=True)
    assert accepted.status == "published", accepted.message
    assert accepted.statistics["shrink_accepted"] == {
        "rows": rows // 4,
        "previous": rows,
        "reason": "shrunk",
    }
    assert int(published(contract)["row_count"]) == rows // 4


def test_a_small_drop_within_the_ratio_publishes(tmp_path: Path) -> None:
    contract = contract_copy("fasyankes")
    assert run(contract, tmp_path, "good", SAMPLE).status == "published"
    rows = int(published(contract)["row_count"])
    fewer = run(contract, tmp_path, "fewer", first_rows(tmp_path, rows - 3))
    assert fewer.status == "published", fewer.message
    assert "shrink_accepted" not in fewer.statistics


def test_unchanged_source_file_skips_normalize_and_the_gate(tmp_path: Path) -> None:
    contract = contract_copy("fasyankes")
    assert run(contract, tmp_path, "first", SAMPLE).status == "published"

    def no_gate(*args, **kwargs):
        raise AssertionError("the gate ran on an unchanged batch")

    again = run(contract, tmp_path, "again", SAMPLE, validate=no_gate)
    assert again.status == "unchanged"
    assert again.message_code == "unchanged_source"
    assert again.rows is None, "nothing was normalized"

    # A contract edit changes the fingerprint: the batch is read and checked again.
    edited = replace(contract, title=contract.title + " (revisi)")
    revised = run(edited, tmp_path, "edited", SAMPLE)
    assert revised.status == "unchanged" and revised.rows == int(published(contract)["row_count"])
    assert published(contract)["title"].endswith("(revisi)")
