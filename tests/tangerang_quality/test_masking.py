"""The one identifier masker: at most 2 trailing digits of a phone, at most 4 of a NIK."""

from __future__ import annotations

import re

import pytest

from tangerang_quality.masking import mask_date, mask_digits, mask_email, mask_identifiers

NIK = "3671014502900001"


def _trailing_digits(masked: str) -> int:
    return len(re.search(r"\d*$", masked).group(0))


@pytest.mark.parametrize(
    ("digits", "masked"),
    [
        ("081234567890", "0812******90"),  # 12 digits
        ("0812345678", "0812****78"),  # 10 digits: no longer 0812**5678
        ("6281234567890", "62812******90"),  # from +62
        ("628561234567", "62856*****67"),
    ],
)
def test_a_phone_number_keeps_its_prefix_and_at_most_two_trailing_digits(digits, masked):
    assert mask_digits(digits) == masked
    assert _trailing_digits(mask_digits(digits)) <= 2


def test_the_phone_rule_without_the_leading_zero_or_on_the_callers_word():
    assert mask_digits("81234567890") == "812******90"  # a spreadsheet dropped the 0
    assert mask_digits("2112345678") == "2112**5678"
    assert mask_digits("2112345678", kind="phone") == "2112****78"


def test_a_nik_keeps_its_region_and_at_most_four_trailing_digits():
    assert mask_digits(NIK) == "3671********0001"
    assert mask_digits(NIK, kind="nik") == "3671********0001"
    assert _trailing_digits(mask_digits(NIK)) <= 4


def test_short_numbers():
    assert mask_digits("12345678") == "12****78"
    assert mask_digits("1234") == "****"


def test_email_and_date():
    assert mask_email("budi.santoso@example.go.id") == "b***@example.go.id"
    assert mask_date("17-08-1990") == "**-**-****"


@pytest.mark.parametrize(
    ("text", "hidden", "shown"),
    [
        (f"nilai {NIK} bukan bilangan", NIK[4:12], "3671********0001"),
        ("hp 0812-3456-7890.", "7890", "hp 0812******90."),
        ("wa +62 812 3456 7890", "7890", "62812******90"),
        ("hp (+62) 812-3456-7890", "7890", "(+62) 812******90"),
        ("+62 (0)812-3456-7890", "7890", "(0)812******90"),
        ("0812/3456/7890 atau 81234567890", "7890", "0812******90 atau 812******90"),
        ("kontak budi.santoso@example.go.id", "budi.santoso", "b***@example.go.id"),
        ('kontak "budi santoso"@example.go.id', "santoso", '"***@example.go.id'),
        ("kontak bùdi.sàntoso@contöh.id", "sàntoso", "b***@contöh.id"),
        ("ref 1234 5678 9012", "5678", "1234****9012"),
    ],
)
def test_text_is_masked_without_detection(text, hidden, shown):
    masked = mask_identifiers(text)
    assert hidden not in masked and shown in masked


def test_kemendagri_codes_and_short_numbers_stay_readable():
    text = "kode 36.71.01.1001 di kecamatan 36.71.02; 1.234; RW 003; 1234567; 17/08/2024"
    assert mask_identifiers(text) == text
