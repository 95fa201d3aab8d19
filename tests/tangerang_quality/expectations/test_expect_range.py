from __future__ import annotations

import great_expectations.expectations as gxe
import pandas as pd
import pytest

from tangerang_quality.expectations import ExpectColumnValuesToBeWithinRange

COLUMNS = {
    "int64": pd.Series([0, 5, 2000, 2001, -1, 7], dtype="int64"),
    "nullable_int64": pd.Series([0, None, 2000, 2001, -1, None], dtype="Int64"),
    "float64": pd.Series([0.0, float("nan"), 1999.5, 2000.01, -0.5, 3.0], dtype="float64"),
}
BOUNDS = [(0, 2000), (0, None), (None, 2000), (-0.5, 1999.5)]


@pytest.mark.parametrize("name", sorted(COLUMNS))
@pytest.mark.parametrize(("low", "high"), BOUNDS)
def test_numeric_columns_give_what_gx_between_gives(gx_validate, name, low, high) -> None:
    frame = pd.DataFrame({"n": COLUMNS[name]})
    ours = gx_validate(
        ExpectColumnValuesToBeWithinRange(column="n", min_value=low, max_value=high), frame
    )
    gx = gx_validate(
        gxe.ExpectColumnValuesToBeBetween(column="n", min_value=low, max_value=high), frame
    )
    assert ours.result["unexpected_index_list"] == gx.result["unexpected_index_list"]
    assert ours.success == gx.success
    assert ours.result["unexpected_index_list"], "each case has a value outside"


def test_values_that_are_not_numbers_are_outside(gx_validate) -> None:
    values = [1, "5", True, float("nan"), 2**64 - 1, 3.5, None]
    frame = pd.DataFrame({"n": pd.Series(values, dtype=object)})
    result = gx_validate(
        ExpectColumnValuesToBeWithinRange(column="n", min_value=0, max_value=10), frame
    )
    # "5" and True are not numbers, 2**64-1 is too big; NaN and None are nulls GX leaves out
    assert result.result["unexpected_index_list"] == [1, 2, 4]
    assert not result.success
