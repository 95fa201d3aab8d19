from __future__ import annotations

import datetime

import pyarrow as pa
import pytest

from tangerang_hub.contracts import Field
from tangerang_quality.score import (
    ScoreInputs,
    accessibility,
    compute_score,
    freshness,
    grade,
    inputs_from_run,
    metadata,
)

SDI = {
    "topik": "Kesehatan",
    "walidata": "Diskominfo",
    "cakupan_waktu": "2024",
    "cakupan_wilayah": "Kota Tangerang",
    "satuan": "unit",
    "sumber": "Dinkes",
    "metodologi": "",
}  # 6 of 8 filled (metodologi empty, kontak absent)
SDI_KEYS = (*SDI, "kontak")  # the engine passes the contract schema's keys

INPUTS = ScoreInputs(
    evaluated_expectations=40,
    successful_expectations=38,  # 0.95
    required_cells=100,
    required_nulls=0,
    optional_cells=200,
    optional_nulls=30,  # 1 - 30 / (2*100 + 200) = 0.925
    period_days=31,  # bulanan
    age_days=46.5,  # 1 - (46.5 - 31) / 62 = 0.75
    sdi=SDI,  # 0.75
    sdi_keys=SDI_KEYS,
    formats=("csv", "parquet"),
    datastore=True,
    api=True,  # 1.0
    fields_total=10,
    fields_documented=7,  # 0.7
)


def test_hand_computed_score() -> None:
    score = compute_score(INPUTS)
    assert score.dimensions == {
        "validity": 95.0,
        "completeness": 92.5,
        "freshness": 75.0,
        "metadata": 75.0,
        "accessibility": 100.0,
        "documentation": 70.0,
    }
    # 30*.95 + 20*.925 + 15*.75 + 15*.75 + 10*1 + 10*.7 = 86.5
    assert score.total == 86.5
    assert score.grade == "B"


def test_tidak_tentu_drops_freshness_and_renormalizes() -> None:
    from dataclasses import replace

    score = compute_score(replace(INPUTS, period_days=None, age_days=None))
    assert score.dimensions["freshness"] is None
    assert score.total == 88.5  # (86.5 - 11.25) / 85 * 100 = 88.53
    assert score.grade == "B"


@pytest.mark.parametrize(
    ("period", "age", "expected"),
    [
        (1, 0.5, 1.0),  # harian
        (1, 2.0, 0.5),
        (7, 21.0, 0.0),  # mingguan
        (366, 366.0, 1.0),  # tahunan
        (92, 138.0, 0.75),  # triwulanan
        (31, None, 0.0),  # bulanan, never published
        (None, 1000.0, None),  # tidak_tentu
    ],
)
def test_freshness(period: int | None, age: float | None, expected: float | None) -> None:
    assert freshness(ScoreInputs(period_days=period, age_days=age)) == expected


def test_metadata_counts_the_given_keys_with_a_value() -> None:
    sdi = {"topik": "Kesehatan", "walidata": {"nama": "Diskominfo"}, "satuan": " "}
    assert metadata(ScoreInputs(sdi=sdi, sdi_keys=("topik", "walidata"))) == 1.0
    assert metadata(ScoreInputs(sdi=sdi, sdi_keys=("topik", "satuan", "sumber", "x"))) == 0.25
    assert metadata(ScoreInputs(sdi=sdi)) == 0.0  # no keys given: nothing to credit


def test_accessibility_points() -> None:
    assert accessibility(ScoreInputs(formats=("xlsx",))) == 0.0
    assert accessibility(ScoreInputs(formats=("csv",))) == pytest.approx(0.4)
    assert accessibility(ScoreInputs(formats=("csv",), datastore=True)) == pytest.approx(0.7)


@pytest.mark.parametrize(
    ("total", "letter"),
    [(100, "A"), (90, "A"), (89.9, "B"), (75, "B"), (60, "C"), (59.9, "D"), (40, "D"), (39.9, "E")],
)
def test_grades(total: float, letter: str) -> None:
    assert grade(total) == letter


def test_nothing_known_scores_low() -> None:
    score = compute_score(ScoreInputs(period_days=31))
    assert score.total == 0.0
    assert score.grade == "E"


def test_inputs_from_run(make_contract) -> None:
    fields = [
        Field("kode", "string", "Kode", description="Kode unit", required=True),
        Field("jumlah", "integer", "Jumlah"),
    ]
    c = make_contract(fields, primary_key=("kode",), frequency="harian", sdi=SDI)
    t = pa.table({"kode": ["a", "b", "c", "d"], "jumlah": [1, None, None, 4]})
    now = datetime.datetime(2025, 1, 3, tzinfo=datetime.UTC)
    inputs = inputs_from_run(
        c,
        t,
        {"evaluated_expectations": 10, "successful_expectations": 9},
        last_changed=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
        period_days=1,  # harian
        sdi_keys=SDI_KEYS,
        now=now,
    )
    assert (inputs.required_cells, inputs.required_nulls) == (4, 0)
    assert (inputs.optional_cells, inputs.optional_nulls) == (4, 2)
    assert inputs.age_days == 2.0
    assert (inputs.fields_total, inputs.fields_documented) == (2, 1)
    score = compute_score(inputs)
    assert score.dimensions["completeness"] == pytest.approx(100 * (1 - 2 / 12), abs=0.05)
    assert score.dimensions["freshness"] == 50.0
    assert score.dimensions["metadata"] == 75.0


def test_stored_matches_compares_score_and_grade_as_ckan_returns_them() -> None:
    import datetime as _dt

    from tangerang_quality.score import Score, dataset_fields, parse_timestamp, stored_matches

    score = Score(total=87.5, grade="B", dimensions={})
    assert dataset_fields(score) == {"quality_score": 87.5, "quality_grade": "B"}
    assert stored_matches({"quality_score": 87.5, "quality_grade": "B"}, score)
    assert stored_matches({"quality_score": "87.5", "quality_grade": "B"}, score)
    assert not stored_matches({"quality_score": 87.4, "quality_grade": "B"}, score)
    assert not stored_matches({"quality_score": 87.5, "quality_grade": "A"}, score)
    assert not stored_matches({}, score)
    assert parse_timestamp("2026-01-02T03:04:05") == _dt.datetime(
        2026, 1, 2, 3, 4, 5, tzinfo=_dt.UTC
    )
    assert parse_timestamp("2026-01-02T03:04:05+07:00").utcoffset() == _dt.timedelta(hours=7)
    assert parse_timestamp("") is None and parse_timestamp("kemarin") is None
