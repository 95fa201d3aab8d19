"""Coordinates inside Kota Tangerang's bounding box (../shared/reference/SOURCES.md).

lat -6.257 ... -6.094, lon 106.551 ... 106.752. One expectation per axis so a swapped
latitude/longitude pair fails on both columns.
"""

from __future__ import annotations

import math
from typing import ClassVar

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

LAT_MIN, LAT_MAX = -6.257, -6.094
LON_MIN, LON_MAX = 106.551, 106.752


def _within(value: object, low: float, high: float) -> bool:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return not math.isnan(number) and low <= number <= high


class ColumnValuesKotaTangerangLatitude(ColumnMapMetricProvider):
    condition_metric_name = "column_values.tangerang_latitude"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return column.map(lambda v: _within(v, LAT_MIN, LAT_MAX))


class ColumnValuesKotaTangerangLongitude(ColumnMapMetricProvider):
    condition_metric_name = "column_values.tangerang_longitude"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return column.map(lambda v: _within(v, LON_MIN, LON_MAX))


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
