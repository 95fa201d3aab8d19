"""Coordinates inside Kota Tangerang's bounding box (../shared/reference/SOURCES.md).

lat -6.257 ... -6.094, lon 106.551 ... 106.752. One expectation per axis so a swapped
latitude/longitude pair fails on both columns.
"""

from __future__ import annotations

from typing import ClassVar

import pandas as pd
from great_expectations.expectations.expectation import ColumnMapExpectation

from tangerang_quality.expectations.present import (
    PresentValuesMetricProvider,
    present_values_partial,
)

LAT_MIN, LAT_MAX = -6.257, -6.094
LON_MIN, LON_MAX = 106.551, 106.752


def _within_series(column: pd.Series, low: float, high: float) -> pd.Series:
    """Inside [low, high] for each value, in bulk: numbers and numeric text as floats; anything
    else, and NaN, is outside."""
    numbers = pd.to_numeric(column, errors="coerce").astype(float)
    return numbers.between(low, high).astype(bool)


class ColumnValuesKotaTangerangLatitude(PresentValuesMetricProvider):
    condition_metric_name = "column_values.tangerang_latitude"

    @present_values_partial
    def _pandas(cls, values, **kwargs):
        return _within_series(values, LAT_MIN, LAT_MAX)


class ColumnValuesKotaTangerangLongitude(PresentValuesMetricProvider):
    condition_metric_name = "column_values.tangerang_longitude"

    @present_values_partial
    def _pandas(cls, values, **kwargs):
        return _within_series(values, LON_MIN, LON_MAX)


class ExpectColumnValuesToBeKotaTangerangLatitude(ColumnMapExpectation):
    """Expect latitudes between -6.257 and -6.094 (Kota Tangerang)."""

    map_metric = "column_values.tangerang_latitude"
    success_keys = ("mostly",)
    args_keys = ("column",)
    library_metadata: ClassVar[dict] = {"tags": ["geo", "tangerang"], "contributors": []}


class ExpectColumnValuesToBeKotaTangerangLongitude(ColumnMapExpectation):
    """Expect longitudes between 106.551 and 106.752 (Kota Tangerang)."""

    map_metric = "column_values.tangerang_longitude"
    success_keys = ("mostly",)
    args_keys = ("column",)
    library_metadata: ClassVar[dict] = {"tags": ["geo", "tangerang"], "contributors": []}
