from __future__ import annotations

import pytest

from tangerang_quality.textfold import fold

NIK = "3671014502900001"


def in_digits(zero: int) -> str:
    return "".join(chr(zero + int(d)) for d in NIK)


@pytest.mark.parametrize(
    "text",
    [
        in_digits(0x0660),  # Arabic-Indic
        in_digits(0x06F0),  # Extended Arabic-Indic
        in_digits(0x0966),  # Devanagari
        in_digits(0xFF10),  # fullwidth
        in_digits(0x0E50),  # Thai
    ],
)
def test_every_unicode_decimal_digit_becomes_ascii(text: str) -> None:
    assert fold(text).text == NIK


@pytest.mark.parametrize(
    "invisible",
    [
        *("\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u2060", "\u200e", "\u200f"),
        *("\u115f", "\u1160", "\u3164", "\uffa0"),  # the Hangul fillers: blank letters
    ],
)
def test_invisible_format_characters_are_removed(invisible: str) -> None:
    assert fold(invisible.join(NIK)).text == NIK


def test_dashes_spaces_and_compatibility_forms() -> None:
    assert fold("3671\u20130145\u20140290\u22120001").text == "3671-0145-0290-0001"
    assert fold("\uff0b62\u00a0812\u2007\u202f3456\u3000\u200b 7890").text == "+62 812 3456 7890"
    assert fold("\u2460\u00b2").text == "12"  # circled one, superscript two


def test_offsets_lead_back_to_the_original() -> None:
    text = "NIK: \u0663\u200b\u0666\u0667\u0661  x"
    folded = fold(text)
    assert folded.text == "NIK: 3671 x"
    start = folded.text.index("3")
    assert folded.span(start, start + 4) == (5, 10)  # the zero-width space is inside
    assert text[slice(*folded.span(start + 4, start + 5))] == "  "  # one space for the run


def test_plain_ascii_is_left_alone() -> None:
    folded = fold("Jl. Raya 12")
    assert folded.text == "Jl. Raya 12"
    assert folded.span(4, 8) == (4, 8)
