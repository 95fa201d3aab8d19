from __future__ import annotations

from functools import partial

import pytest

from tangerang_hub.contracts import Field
from tangerang_hub.validate import reference_codes
from tangerang_quality import suite as quality_suite
from tangerang_quality.suite import SuiteError, expectation_parameters

# The engine hands the suite its wilayah reference; so do these tests.
build_suite = partial(quality_suite.build_suite, reference_codes=reference_codes())

FIELDS = [
    Field("kecamatan", "string", "Kecamatan", required=True, reference="kecamatan"),
    Field("tahun", "year", "Tahun", required=True, minimum=2000, maximum=2100),
    Field("jenis", "string", "Jenis", enum=("SD", "SMP"), pattern="^[A-Z]+$"),
    Field("jumlah", "integer", "Jumlah", minimum=0),
    Field("lat", "number", "Lintang", role="latitude"),
    Field("nik_pengelola", "string", "NIK", pii_allowed_reason="izin tertulis"),
]


def by_column(suite) -> dict[str | None, list[str]]:
    out: dict[str | None, list[str]] = {}
    for e in suite.expectations:
        column = getattr(e, "column", None)
        out.setdefault(column, []).append(e.expectation_type)
    return out


def test_suite_follows_the_contract(make_contract) -> None:
    suite = build_suite(make_contract(FIELDS, primary_key=("kecamatan", "tahun")))
    cols = by_column(suite)
    assert cols["kecamatan"] == [
        "expect_column_to_exist",
        "expect_column_values_to_be_of_contract_type",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_wilayah_code",
        "expect_column_values_to_not_contain_pii",
        "expect_column_values_to_not_be_formula_injection",
        "expect_column_values_to_not_be_formula_injection",
    ]
    assert "expect_column_values_to_be_within_range" in cols["tahun"]
    assert {"expect_column_values_to_be_in_set", "expect_column_values_to_match_regex"} <= set(
        cols["jenis"]
    )
    # numbers get the numeric rule (a 16-digit NIK/KK that parses as one), not the text scan
    jumlah_pii = [
        e
        for e in suite.expectations
        if getattr(e, "column", None) == "jumlah"
        and e.expectation_type == "expect_column_values_to_not_contain_pii"
    ]
    assert len(jumlah_pii) == 1 and jumlah_pii[0].numeric is True
    assert jumlah_pii[0].meta == {"severity": "error", "check": "pii"}
    assert "expect_column_values_to_be_kota_tangerang_latitude" in cols["lat"]
    assert "expect_column_values_to_not_contain_pii" not in cols["nik_pengelola"]
    assert cols[None] == [
        "expect_multicolumn_values_to_not_contain_split_pii",
        "expect_compound_columns_to_be_unique",
    ]
    [split] = [e for e in suite.expectations if e.meta.get("split")]
    assert split.column_list == [f.name for f in FIELDS]
    # codes, years, coordinates and allowed columns separate their neighbours
    assert split.joinable == ["jenis", "jumlah"]


def test_severity_and_parameters(make_contract) -> None:
    quality = {"thresholds": {"required": 0.9}, "severity": {"range": "warning", "pii": "warning"}}
    c = make_contract(FIELDS, quality=quality)
    suite = build_suite(c)
    for e in suite.expectations:
        assert e.meta["severity"] in ("error", "warning")
        if e.meta["check"] == "range":
            assert e.meta["severity"] == "warning"
            assert e.severity.value == "warning"
        if e.meta["check"] in ("pii", "formula"):
            assert e.meta["severity"] == "error"  # cannot be lowered
        if e.meta["check"] == "required":
            assert e.mostly == {"$PARAMETER": "mostly_required"}
    params = expectation_parameters(c)
    assert params["mostly_required"] == 0.9
    assert params["mostly_enum"] == 1.0


def test_extras(make_contract) -> None:
    extra = {
        "type": "expect_table_row_count_to_be_between",
        "kwargs": {"min_value": 13, "max_value": 13},
        "severity": "warning",
    }
    suite = build_suite(make_contract(FIELDS, quality={"expectations": [extra]}))
    last = suite.expectations[-1]
    assert last.expectation_type == "expect_table_row_count_to_be_between"
    assert last.meta == {"severity": "warning", "check": "extra"}


@pytest.mark.parametrize(
    "quality",
    [
        {"expectations": [{"type": "expect_nothing_of_the_sort"}]},
        {"expectations": [{"type": "expect_column_to_exist", "kwargs": {"colum": "x"}}]},
        {"expectations": [{"kwargs": {}}]},
        {"severity": {"range": "fatal"}},
        {"thresholds": {"required": 1.5}},
    ],
)
def test_bad_quality_section(make_contract, quality) -> None:
    c = make_contract(FIELDS, quality=quality)
    with pytest.raises(SuiteError):
        build_suite(c)
        expectation_parameters(c)


def test_formula_blocks_and_leading_sign_text_warns(make_contract) -> None:
    quality = {"severity": {"formula": "warning", "formula_sign": "error"}}
    suite = build_suite(make_contract(FIELDS, quality=quality))
    checks = {
        (e.column, e.meta["check"]): (e.meta["severity"], getattr(e, "mode", None))
        for e in suite.expectations
        if e.expectation_type == "expect_column_values_to_not_be_formula_injection"
    }
    assert checks[("jenis", "formula")] == ("error", None)
    assert checks[("jenis", "formula_sign")] == ("warning", "sign")


def test_wilayah_codes_come_from_the_caller(make_contract) -> None:
    suite = build_suite(make_contract(FIELDS))
    wilayah = next(
        e
        for e in suite.expectations
        if e.expectation_type == "expect_column_values_to_be_wilayah_code"
    )
    assert wilayah.level == "kecamatan"
    assert wilayah.codes == sorted(reference_codes()["kecamatan"])
    with pytest.raises(SuiteError, match="no kecamatan codes"):
        quality_suite.build_suite(make_contract(FIELDS))
