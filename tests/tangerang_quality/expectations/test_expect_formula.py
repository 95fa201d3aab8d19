from __future__ import annotations

import pandas as pd

from tangerang_quality.expectations import ExpectColumnValuesToNotBeFormulaInjection


def test_numbers_and_text_pass(gx_validate) -> None:
    frame = pd.DataFrame({"v": pd.Series(["-12", "-5,3", "abc", None], dtype=object)})
    assert gx_validate(ExpectColumnValuesToNotBeFormulaInjection(column="v"), frame).success


def test_formulas_fail(gx_validate) -> None:
    frame = pd.DataFrame({"v": pd.Series(["ok", "=1+1", "@SUM(A1)", "-A1"], dtype=object)})
    result = gx_validate(ExpectColumnValuesToNotBeFormulaInjection(column="v"), frame)
    assert not result.success
    assert result.result["unexpected_index_list"] == [1, 2, 3]


def test_at_after_leading_signs_fails(gx_validate) -> None:
    values = ['+@HYPERLINK("http://x","Unduh")', "-@SUM(1)", "- Tidak ada data", "+ =1+1"]
    frame = pd.DataFrame({"v": pd.Series(values, dtype=object)})
    result = gx_validate(ExpectColumnValuesToNotBeFormulaInjection(column="v"), frame)
    assert result.result["unexpected_index_list"] == [0, 1, 3]
    warned = gx_validate(ExpectColumnValuesToNotBeFormulaInjection(column="v", mode="sign"), frame)
    assert warned.result["unexpected_index_list"] == [2]
