from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.id import npwp as stdnum_npwp

from tangerang_quality.pii import (
    header_kind,
    is_numeric_column,
    mask_text,
    nik_structure,
    npwp_valid,
    scan_text,
)

# Invented values with a valid structure (Kota Tangerang prefix 367101).
NIK_F = "3671014502900001"  # day 45 -> 5 Feb 1990, woman
NIK_M = "3671011205900003"  # 12 May 1990, man


def kinds(text: str) -> list[str]:
    return [m.kind for m in scan_text(text)]


@pytest.mark.parametrize(
    "text",
    [
        NIK_F,
        "3671 0145 0290 0001",
        "3671-0145-0290-0001",
        "36.71.01.450290.0001",
        "NIK:3671014502900001.",
        "Pelapor (NIK 3671 0145 0290 0001) tinggal di Cipondoh",
    ],
)
def test_nik_found_with_and_without_separators(text: str) -> None:
    matches = scan_text(text)
    assert [m.kind for m in matches] == ["nik"]
    assert matches[0].masked == "3671********0001"


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        (NIK_F, "female"),
        (NIK_M, "male"),
        ("3671017202900001", None),  # day 72: neither 1..31 nor 41..71
        ("3671013202900001", None),  # day 32
        ("3671011213900001", None),  # month 13
        ("3671013002900001", None),  # 30 February does not exist
        ("3671014502900000", None),  # serial 0000
        ("3671004502900001", None),  # district 00
        ("9971014502900001", None),  # no such province
        ("367101450290001", None),  # 15 digits
    ],
)
def test_nik_structure(digits: str, expected: str | None) -> None:
    assert nik_structure(digits) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Rp 1.234.567.890.123.456",
        "Rp3671014502900001",
        "IDR 3671014502900001",
        "3.671.014.502.900.001",  # grouped in thousands: an amount
        "36.71.01.1001",  # Kemendagri kelurahan code
        "3671010001000100",  # BPS-style code: day 00
        "1234567890123456",  # day 78
        "36710145029000011",  # 17 digits: not a NIK window
        "telepon kantor (021) 5523456",
        "total 98765432109876",
    ],
)
def test_no_false_alarm(text: str) -> None:
    assert scan_text(text) == []


def test_kk_by_context_and_women_are_never_kk() -> None:
    assert kinds(f"No. KK {NIK_M}") == ["kk"]
    assert kinds(f"No. KK {NIK_F}") == ["nik"]  # +40 day: a NIK, not a KK


@pytest.mark.parametrize(
    "text",
    [
        "NPWP 01.312.166.0-091.000",
        "013121660091000",
        "0013121660091000",
        "npwp: 01 312 166 0 091 000",
    ],
)
def test_npwp(text: str) -> None:
    assert kinds(text) == ["npwp"]


def test_npwp_bad_check_digit_is_not_reported_bare() -> None:
    assert kinds("013121670091000") == []


@pytest.mark.parametrize(
    "text",
    [
        "081234567890",
        "0812-3456-7890",
        "0812.3456.7890",
        "+62 812 3456 7890",
        "62 856 1234 5678",
        "+62-821-1234-567",
        "hubungi wa 0857 1234 5678 ya",
    ],
)
def test_mobile_numbers(text: str) -> None:
    assert kinds(text) == ["phone"]


def test_phone_masked() -> None:
    assert scan_text("0812-3456-7890")[0].masked == "0812******90"


def test_email_and_dob() -> None:
    assert kinds("kirim ke budi.santoso@example.co.id") == ["email"]
    assert scan_text("kirim ke budi.santoso@example.co.id")[0].masked == "b***@example.co.id"
    assert kinds("Budi, lahir 12-05-1990") == ["dob"]
    assert kinds("Siti (tgl lahir 3 Agustus 1985)") == ["dob"]
    assert kinds("Rapat pada 12-05-2024") == []


def test_in_a_birth_date_column_any_date_is_a_birth_date() -> None:
    assert [m.masked for m in scan_text("Tangerang, 17-8-1990", column_kind="dob")] == ["**-*-****"]
    assert scan_text("Tangerang", column_kind="dob") == []
    assert scan_text("RT 01/02", column_kind="dob") == []
    assert kinds("Tangerang, 17-8-1990") == []  # elsewhere a date needs its birth word


def test_mask_text_keeps_the_rest() -> None:
    masked = mask_text("NIK 3671 0145 0290 0001, hp 0812-3456-7890")
    assert masked == "NIK 3671********0001, hp 0812******90"
    assert "0145" not in masked


def test_header_kinds() -> None:
    assert header_kind("NIK") == "nik"
    assert header_kind("No. KK") == "kk"
    assert header_kind("no_hp") == "phone"
    assert header_kind("E-mail") == "email"
    assert header_kind("tanggal_lahir") == "dob"
    assert header_kind("jumlah_penduduk") is None
    assert header_kind("kode_kecamatan") is None


def test_leading_zero_is_not_a_number() -> None:
    assert not is_numeric_column(["081234567890"])


# -- review fixes: detector misses, the numeric rule, redaction --------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"NIK {NIK_F} 081234567890",  # a separator and a digit after the NIK
        f"{NIK_F} 2 anak",
        "3671\u00a00145\u00a00290\u00a00001",  # non-breaking spaces
        "3671  0145  0290  0001",  # double spaces
        "3671 - 0145 - 0290 - 0001",
        f"RT 05 {NIK_F}",  # digits before the NIK
        "RT 05 3671 0145 0290 0001",
        "367101 450290 0001",
        f"nama\u00a0 budi {NIK_F}\u00a0x",
    ],
)
def test_nik_found_beside_other_digits_and_odd_spacing(text: str) -> None:
    matches = scan_text(text)
    assert "nik" in [m.kind for m in matches]
    masked = mask_text(text, matches)
    assert "3671********0001" in masked
    assert "0145" not in masked.replace(" ", "").replace("\u00a0", "").replace("-", "")


def test_nik_and_phone_in_one_value_are_both_masked() -> None:
    text = f"NIK {NIK_F} 081234567890"
    assert mask_text(text) == "NIK 3671********0001 0812******90"


@pytest.mark.parametrize(
    "text",
    [
        "Rp 3671014502900001",
        "3671014502900001.5",
        "36.71.01.1001 36.71.01.1002 36.71.01.1003",
        "3671010001 3671010002",
        "1.234.567.890.123.456 dan 2.345.678.901.234.567",
        "total 1234567890123456 rupiah",
    ],
)
def test_widened_search_keeps_codes_and_totals_clean(text: str) -> None:
    assert [m.kind for m in scan_text(text) if m.kind in ("nik", "kk")] == []


def test_scan_number_is_the_structural_rule() -> None:
    from tangerang_quality.pii import scan_number

    hit = scan_number(int(NIK_F))
    assert hit is not None and hit.kind == "nik" and hit.masked == "3671********0001"
    assert scan_number(float(NIK_F)) is not None
    kk = scan_number(int(NIK_M), column_kind="kk")
    assert kk is not None and kk.kind == "kk"
    for total in (1234567890123456, 3671010001000100, 9971014502900001, 123, -5, 2.5, None, True):
        assert scan_number(total) is None, total


def test_redact_masks_long_digit_runs_and_emails() -> None:
    from tangerang_quality.pii import redact

    out = redact("ref 1234567890123456, id 1234 5678 9012, budi@example.go.id, kode 1234567")
    assert "1234567890123456" not in out and "1234********3456" in out
    assert "5678" not in out
    assert "budi@" not in out and "b***@example.go.id" in out
    assert "1234567" in out  # shorter than 8 digits: kept


def test_text_nested_past_the_stack_is_scanned_as_text() -> None:
    # `[[[[…` looks like JSON; parsing it recursed past Python's stack and crashed the scan
    assert scan_text("[" * 20_000) == []
    assert [m.kind for m in scan_text("[" * 20_000 + " NIK 3671014502900001")] == ["nik"]


@pytest.mark.parametrize(
    "value",
    ["1e999999999", "8.1E+100000", "9" * 5000 + "e2", 10**5000, -(10**5000)],
    ids=["exponent", "exponent-plus", "long-mantissa", "huge-int", "huge-negative-int"],
)
def test_a_huge_number_is_no_identifier_and_no_crash(value: object) -> None:
    # `1e999999999` was spelled out in full digits (all memory); a 5000-digit int made Python
    # refuse to print it: both crashed the scan and the gate on one cell
    from tangerang_quality.pii import number_digits, scan_number, scan_value

    assert number_digits(value) is None
    assert scan_value(value) == []
    assert scan_number(value) is None


@pytest.mark.parametrize("seed", range(20))
def test_span_set_says_what_a_pass_over_every_span_says(seed: int) -> None:
    import random

    from tangerang_quality.pii import _Spans

    rng = random.Random(seed)
    spans, kept = _Spans(), []
    for _ in range(300):
        start = rng.randrange(1000)
        end = start + rng.randrange(1, 30)
        free = not any(s < end and start < e for s, e in kept)
        assert spans.claim(start, end) is free
        if free:
            kept.append((start, end))


@settings(max_examples=3000, deadline=None)
@given(
    st.text("0123456789", min_size=15, max_size=16)
    | st.from_regex(r"\A0[0-9]{15}\Z")
    | st.text("0123456789.- ", min_size=15, max_size=16)
)
def test_npwp_valid_says_what_python_stdnum_says(digits: str) -> None:
    """The cheap Luhn check before python-stdnum never changes its verdict."""
    expected = not (len(digits) == 16 and digits[0] != "0") and (
        len(digits) in (15, 16) and stdnum_npwp.is_valid(digits)
    )
    assert npwp_valid(digits) is expected


def test_npwp_valid_takes_a_good_check_digit_and_refuses_a_bad_one() -> None:
    good = "013121660091000"  # 01.312.166.0-091.000
    assert npwp_valid(good) and npwp_valid("0" + good)
    bad = good[:8] + str((int(good[8]) + 1) % 10) + good[9:]
    assert not npwp_valid(bad) and not npwp_valid("0" + bad)
