"""Privacy expectations: no NIK, KK, NPWP, mobile number, e-mail or birth date in a column, and
none split over adjacent columns of a row."""

from __future__ import annotations

from typing import ClassVar

import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import (
    ColumnMapExpectation,
    MulticolumnMapExpectation,
)
from great_expectations.expectations.metrics.map_metric_provider import (
    MulticolumnMapMetricProvider,
    multicolumn_condition_partial,
)

from tangerang_quality.candidates import map_candidates, number_candidates, pii_candidates
from tangerang_quality.expectations.present import (
    PresentValuesMetricProvider,
    present_values_partial,
)
from tangerang_quality.pii import KINDS, scan_number, scan_value
from tangerang_quality.table_scan import split_hits


class ColumnValuesNotContainPii(PresentValuesMetricProvider):
    condition_metric_name = "column_values.tangerang_no_pii"
    condition_value_keys = ("header_kind", "every_value_is", "kinds", "numeric")

    @present_values_partial
    def _pandas(
        cls, values, header_kind=None, every_value_is=None, kinds=None, numeric=False, **kwargs
    ):
        if every_value_is:  # e.g. a birth-date column beside a name column
            return pd.Series(False, index=values.index, dtype=bool)
        wanted = tuple(kinds or KINDS)
        if numeric:  # integer/number column: the numeric NIK/KK/phone rule
            return map_candidates(
                values,
                number_candidates(values),
                lambda v: (
                    not (
                        (m := scan_number(v, column_kind=header_kind)) is not None
                        and m.kind in wanted
                    )
                ),
            )
        return map_candidates(
            values,
            pii_candidates(values, header_kind),
            lambda v: not scan_value(v, kinds=wanted, column_kind=header_kind),
        )


class ExpectColumnValuesToNotContainPii(ColumnMapExpectation):
    """Expect no personal data (Indonesian NIK, KK, NPWP, mobile number, e-mail, date of birth).

    Values are read as `pii.scan_value` does: folded text (any Unicode digits, invisible
    characters removed), JSON text and dict/list values walked.

    Args:
        column: the text column.
        header_kind: the kind the column name announces (`nik`, `kk`, `phone`...), which relaxes
            the NIK region check, labels NIK-shaped numbers as KK in a KK column and, in a
            phone column, reads mobile numbers without their leading 0.
        every_value_is: set to a kind (`dob`) when every non-null value is personal data by
            position, such as a birth-date column beside a name column.
        kinds: restrict to these kinds (default: all).
        numeric: the column holds numbers (contract type integer/number): a value fails only
            when it is a 16-digit NIK/KK that passes the structural check, or a mobile number
            in a phone column (`pii.scan_number`), so totals stay clean.
    """

    header_kind: str | None = None
    every_value_is: str | None = None
    kinds: list[str] | None = None
    numeric: bool = False

    map_metric = "column_values.tangerang_no_pii"
    success_keys = ("header_kind", "every_value_is", "kinds", "numeric", "mostly")
    args_keys = ("column",)
    library_metadata: ClassVar[dict] = {"tags": ["privacy", "tangerang"], "contributors": []}


class MulticolumnValuesNotContainSplitPii(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.tangerang_no_split_pii"
    condition_value_keys = ("joinable",)

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, joinable=None, **kwargs):
        columns = {name: column_list[name] for name in column_list.columns}
        flagged = {hit.row for hit in split_hits(columns, joinable=joinable)}
        return pd.Series(
            [i not in flagged for i in range(len(column_list))], index=column_list.index
        )


class ExpectMulticolumnValuesToNotContainSplitPii(MulticolumnMapExpectation):
    """Expect no identifier split over adjacent columns of a row (`pii.scan_split`).

    A NIK written as `3671 0145` | `0290 0001`, or a mobile number as `0812` | `3456 7890`,
    fails on its row. A run of columns fails only when most of its rows join into identifiers.

    Args:
        column_list: the table's columns, in order (adjacency is taken from this order).
        joinable: the columns that may hold part of an identifier; the others separate their
            neighbours (codes, coordinates, columns with an allowed reason...). Default: all.
    """

    joinable: list[str] | None = None

    map_metric = "multicolumn_values.tangerang_no_split_pii"
    success_keys = ("joinable", "mostly")
    library_metadata: ClassVar[dict] = {"tags": ["privacy", "tangerang"], "contributors": []}
