"""ExpectColumnValuesToBeOfContractType: each value has the Python type of its contract type.

The gate hands GX a frame of Python values (`gate.to_dataframe`; text in Arrow-backed string
columns, whose values are str), so a value of the wrong type is a row of its own. GX's
``expect_column_values_to_be_in_type_list`` checks the same thing, but rebuilds its tuple of
types for every value: it was 40% of the gate at 300 000 rows. Here each value's type is looked
up once in a set (exact types: a bool is not an integer).
"""

from __future__ import annotations

from typing import ClassVar, Literal

import pandas as pd
from great_expectations.expectations.expectation import ColumnMapExpectation

from tangerang_quality.expectations.present import (
    PresentValuesMetricProvider,
    present_values_partial,
)

# The Python types of each contract type's values in the gate's frame.
PYTHON_TYPES: dict[str, frozenset[type]] = {
    "string": frozenset({str}),
    "integer": frozenset({int}),
    "year": frozenset({int}),
    "number": frozenset({float, int}),
    "boolean": frozenset({bool}),
    "date": frozenset({pd.Timestamp}),
    "datetime": frozenset({pd.Timestamp}),
}

ContractType = Literal["string", "integer", "year", "number", "boolean", "date", "datetime"]


class ColumnValuesOfContractType(PresentValuesMetricProvider):
    condition_metric_name = "column_values.tangerang_contract_type"
    condition_value_keys = ("contract_type",)

    @present_values_partial
    def _pandas(cls, values, contract_type, **kwargs):
        allowed = PYTHON_TYPES[contract_type]
        held = _type_of_every_value(values.dtype)
        if held is not None:  # one type for the whole column: its values need no look
            return pd.Series(held in allowed, index=values.index, dtype=bool)
        return values.map(type).map(allowed.__contains__).astype(bool)


def _type_of_every_value(dtype: object) -> type | None:
    """The Python type every value of a column of `dtype` has (text, NumPy and nullable
    integers, NumPy floats), or None when the values must be looked at (object columns)."""
    if isinstance(dtype, pd.StringDtype):
        return str
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return pd.Timestamp
    if isinstance(dtype, pd.Int64Dtype):  # nullable integers: each non-null value an int
        return int
    if pd.api.types.is_bool_dtype(dtype) or isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return None
    if pd.api.types.is_integer_dtype(dtype):
        return int
    if pd.api.types.is_float_dtype(dtype):
        return float
    return None


class ExpectColumnValuesToBeOfContractType(ColumnMapExpectation):
    """Expect every non-null value to have the Python type of `contract_type` (`PYTHON_TYPES`)."""

    contract_type: ContractType

    map_metric = "column_values.tangerang_contract_type"
    success_keys = ("contract_type", "mostly")
    args_keys = ("column", "contract_type")
    library_metadata: ClassVar[dict] = {"tags": ["type", "tangerang"], "contributors": []}
