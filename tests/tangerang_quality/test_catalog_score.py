"""The score table: its contract, its rows, and that the pipeline accepts them."""

from __future__ import annotations

import datetime
from pathlib import Path

from tangerang_hub import pipeline
from tangerang_quality import catalog_score
from tangerang_quality.score import Score

NOW = datetime.datetime(2026, 11, 29, 0, 0, tzinfo=datetime.UTC)


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
