"""ExpectColumnValuesToNotBeFormulaInjection: no cell a spreadsheet would run as a formula."""

from __future__ import annotations

from typing import ClassVar

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from tangerang_quality.formula import is_formula_injection


class ColumnValuesNotFormulaInjection(ColumnMapMetricProvider):
    condition_metric_name = "column_values.tangerang_no_formula"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return column.map(lambda v: not is_formula_injection(v))


class ExpectColumnValuesToNotBeFormulaInjection(ColumnMapExpectation):
    """Expect no text value starting with `=`, `+`, `-` or `@` unless it is a number."""

    map_metric = "column_values.tangerang_no_formula"
    success_keys = ("mostly",)
    args_keys = ("column",)
    library_metadata: ClassVar[dict] = {"tags": ["security", "tangerang"], "contributors": []}
