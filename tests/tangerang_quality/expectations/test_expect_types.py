from __future__ import annotations

import datetime

import pandas as pd
import pyarrow as pa
import pytest

from tangerang_quality.expectations import ExpectColumnValuesToBeOfContractType
from tangerang_quality.gate import TEXT, _pythonic, to_dataframe


def _frame(values: list) -> pd.DataFrame:
    return pd.DataFrame({"v": pd.Series(values, dtype=object)})


@pytest.mark.parametrize(
    ("contract_type", "values", "wrong"),
    [
        ("string", ["a", None, 3, "b", 1.5], [2, 4]),
        ("integer", [1, None, "1", 2.0, True, 7], [2, 3, 4]),  # a bool is not an integer
        ("year", [2024, "2024", None], [1]),
        ("number", [1.5, 2, "3,5", None, False], [2, 4]),
        ("boolean", [True, None, 1, "ya"], [2, 3]),
        (
            "date",
            [pd.Timestamp("2024-01-02"), "2024-01-02", None, datetime.date(2024, 1, 2)],
            [1, 3],
        ),
    ],
)
def test_values_of_another_type_are_the_rows_that_fail(
    gx_validate, contract_type: str, values: list, wrong: list[int]
) -> None:
    expectation = ExpectColumnValuesToBeOfContractType(column="v", contract_type=contract_type)
    result = gx_validate(expectation, _frame(values))
    assert not result.success
    assert result.result["unexpected_index_list"] == wrong


def test_a_column_of_its_type_passes(gx_validate) -> None:
    expectation = ExpectColumnValuesToBeOfContractType(column="v", contract_type="integer")
    assert gx_validate(expectation, _frame([1, None, 3])).success


def test_the_gate_frame_holds_the_values_to_pylist_gives() -> None:
    """to_dataframe converts in bulk; it must give what value-by-value conversion gave: the same
    values of the same Python types, None for null (pd.NA in text), a NaN value kept, dates as
    pd.Timestamp."""
    table = pa.table(
        {
            "i": pa.array([1, None, 2**40]),
            "i32": pa.array([1, None, 3], pa.int32()),
            "f": pa.array([1.5, None, float("nan")]),
            "b": pa.array([True, None, False]),
            "d": pa.array([datetime.date(2024, 1, 2), None, datetime.date(1900, 1, 1)]),
            "no_date": pa.array([None, None, None], pa.date32()),
            "ts": pa.array(
                [datetime.datetime(2024, 1, 2, 3, 4, 5, 123456), None, None],
                pa.timestamp("us", tz="Asia/Jakarta"),
            ),
            "s": pa.array(["a", None, ""]),
            "list": pa.array([[1], None, []]),
        }
    )
    frame = to_dataframe(table)
    for name in table.column_names:
        expected = [_pythonic(v) for v in table.column(name).to_pylist()]
        column = frame[name]
        assert column.dtype == (TEXT if name == "s" else object)
        got = [None if v is pd.NA else v for v in column]
        assert [type(v) for v in got] == [type(v) for v in expected], name
        assert [v if v == v else "nan" for v in got] == [
            v if v == v else "nan" for v in expected
        ], name
