"""ExpectColumnValuesToBeWilayahCode: Kemendagri codes of Kota Tangerang at a given level.

The valid codes come with the expectation (`codes`): the library keeps no reference table, the
caller passes its own (the engine's `tangerang_hub.reference`, see `suite.build_suite`).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from great_expectations.expectations.expectation import ColumnMapExpectation

from tangerang_quality.expectations.present import (
    PresentValuesMetricProvider,
    present_values_partial,
)


class ColumnValuesWilayahCode(PresentValuesMetricProvider):
    condition_metric_name = "column_values.tangerang_wilayah_code"
    condition_value_keys = ("level", "codes")

    @present_values_partial
    def _pandas(cls, values, level, codes, **kwargs):
        # The codes are text, so a number never equals one.
        return values.isin(frozenset(codes))


class ExpectColumnValuesToBeWilayahCode(ColumnMapExpectation):
    """Expect Kemendagri codes of Kota Tangerang (Kepmendagri 300.2.2-2138/2025) at `level`.

    `codes` are the valid codes of that level (the caller's reference table).
    """

    level: Literal["kecamatan", "kelurahan"]
    codes: list[str]

    map_metric = "column_values.tangerang_wilayah_code"
    success_keys = ("level", "codes", "mostly")
    args_keys = ("column", "level", "codes")
    library_metadata: ClassVar[dict] = {"tags": ["reference", "tangerang"], "contributors": []}
