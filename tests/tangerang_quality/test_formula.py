from __future__ import annotations

import pytest

from tangerang_quality.formula import defuse, is_formula_injection


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        '+HYPERLINK("http://x")',
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A2)",
        " \t=A1",
        "--",
        "-2+3",
        "-6.17,106.63+A1",
        "+62 812",
    ],
)
def test_formulas(value: str) -> None:
    assert is_formula_injection(value)
    assert defuse(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    [
        "-12",
        "-5,3",
        "+7",
        "-1.234.567,89",
        "abc",
        "",
        "1=1",
        None,
        -3,
        "-",
        " = ",
        "-6.17,106.63",
        "-6.17; 106.63",
    ],
)
def test_not_formulas(value: object) -> None:
    assert not is_formula_injection(value)
