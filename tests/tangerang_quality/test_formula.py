from __future__ import annotations

import pytest

from tangerang_quality.formula import defuse, is_formula_injection, starts_with_sign


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        '+HYPERLINK("http://x")',
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A2)",
        " \t=A1",
        "-2+3",
        "-6.17,106.63+A1",
        "-SUM(A1:A3)",
        "+A1",
        "-Sheet1!B2",
        "+$C$3",
        "+cmd|' /C calc'!A0",
        "-2*3",
        "+A1&B1",
        "@nama",
    ],
)
def test_formulas(value: str) -> None:
    assert is_formula_injection(value)
    assert not starts_with_sign(value)
    assert defuse(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    [
        "- Tidak ada data",
        "+62 21 5523456",
        "+62 812",
        "--",
        "-- catatan --",
        "- Jl. Raya Serpong - Cipondoh",
        "- Rusak berat (3 unit)",
        "-Kondisi baik/rusak ringan",
    ],
)
def test_leading_sign_text_is_a_warning_not_a_formula(value: str) -> None:
    assert not is_formula_injection(value)
    assert starts_with_sign(value)
    assert defuse(value) == "'" + value  # the CSV writer still defuses it


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


@pytest.mark.parametrize("value", ["-12", "-6.17,106.63", "-", "abc", "Cipondoh"])
def test_numbers_and_plain_text_are_neither(value: str) -> None:
    assert not starts_with_sign(value)
    assert defuse(value) == value


@pytest.mark.parametrize(
    "value",
    [
        '+@HYPERLINK("http://contoh.test/x","Unduh")',
        "-@SUM(1)",
        "+ @SUM(1)",
        "-+@nama",
        "- =1+1",
        "+-=cmd|' /C calc'!A0",
        "\t\r+@SUM(1)",
        "=cmd|' /C calc'!A0",
        "+SUM(1)",
        "- -SUM(1)",
    ],
)
def test_at_or_equals_after_leading_signs_is_a_formula(value: str) -> None:
    assert is_formula_injection(value)
    assert not starts_with_sign(value)


@pytest.mark.parametrize("value", ["- Tidak ada data", " +62 21 5523456", "- Rusak (3 unit)"])
def test_defused_text_reads_back_as_the_original(value: str) -> None:
    assert starts_with_sign(value)
    defused = defuse(value)
    assert defused.startswith("'") and defused[1:] == value
