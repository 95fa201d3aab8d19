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
    """to_dataframe converts in bulk, each column to the pandas type that loses nothing: the
    values (as pandas gives them back, `tolist`) are the ones value-by-value conversion gave,
    of the same Python types, with null as null, and a NaN that is a value kept as a value."""
    table = pa.table(
        {
            "i": pa.array([1, None, 2**40]),
            "i_full": pa.array([1, 2, 3]),
            "i32": pa.array([1, None, 3], pa.int32()),
            "u64": pa.array([2**64 - 1, None, 0], pa.uint64()),  # beyond int64: Python ints
            "f": pa.array([1.5, None, float("nan")]),
            "f_null": pa.array([1.5, None, 2.0]),
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
    dtypes = {
        "i": "Int64",
        "i_full": "int64",
        "i32": "Int64",
        "u64": "object",
        "f": "object",  # a NaN value: NumPy would make it a null
        "f_null": "float64",
        "b": "object",
        "d": "datetime64[ms]",
        "no_date": "datetime64[ms]",
        "ts": "datetime64[us, Asia/Jakarta]",
        "s": str(TEXT),
        "list": "object",
    }
    frame = to_dataframe(table)
    assert {name: str(frame[name].dtype) for name in table.column_names} == dtypes
    for name in table.column_names:
        expected = [_pythonic(v) for v in table.column(name).to_pylist()]
        nulls = table.column(name).is_null().to_pylist()
        got = [None if null else v for v, null in zip(frame[name].tolist(), nulls, strict=True)]
        assert [type(v) for v in got] == [type(v) for v in expected], name
        assert [v if v == v else "nan" for v in got] == [
            v if v == v else "nan" for v in expected
        ], name
    assert frame["i"].isna().tolist() == frame["f_null"].isna().tolist() == [False, True, False]
    assert frame["f"].isna().tolist() == [False, True, True]  # GX skips a NaN as a null


@pytest.mark.parametrize(
    ("values", "dtype", "contract_type", "wrong"),
    [
        ([1, 2, 3], "int64", "integer", []),
        ([1, 2, 3], "int64", "string", [0, 1, 2]),
        ([1.5, None], "float64", "number", []),
        ([1.5, None], "float64", "integer", [0]),
        ([1, None], "Int64", "integer", []),
        ([1, None, 3], "Int64", "string", [0, 2]),
        ([1, None, 3], "Int64", "number", []),
        (["a", None], "string[pyarrow]", "string", []),
        (["a", None], "string[pyarrow]", "integer", [0]),
        (["2024-01-02", None], "datetime64[ms]", "date", []),
    ],
)
def test_a_typed_column_is_checked_by_its_type(
    gx_validate, values: list, dtype: str, contract_type: str, wrong: list[int]
) -> None:
    frame = pd.DataFrame({"v": pd.Series(values).astype(dtype)})
    expectation = ExpectColumnValuesToBeOfContractType(column="v", contract_type=contract_type)
    result = gx_validate(expectation, frame)
    assert result.success is (not wrong)
    assert result.result.get("unexpected_index_list", []) == wrong
