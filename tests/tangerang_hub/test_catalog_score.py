"""The catalog-wide rescoring (tangerang_hub.catalog_score): the score table's contract and
rows, private datasets left out, and against the real CKAN test site."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from ckan_site import anonymous_client, approve, bot_client, contract_copy
from contract_factory import make_contract

from tangerang_hub import catalog_score, pipeline
from tangerang_hub.catalog import period_days
from tangerang_hub.contracts import Field
from tangerang_quality.score import Score

NOW = datetime.datetime(2026, 11, 29, 0, 0, tzinfo=datetime.UTC)
FASYANKES_CSV = (
    Path(__file__).resolve().parents[2] / "stack/sample_agency/data/dinkes/fasyankes.csv"
)


def _score(total: float, grade: str, freshness: float | None) -> Score:
    dims = {
        "validity": 100.0,
        "completeness": 98.5,
        "freshness": freshness,
        "metadata": 87.5,
        "accessibility": 100.0,
        "documentation": 40.0,
    }
    return Score(total=total, grade=grade, dimensions=dims)


def rows() -> list[dict]:
    return [
        catalog_score.DatasetScore(
            "fasyankes", "Faskes", "dinkes", _score(91.2, "A", 100.0), NOW, False
        ).row(),
        catalog_score.DatasetScore(
            "aspirasi", "Aspirasi", "diskominfo", _score(70.0, "C", None), NOW, True
        ).row(),
    ]


def test_score_contract_is_a_valid_contract_with_one_column_per_dimension() -> None:
    contract = catalog_score.score_contract()
    assert contract.id == "skor-kualitas-data"
    assert contract.producer == "diskominfo" and contract.dimensions == ("governance",)
    names = [f.name for f in contract.fields]
    assert set(catalog_score.DIMENSION_COLUMNS.values()) <= set(names)
    assert set(rows()[0]) == set(names)


def test_score_rows_pass_normalize_and_the_gate(tmp_path: Path) -> None:
    contract = catalog_score.score_contract()
    source = catalog_score.write_score_csv(rows(), tmp_path / "skor.csv")
    raw = pipeline.extract_step(contract, workdir=tmp_path, run_id="s", source_file=source)
    staged = pipeline.normalize_step(contract, raw, workdir=tmp_path, run_id="s")
    assert staged["rows"] == 2
    gate = pipeline.validate_step(contract, staged, workdir=tmp_path, run_id="s", raw=raw)
    assert gate["success"] and not gate["warnings"], gate
    # the same rows give the same staged data: a re-run of the same interval is unchanged
    again = pipeline.normalize_step(contract, raw, workdir=tmp_path, run_id="s2")
    assert again["sha256"] == staged["sha256"]


# -- private datasets stay out of the public score table --------------------------------------


class FakeCkan:
    def __init__(self, packages: dict[str, dict]) -> None:
        self.packages = packages
        self.revised: list[str] = []

    def show_or_none(self, action: str, **kwargs):
        return self.packages.get(kwargs["id"])

    def call(self, action: str, *args, **kwargs):
        if action == "tangerang_run_report_list":
            return []
        if action == "package_revise":
            self.revised.append(args[0]["match"]["id"])
            return {}
        raise AssertionError(action)


def _package(dataset_id: str, *, private: bool = False, klasifikasi: str = "terbuka") -> dict:
    return {
        "id": dataset_id,
        "state": "active",
        "sha256": "ab" * 32,
        "private": private,
        "klasifikasi_akses": klasifikasi,
        "title": dataset_id,
        "resources": [{"format": "CSV"}],
        "organization": {"name": "dinkes"},
    }


def test_private_datasets_are_scored_but_left_out_of_the_table(tmp_path) -> None:
    from dataclasses import replace

    fields = [Field("jumlah", "integer", "Jumlah")]
    open_c = replace(make_contract(fields), id="terbuka-1", access="terbuka")
    closed_c = replace(make_contract(fields), id="tertutup-1", access="tertutup")
    limited_c = replace(make_contract(fields), id="terbatas-1", access="terbatas")
    ckan_private = replace(make_contract(fields), id="privat-1", access="terbuka")
    client = FakeCkan(
        {
            "terbuka-1": _package("terbuka-1"),
            "tertutup-1": _package("tertutup-1", private=True, klasifikasi="tertutup"),
            "terbatas-1": _package("terbatas-1"),
            "privat-1": _package("privat-1", private=True),
        }
    )
    contracts = [open_c, closed_c, limited_c, ckan_private]
    scores = catalog_score.rescore_datasets(client, contracts, workdir=tmp_path, now=NOW)
    assert [s.dataset_id for s in scores] == ["terbuka-1"]
    assert sorted(client.revised) == ["privat-1", "terbatas-1", "terbuka-1", "tertutup-1"]
    everything = catalog_score.rescore_datasets(
        client, contracts, workdir=tmp_path, now=NOW, include_private=True
    )
    assert {s.dataset_id: s.public for s in everything} == {
        "terbuka-1": True,
        "tertutup-1": False,
        "terbatas-1": False,
        "privat-1": False,
    }


# -- against the real CKAN test site ----------------------------------------------------------

LIVE_NOW = datetime.datetime.now(datetime.UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    contract = contract_copy("fasyankes")
    workdir = tmp_path_factory.mktemp("hub")
    report = pipeline.run(
        contract, client=bot_client(), source_file=FASYANKES_CSV, workdir=workdir, run_id="q-1"
    )
    assert report.status == "published", report.message
    approve(contract.id)  # the walidata's review of a first publication
    return contract, workdir, report


def test_rescoring_the_same_day_finds_the_stored_score(published):
    contract, workdir, report = published
    scored = catalog_score.rescore_dataset(bot_client(), contract, workdir=workdir, now=LIVE_NOW)
    assert scored is not None and not scored.updated
    assert scored.score.to_dict() == report.statistics["quality"]
    assert scored.row()["dataset_id"] == contract.id and scored.row()["produsen"] == "dinkes"


def test_completeness_from_the_datastore_equals_the_staged_parquet(published, tmp_path):
    contract, workdir, _ = published
    from_parquet = catalog_score.rescore_dataset(
        bot_client(), contract, workdir=workdir, now=LIVE_NOW, update=False
    )
    from_datastore = catalog_score.rescore_dataset(
        bot_client(),
        contract,
        workdir=tmp_path,
        now=LIVE_NOW,
        update=False,  # nothing staged here
    )
    assert from_parquet is not None and from_datastore is not None
    assert from_datastore.score == from_parquet.score


def test_freshness_decays_and_the_dataset_is_updated(published):
    contract, workdir, _ = published
    period = period_days(contract.frequency)
    later = LIVE_NOW + datetime.timedelta(days=2 * period)  # half-way between 1 and 3 periods
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
            bot_client(), contract_copy("fasyankes"), workdir=tmp_path, now=LIVE_NOW
        )
        is None
    )


def test_score_table_publishes_through_the_pipeline_and_is_idempotent(published, tmp_path):
    contract, workdir, _ = published
    scored = catalog_score.rescore_dataset(bot_client(), contract, workdir=workdir, now=LIVE_NOW)
    assert scored is not None
    table = catalog_score.score_contract()
    rows = [scored.row()]
    first = catalog_score.publish_score_table(
        bot_client(), rows, workdir=tmp_path, run_id="quality__t1"
    )
    assert first.status in ("published", "unchanged"), first.message
    approve(table.id)
    package = anonymous_client().call("package_show", id=table.id)
    assert package["organization"]["name"] == "diskominfo"
    assert package["dimensi"] == ["governance"]
    assert package["quality_grade"] in ("A", "B", "C", "D", "E")
    second = catalog_score.publish_score_table(
        bot_client(), rows, workdir=tmp_path, run_id="quality__t2"
    )
    assert second.status == "unchanged"
