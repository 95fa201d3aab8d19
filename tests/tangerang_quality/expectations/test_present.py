"""The hub's column map metrics leave out their column's nulls themselves (`present.py`): the
same results as GX's own filtering, without GX copying the batch for each expectation."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from tangerang_quality.expectations import (
    ExpectColumnValuesToBeKotaTangerangLatitude,
    ExpectColumnValuesToBeKotaTangerangLongitude,
    ExpectColumnValuesToBeOfContractType,
    ExpectColumnValuesToBeWilayahCode,
    ExpectColumnValuesToBeWithinRange,
    ExpectColumnValuesToNotBeFormulaInjection,
    ExpectColumnValuesToNotContainPii,
)
from tangerang_quality.expectations.present import PresentValuesMetricProvider, on_present

# Each column holds nulls, values that meet the expectation and at least one that does not.
TEXT = pd.Series(
    ["aman", None, "NIK 3671 0145 0290 0001", '=HYPERLINK("x")', None, "wa 0812-3456-7890"],
    dtype="string",
)
CASES: dict[str, tuple[Any, pd.Series]] = {
    "pii": (ExpectColumnValuesToNotContainPii(column="v"), TEXT),
    "pii_every_value": (
        ExpectColumnValuesToNotContainPii(column="v", every_value_is="birth_date"),
        TEXT,
    ),
    "pii_numeric": (
        ExpectColumnValuesToNotContainPii(column="v", numeric=True, header_kind="phone"),
        pd.Series([81234567890, None, 42, None], dtype="Int64"),
    ),
    "formula": (ExpectColumnValuesToNotBeFormulaInjection(column="v"), TEXT),
    "range": (
        ExpectColumnValuesToBeWithinRange(column="v", min_value=0, max_value=10),
        pd.Series([1, None, 11, None, -1, 10], dtype="Int64"),
    ),
    "type": (
        ExpectColumnValuesToBeOfContractType(column="v", contract_type="integer"),
        pd.Series([1, None, "2", None, 3.5, True], dtype=object),
    ),
    "wilayah": (
        ExpectColumnValuesToBeWilayahCode(column="v", level="kecamatan", codes=["36.71.01"]),
        pd.Series(["36.71.01", None, "36.71.99", None], dtype="string"),
    ),
    "latitude": (
        ExpectColumnValuesToBeKotaTangerangLatitude(column="v"),
        pd.Series([-6.2, float("nan"), -7.0, None, 106.6], dtype="float64"),
    ),
    "longitude": (
        ExpectColumnValuesToBeKotaTangerangLongitude(column="v"),
        pd.Series([106.6, float("nan"), -6.2, None], dtype="float64"),
    ),
}
RESULT_KEYS = (
    "element_count",
    "unexpected_count",
    "unexpected_percent",
    "partial_unexpected_list",
    "unexpected_index_list",
    "unexpected_list",
)


def _frame(column: pd.Series) -> pd.DataFrame:
    # a second column, so a copy of the batch would be more than the column itself
    return pd.DataFrame({"v": column, "other": range(len(column))})


def _metric_classes() -> list[type]:
    return PresentValuesMetricProvider.__subclasses__()


@pytest.fixture
def gx_filters_nulls(monkeypatch: pytest.MonkeyPatch) -> None:
    """GX's default: the batch's rows where the column is null are dropped before the check."""
    for cls in _metric_classes():
        monkeypatch.setattr(cls, "filter_column_isnull", True)


def _results(gx_validate, name: str) -> tuple[bool, dict[str, Any]]:
    expectation, column = CASES[name]
    result = gx_validate(expectation, _frame(column))
    return result.success, {key: result.result.get(key) for key in RESULT_KEYS}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_same_results_as_gx_filtering_the_nulls(gx_validate, request, name) -> None:
    ours = _results(gx_validate, name)
    request.getfixturevalue("gx_filters_nulls")
    gx = _results(gx_validate, name)
    assert ours == gx
    success, result = ours
    assert not success and result["unexpected_count"] >= 1, "each case has a value that fails"
    assert result["element_count"] > len(result["unexpected_list"]) + 1


def test_every_hub_metric_is_built_on_it() -> None:
    names = {cls.__name__ for cls in _metric_classes()}
    assert names == {
        "ColumnValuesKotaTangerangLatitude",
        "ColumnValuesKotaTangerangLongitude",
        "ColumnValuesNotContainPii",
        "ColumnValuesNotFormulaInjection",
        "ColumnValuesOfContractType",
        "ColumnValuesWilayahCode",
        "ColumnValuesWithinRange",
    }
    assert all(cls.filter_column_isnull is False for cls in _metric_classes())


def _frame_copies(gx_validate, monkeypatch: pytest.MonkeyPatch, expectation: Any) -> int:
    """How often GX copied rows of the whole frame while validating `expectation` on a column
    with nulls whose values all pass (masks taking no row, for the unexpected rows, are not
    counted: they copy nothing)."""
    column = pd.Series([1, None, 2, None, 3], dtype="Int64")
    calls = []
    original = pd.DataFrame._getitem_bool_array

    def counted(self: pd.DataFrame, key: Any) -> pd.DataFrame:
        taken = original(self, key)
        if len(taken):
            calls.append(taken.shape)
        return taken

    monkeypatch.setattr(pd.DataFrame, "_getitem_bool_array", counted)
    assert gx_validate(expectation, _frame(column)).success
    monkeypatch.undo()
    return len(calls)


def test_gx_does_not_copy_the_batch(gx_validate, monkeypatch, request) -> None:
    expectation = ExpectColumnValuesToBeWithinRange(column="v", min_value=0, max_value=10)
    assert _frame_copies(gx_validate, monkeypatch, expectation) == 0
    request.getfixturevalue("gx_filters_nulls")
    assert _frame_copies(gx_validate, monkeypatch, expectation) > 0  # the counter sees GX's


def test_on_present_checks_only_the_values_and_passes_the_nulls() -> None:
    column = pd.Series(["a", None, "b", pd.NA], dtype=object, index=[10, 11, 12, 13])
    seen: list[list[object]] = []

    def check(values: pd.Series) -> pd.Series:
        seen.append(values.tolist())
        return values == "b"

    assert on_present(column, check).tolist() == [False, True, True, True]
    assert seen == [["a", "b"]]
    assert on_present(column, check).index.tolist() == [10, 11, 12, 13]
