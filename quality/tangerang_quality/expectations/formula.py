"""ExpectColumnValuesToNotBeFormulaInjection: no cell a spreadsheet would run as a formula."""

from __future__ import annotations

from typing import ClassVar

from great_expectations.expectations.expectation import ColumnMapExpectation

from tangerang_quality.candidates import formula_candidates, map_candidates
from tangerang_quality.expectations.present import (
    PresentValuesMetricProvider,
    present_values_partial,
)
from tangerang_quality.formula import is_formula_injection, starts_with_sign

FORMULA, SIGN = "formula", "sign"


class ColumnValuesNotFormulaInjection(PresentValuesMetricProvider):
    condition_metric_name = "column_values.tangerang_no_formula"
    condition_value_keys = ("mode",)

    @present_values_partial
    def _pandas(cls, values, mode=None, **kwargs):
        test = starts_with_sign if mode == SIGN else is_formula_injection
        return map_candidates(values, formula_candidates(values), lambda v: not test(v))


class ExpectColumnValuesToNotBeFormulaInjection(ColumnMapExpectation):
    """Expect no text value a spreadsheet would run as a formula.

    Args:
        column: the text column.
        mode: `formula` (default): `=`/`@` or a `+`/`-` formula (function call, cell
            reference, operator expression); `sign`: other text starting with `+`/`-`
            (`- Tidak ada data`), meant for a warning-severity expectation.
    """

    mode: str | None = None

    map_metric = "column_values.tangerang_no_formula"
    success_keys = ("mode", "mostly")
    args_keys = ("column",)
    library_metadata: ClassVar[dict] = {"tags": ["security", "tangerang"], "contributors": []}
