"""The catalog-wide rescoring (tangerang_quality.catalog_score) against the real CKAN test site."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from ckan_site import anonymous_client, bot_client, contract_copy

from tangerang_hub import pipeline
from tangerang_quality import catalog_score
from tangerang_quality.score import FREQUENCY_DAYS

ROOT = Path(__file__).resolve().parents[2]
FASYANKES_CSV = ROOT / "stack/sample_agency/data/dinkes/fasyankes.csv"
NOW = datetime.datetime.now(datetime.UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    contract = contract_copy("fasyankes")
    workdir = tmp_path_factory.mktemp("hub")
    report = pipeline.run(
        contract, client=bot_client(), source_file=FASYANKES_CSV, workdir=workdir, run_id="q-1"
    )
    assert report.status == "published", report.message
    return contract, workdir, report


def test_rescoring_the_same_day_finds_the_stored_score(published):
    contract, workdir, report = published
    scored = catalog_score.rescore_dataset(bot_client(), contract, workdir=workdir, now=NOW)
    assert scored is not None and not scored.updated
    assert scored.score.to_dict() == report.statistics["quality"]
    assert scored.row()["dataset_id"] == contract.id and scored.row()["produsen"] == "dinkes"


def test_completeness_from_the_datastore_equals_the_staged_parquet(published, tmp_path):
    contract, workdir, _ = published
    from_parquet = catalog_score.rescore_dataset(
        bot_client(), contract, workdir=workdir, now=NOW, update=False
    )
    from_datastore = catalog_score.rescore_dataset(
        bot_client(),
        contract,
        workdir=tmp_path,
        now=NOW,
        update=False,  # nothing staged here
    )
    assert from_parquet is not None and from_datastore is not None
    assert from_datastore.score == from_parquet.score


def test_freshness_decays_and_the_dataset_is_updated(published):
    contract, workdir, _ = published
    period = FREQUENCY_DAYS[contract.frequency]
    later = NOW + datetime.timedelta(days=2 * period)  # half-way between 1 and 3 periods
    before = anonymous_client().call("package_show", id=contract.id)
    scored = catalog_score.rescore_dataset(bot_client(), contract, workdir=workdir, now=later)
    assert scored is not None and scored.updated
    assert scored.score.dimensions["freshness"] == pytest.approx(50.0, abs=0.2)
    after = anonymous_client().call("package_show", id=contract.id)
    assert float(after["quality_score"]) == scored.score.total < float(before["quality_score"])
    assert after["sha256"] == before["sha256"]
    again = catalog_score.rescore_dataset(bot_client(), contract, workdir=workdir, now=later)
    assert again is not None and not again.updated  # unchanged score: no revise


def test_unpublished_contract_is_left_out(tmp_path):
    assert (
        catalog_score.rescore_dataset(
            bot_client(), contract_copy("fasyankes"), workdir=tmp_path, now=NOW
        )
        is None
    )


def test_score_table_publishes_through_the_pipeline_and_is_idempotent(published, tmp_path):
    contract, workdir, _ = published
    scored = catalog_score.rescore_dataset(bot_client(), contract, workdir=workdir, now=NOW)
    assert scored is not None
    table = catalog_score.score_contract()
    rows = [scored.row()]
    first = catalog_score.publish_score_table(
        bot_client(), rows, workdir=tmp_path, run_id="quality__t1"
    )
    assert first.status in ("published", "unchanged"), first.message
    package = anonymous_client().call("package_show", id=table.id)
    assert package["organization"]["name"] == "diskominfo"
    assert package["dimensi"] == ["governance"]
    assert package["quality_grade"] in ("A", "B", "C", "D", "E")
    second = catalog_score.publish_score_table(
        bot_client(), rows, workdir=tmp_path, run_id="quality__t2"
    )
    assert second.status == "unchanged"
