from __future__ import annotations

import pandas as pd

from tangerang_quality.expectations import ExpectColumnValuesToNotContainPii


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
