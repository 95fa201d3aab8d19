"""ExpectColumnValuesToBeWithinRange: a contract's numeric minimum/maximum, compared in bulk.

It is GX's ``expect_column_values_to_be_between`` (inclusive bounds, either may be absent) for
the columns the gate hands GX (`gate.to_dataframe`). GX compares in bulk only on NumPy int and
float columns; on pandas' nullable Int64, an integer column with nulls, it calls a Python
function per value: 3 of the gate's 7.5 s at 1 000 000 rows. Here every numeric column is
compared in bulk; an object column (uint64 beyond int64, values of the wrong type) value by
value, and a value that is not a number (a bool, a text) is outside. NaN, like None, is a null
to GX and never reaches the check.
"""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

import pandas as pd
from great_expectations.expectations.expectation import ColumnMapExpectation

from tangerang_quality.expectations.present import (
    PresentValuesMetricProvider,
    present_values_partial,
)

Bound = float | int | None


def _within(low: Bound, high: Bound, value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return False
    return (low is None or value >= low) and (high is None or value <= high)


def within_range(column: pd.Series, low: Bound, high: Bound) -> pd.Series:
    """True where a (non-null) value of `column` lies in [low, high]."""
    dtype = column.dtype
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        inside = pd.Series(True, index=column.index)
        if low is not None:
            inside &= column >= low
        if high is not None:
            inside &= column <= high
        # GX hands over the non-null values only; should a pd.NA come through, it is outside
        return inside.fillna(False).astype(bool)
    return column.map(partial(_within, low, high)).astype(bool)


class ColumnValuesWithinRange(PresentValuesMetricProvider):
    condition_metric_name = "column_values.tangerang_within_range"
    condition_value_keys = ("min_value", "max_value")

    @present_values_partial
    def _pandas(cls, values, min_value=None, max_value=None, **kwargs):
        return within_range(values, min_value, max_value)


class ExpectColumnValuesToBeWithinRange(ColumnMapExpectation):
    """Expect every non-null value to be a number within [min_value, max_value]."""

    min_value: float | int | None = None
    max_value: float | int | None = None

    map_metric = "column_values.tangerang_within_range"
    success_keys = ("min_value", "max_value", "mostly")
    args_keys = ("column", "min_value", "max_value")
    library_metadata: ClassVar[dict] = {"tags": ["range", "tangerang"], "contributors": []}
