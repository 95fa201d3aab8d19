"""ExpectColumnValuesToNotContainPii: no NIK, KK, NPWP, mobile number, e-mail or birth date."""

from __future__ import annotations

from typing import ClassVar

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from tangerang_quality.pii import KINDS, scan_number, scan_text


class ColumnValuesNotContainPii(ColumnMapMetricProvider):
    condition_metric_name = "column_values.tangerang_no_pii"
    condition_value_keys = ("header_kind", "every_value_is", "kinds", "numeric")

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(
        cls, column, header_kind=None, every_value_is=None, kinds=None, numeric=False, **kwargs
    ):
        if every_value_is:  # e.g. a birth-date column beside a name column
            return column.map(lambda _: False)
        wanted = tuple(kinds or KINDS)
        if numeric:  # integer/number column: the numeric NIK/KK rule
            return column.map(
                lambda v: (
                    not (
                        (m := scan_number(v, column_kind=header_kind)) is not None
                        and m.kind in wanted
                    )
                )
            )
        return column.map(lambda v: not scan_text(str(v), kinds=wanted, column_kind=header_kind))


class ExpectColumnValuesToNotContainPii(ColumnMapExpectation):
    """Expect no personal data (Indonesian NIK, KK, NPWP, mobile number, e-mail, date of birth).

    Args:
        column: the text column.
        header_kind: the kind the column name announces (`nik`, `kk`...), which relaxes the
            NIK region check and labels NIK-shaped numbers as KK in a KK column.
        every_value_is: set to a kind (`dob`) when every non-null value is personal data by
            position, such as a birth-date column beside a name column.
        kinds: restrict to these kinds (default: all).
        numeric: the column holds numbers (contract type integer/number): a value fails only
            when it is a 16-digit NIK/KK that passes the structural check (`pii.scan_number`),
            so totals stay clean.
    """

    header_kind: str | None = None
    every_value_is: str | None = None
    kinds: list[str] | None = None
    numeric: bool = False

    map_metric = "column_values.tangerang_no_pii"
    success_keys = ("header_kind", "every_value_is", "kinds", "numeric", "mostly")
    args_keys = ("column",)
    library_metadata: ClassVar[dict] = {"tags": ["privacy", "tangerang"], "contributors": []}
