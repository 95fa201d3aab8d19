from __future__ import annotations

import pandas as pd

from tangerang_quality.expectations import (
    ExpectColumnValuesToNotContainPii,
    ExpectMulticolumnValuesToNotContainSplitPii,
)


def frame(values: list[object]) -> pd.DataFrame:
    return pd.DataFrame({"catatan": pd.Series(values, dtype=object)})


def test_clean_text_passes(gx_validate) -> None:
    result = gx_validate(
        ExpectColumnValuesToNotContainPii(column="catatan"),
        frame(["Jalan rusak", "kode 36.71.01.1001", "Rp 1.234.567.890.123.456", None]),
    )
    assert result.success
    assert result.result["unexpected_count"] == 0


def test_hidden_nik_and_phone_fail_with_their_rows(gx_validate) -> None:
    result = gx_validate(
        ExpectColumnValuesToNotContainPii(column="catatan"),
        frame(["aman", "NIK 3671 0145 0290 0001", "wa 0812-3456-7890", None]),
    )
    assert not result.success
    assert result.result["unexpected_index_list"] == [1, 2]


def test_every_value_mode_flags_all_non_null(gx_validate) -> None:
    result = gx_validate(
        ExpectColumnValuesToNotContainPii(column="catatan", every_value_is="dob"),
        frame(["1990-05-12", None, "1985-08-03"]),
    )
    assert result.result["unexpected_index_list"] == [0, 2]


def test_folded_and_nested_values_fail(gx_validate) -> None:
    arabic_nik = "".join(chr(0x0660 + int(d)) for d in "3671014502900001")
    result = gx_validate(
        ExpectColumnValuesToNotContainPii(column="catatan"),
        frame(["aman", arabic_nik, {"kontak": {"hp": 81234567890}}, "0812/3456/7890"]),
    )
    assert result.result["unexpected_index_list"] == [1, 2, 3]


def test_number_column_named_like_a_phone_fails_without_the_leading_zero(gx_validate) -> None:
    frame = pd.DataFrame({"no_telp": pd.Series([81234567890, 8.1234567890e10, 42], dtype=object)})
    result = gx_validate(
        ExpectColumnValuesToNotContainPii(column="no_telp", header_kind="phone", numeric=True),
        frame,
    )
    assert result.result["unexpected_index_list"] == [0, 1]


def split_frame(first: list[object], second: list[object]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "nama": pd.Series(["Budi", "Siti", "Ani"], dtype=object),
            "bagian_1": pd.Series(first, dtype=object),
            "bagian_2": pd.Series(second, dtype=object),
        }
    )


def test_split_identifier_fails_on_its_row(gx_validate) -> None:
    result = gx_validate(
        ExpectMulticolumnValuesToNotContainSplitPii(column_list=["nama", "bagian_1", "bagian_2"]),
        split_frame(["12", "3671 0145", "3671 0112"], ["7", "0290 0001", "0590 0003"]),
    )
    assert not result.success
    assert result.result["unexpected_index_list"] == [1, 2]


def test_split_check_passes_codes_beside_counts_and_non_joinable_columns(gx_validate) -> None:
    clean = gx_validate(
        ExpectMulticolumnValuesToNotContainSplitPii(column_list=["nama", "bagian_1", "bagian_2"]),
        split_frame(["36.71.01.1001", "36.71.01.1002", None], [234567, 345678, 1]),
    )
    assert clean.success
    separated = gx_validate(
        ExpectMulticolumnValuesToNotContainSplitPii(
            column_list=["nama", "bagian_1", "bagian_2"], joinable=["nama", "bagian_2"]
        ),
        split_frame(["12", "3671 0145", "3671 0112"], ["7", "0290 0001", "0590 0003"]),
    )
    assert separated.success
