"""tangerang_hub.values: one cell -> the value of its contract type (the one number parser)."""

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from tangerang_hub.contracts import Field
from tangerang_hub.values import (
    DECIMAL,
    THOUSANDS,
    AmbiguousNumber,
    dot_convention,
    parse_boolean,
    parse_date,
    parse_datetime,
    parse_integer,
    parse_number,
    parse_string,
    parse_year,
)
from tangerang_quality.texts import SaidError

NIK = "3671014502900001"


def field(type_: str, **kw: Any) -> Field:
    return Field(name="f", type=type_, title="F", **kw)


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", 1234),
        ("0", 0),
        ("-17", -17),
        ("+17", 17),
        ("1.234", 1234),  # Indonesian thousands in an integer column
        ("1.234.567", 1234567),
        ("1,234,567", 1234567),
        ("1234.0", 1234),
        ("1.234.567,00", 1234567),
        ("9223372036854775807", 2**63 - 1),
        (1234, 1234),
        (12.0, 12),
    ],
)
def test_integer_accepted(text: Any, expected: int) -> None:
    assert parse_integer(text) == expected


@pytest.mark.parametrize(
    "text",
    ["12,5", "1.5", "1.23.4", "1,23", "abc", "1e3", "12 ribu", "9223372036854775808", True, "1..2"],
)
def test_integer_rejected(text: Any) -> None:
    with pytest.raises(ValueError):
        parse_integer(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.5", 1234.5),
        ("0.234", 0.234),  # a leading zero is never a thousands group
        ("1.234.567", 1234567.0),
        ("1.234.567,89", 1234567.89),
        ("1,234,567.89", 1234567.89),
        ("-6,1789", -6.1789),
        ("-6.1789", -6.1789),
        ("106,64", 106.64),
        ("\u22126,5", -6.5),  # unicode minus
        ("1e-3", 0.001),
        ("0", 0.0),
        (3, 3.0),
    ],
)
def test_number_accepted(text: Any, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["1.234,5,6", "12,34,5", "1.2.3", "abc", "1,2.3", "--1", "12%"])
def test_number_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-08-17", date(2024, 8, 17)),
        ("2024-8-7", date(2024, 8, 7)),
        ("2024-08-17T00:00:00", date(2024, 8, 17)),
        ("17/08/2024", date(2024, 8, 17)),
        ("17-08-2024", date(2024, 8, 17)),
        ("17.08.2024", date(2024, 8, 17)),
        ("05/03/2021", date(2021, 3, 5)),  # day first, always
        ("17 Agustus 2024", date(2024, 8, 17)),
        ("17 agustus 2024", date(2024, 8, 17)),
        ("17 AGT 2024", date(2024, 8, 17)),
        ("17 Agu 2024", date(2024, 8, 17)),
        ("17 Ags 2024", date(2024, 8, 17)),
        ("17-Agustus-2024", date(2024, 8, 17)),
        ("Sabtu, 17 Agustus 2024", date(2024, 8, 17)),
        ("Jumat, 1 Maret 2024", date(2024, 3, 1)),
        ("1 Januari 2024", date(2024, 1, 1)),
        ("2 Februari 2024", date(2024, 2, 2)),
        ("2 Pebruari 2024", date(2024, 2, 2)),
        ("3 Mar 2024", date(2024, 3, 3)),
        ("4 Apr 2024", date(2024, 4, 4)),
        ("5 Mei 2024", date(2024, 5, 5)),
        ("6 Jun 2024", date(2024, 6, 6)),
        ("7 Jul 2024", date(2024, 7, 7)),
        ("9 Sep 2024", date(2024, 9, 9)),
        ("10 Okt 2024", date(2024, 10, 10)),
        ("11 Nov 2024", date(2024, 11, 11)),
        ("11 Nopember 2024", date(2024, 11, 11)),
        ("12 Des 2024", date(2024, 12, 12)),
        ("25 Desember 2024", date(2024, 12, 25)),
        (date(2024, 1, 2), date(2024, 1, 2)),
        (datetime(2024, 1, 2), date(2024, 1, 2)),
    ],
)
def test_date_accepted(text: Any, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["31/02/2024", "2024/13/01", "17 Agustos 2024", "kemarin", "17/08/24", "08-2024"]
)
def test_date_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_date_with_contract_format() -> None:
    assert parse_date("08/17/2024", "%m/%d/%Y") == date(2024, 8, 17)
    with pytest.raises(ValueError, match="format"):
        parse_date("17/08/2024", "%m/%d/%Y")


WIB = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-08-17T13:45:00+07:00", datetime(2024, 8, 17, 13, 45, tzinfo=WIB)),
        ("2024-08-17T06:45:00Z", datetime(2024, 8, 17, 13, 45, tzinfo=WIB)),
        ("2024-08-17 13:45", datetime(2024, 8, 17, 13, 45, tzinfo=WIB)),  # naive = WIB
        ("17/08/2024 13:45", datetime(2024, 8, 17, 13, 45, tzinfo=WIB)),
        ("17/08/2024 13:45:30", datetime(2024, 8, 17, 13, 45, 30, tzinfo=WIB)),
    ],
)
def test_datetime_accepted(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("text", ["17/08/2024 25:00", "besok pagi", "2024-08-17T13:45:00+99:00"])
def test_datetime_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        parse_datetime(text)


# --------------------------------------------------------------------------- other types


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ya", True),
        ("Ya", True),
        ("TRUE", True),
        ("1", True),
        ("benar", True),
        ("y", True),
        ("tidak", False),
        ("false", False),
        ("0", False),
        ("Salah", False),
        ("n", False),
        (True, True),
        (False, False),
    ],
)
def test_boolean(text: Any, expected: bool) -> None:
    assert parse_boolean(text) is expected


def test_boolean_rejected() -> None:
    with pytest.raises(ValueError, match="ya/tidak"):
        parse_boolean("mungkin")


@pytest.mark.parametrize(("text", "expected"), [("2024", 2024), (2023, 2023), ("2024.0", 2024)])
def test_year(text: Any, expected: int) -> None:
    assert parse_year(text) == expected


@pytest.mark.parametrize("text", ["24", "20245", "tahun 2024"])
def test_year_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        parse_year(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("007", "007"),
        ("3671012345678901", "3671012345678901"),  # 16-digit NIK-like code survives as text
        ("  0012  ", "0012"),
        (3671, "3671"),  # an integer of <= 15 digits with no pattern is accepted
    ],
)
def test_id_strings_keep_their_digits(value: Any, expected: str) -> None:
    assert parse_string(value, field("string", format="id")) == expected


def test_id_mangled_by_spreadsheet_is_reported() -> None:
    with pytest.raises(ValueError, match="spreadsheet"):
        parse_string("3.67101E+15", field("string", format="id"))


@pytest.mark.parametrize(
    ("value", "expected"), [("negeri", "Negeri"), ("SWASTA", "Swasta"), ("Lainnya", "Lainnya")]
)
def test_enum_takes_the_contract_spelling(value: str, expected: str) -> None:
    assert parse_string(value, field("string", enum=("Negeri", "Swasta"))) == expected


@pytest.mark.parametrize(
    ("text", "dots", "expected"),
    [("10.234", THOUSANDS, 10234.0), ("10.234", DECIMAL, 10.234), ("-1.500", THOUSANDS, -1500.0)],
)
def test_number_with_column_convention(text: str, dots: str, expected: float) -> None:
    assert parse_number(text, dots) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["10.234", "-1.500", "999.999"])
def test_lone_dot_group_is_ambiguous_in_a_number_column(text: str) -> None:
    with pytest.raises(AmbiguousNumber, match="ambiguous"):
        parse_number(text)
    assert parse_integer(text) == int(text.replace(".", ""))  # integer columns: thousands


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["10.234", "6,5"], THOUSANDS),
        (["10.234", "1.234,5"], THOUSANDS),
        (["10.234", "1.234.567"], THOUSANDS),
        (["10.234", "2.25"], DECIMAL),
        (["10.234", "1234.567"], DECIMAL),
        (["10.234", "1,234,567.8"], DECIMAL),
        (["10.234", "12", 3.5, None], None),
        (["10.234", "6,5", "2.25"], None),  # contradictory
    ],
)
def test_dot_convention(values: list[Any], expected: str | None) -> None:
    assert dot_convention(values) == expected


@pytest.mark.parametrize(
    ("value", "kw"),
    [
        (12.0, {}),
        (float(NIK), {}),
        (int(NIK), {}),  # 16 digits
        (12, {"pattern": "^[0-9]{4}$"}),  # leading zeros lost
    ],
)
def test_id_arriving_as_a_number_is_a_problem(value: Any, kw: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="as text"):
        parse_string(value, field("string", format="id", **kw))


def test_id_integer_matching_its_pattern_is_accepted() -> None:
    assert parse_string(1234, field("string", format="id", pattern="^[0-9]{4}$")) == "1234"


# --------------------------------------------------------------------------- found by properties


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00", "0001-01-01T06:59:00+07:00", "9999-12-31T23:59:59-12:00"]
)
def test_datetime_past_the_calendar_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="out of range"):
        parse_datetime(value)
    assert parse_datetime("0001-01-01T07:00:00+07:00").year == 1


@pytest.mark.parametrize("value", ["9" * 400, "1e400", 10**400, float("inf"), float("-inf")])
def test_number_past_float64_is_refused(value: Any) -> None:
    with pytest.raises(ValueError, match="too large"):
        parse_number(value)


def test_nan_is_not_a_number() -> None:
    with pytest.raises(ValueError, match="not a number"):
        parse_number(float("nan"))
    for value in (float("nan"), float("inf")):
        with pytest.raises(ValueError, match="not a whole number"):
            parse_integer(value)


@pytest.mark.parametrize(
    ("parse", "value", "alasan", "reason"),
    [
        (parse_integer, "satu", "bukan angka", "not a number"),
        (parse_integer, "1,5", "bukan bilangan bulat", "not a whole number"),
        (parse_number, "1.234,5.6", "pemisah ribuan yang salah", "badly grouped number"),
        (parse_date, "kemarin", "bukan tanggal (gunakan", "not a date (use"),
        (parse_date, "31/02/2024", "tanggal tidak ada", "no such date: day is out of range"),
        (parse_date, "17 Foo 2024", "nama bulan 'Foo' tidak dikenal", "unknown month name 'Foo'"),
        (parse_datetime, "besok", "bukan tanggal-waktu", "not a date-time"),
        (parse_boolean, "mungkin", "bukan nilai ya/tidak", "not a yes/no value"),
        (parse_year, "24", "bukan tahun empat digit", "not a four-digit year"),
        (lambda v: parse_string(v, field("string", format="id")), 1.5, "angka desimal", "decimal"),
    ],
)
def test_reasons_are_said_in_indonesian_and_english(
    parse: Any, value: Any, alasan: str, reason: str
) -> None:
    with pytest.raises(SaidError) as info:
        parse(value)
    assert alasan in info.value.said.render("id")
    assert reason in str(info.value) and str(info.value) == info.value.said.render("en")
