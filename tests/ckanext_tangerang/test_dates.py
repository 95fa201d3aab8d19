"""Dates day first, in WIB, in Bahasa Indonesia and English (dates.render); no CKAN app needed."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import pytz

from ckanext.tangerang import dates

JAKARTA = pytz.timezone("Asia/Jakarta")  # what CKAN's get_display_timezone returns
UTC_07_18 = dt.datetime(2026, 12, 1, 7, 18)  # naive: UTC, as CKAN stores it


@pytest.mark.parametrize(
    "lang, with_hours, expected",
    [
        ("id", True, "1 Desember 2026, 14.18 WIB"),
        ("en", True, "1 December 2026, 14:18 WIB"),
        ("id", False, "1 Desember 2026"),
        ("en", False, "1 December 2026"),
    ],
)
def test_a_utc_time_is_written_day_first_in_wib(lang, with_hours, expected):
    assert dates.render(UTC_07_18, lang, JAKARTA, with_hours=with_hours) == expected


def test_seconds_follow_each_language():
    assert (
        dates.render(UTC_07_18, "id", JAKARTA, with_seconds=True) == "1 Desember 2026, 14.18.00 WIB"
    )
    assert (
        dates.render(UTC_07_18, "en", JAKARTA, with_seconds=True) == "1 December 2026, 14:18:00 WIB"
    )


@pytest.mark.parametrize("lang, month", [("id", "Desember"), ("en", "December")])
def test_the_last_days_of_december_keep_their_calendar_year(lang, month):
    # 29 December 2025 is a Monday of ISO week 1 of 2026: CKAN's YYYY prints 2026.
    for value in (dt.date(2025, 12, 29), "2025-12-29", dt.datetime(2025, 12, 29, 3, 0)):
        assert dates.render(value, lang, JAKARTA) == f"29 {month} 2025"
    assert dates.render(dt.datetime(2025, 12, 31, 9), lang, JAKARTA, with_hours=True).startswith(
        f"31 {month} 2025, 16"
    )


def test_the_evening_of_new_years_eve_in_utc_is_already_new_year_in_jakarta():
    assert (
        dates.render("2025-12-31T20:00:00Z", "id", JAKARTA, with_hours=True)
        == "1 Januari 2026, 03.00 WIB"
    )
    assert dates.render("2025-12-31T20:00:00", "en", JAKARTA) == "1 January 2026"


def test_an_aware_time_is_converted_and_other_zones_name_themselves():
    wita = dt.datetime(2026, 12, 1, 15, 18, tzinfo=zoneinfo.ZoneInfo("Asia/Makassar"))
    assert dates.render(wita, "en", JAKARTA, with_hours=True) == "1 December 2026, 14:18 WIB"
    assert dates.render(UTC_07_18, "en", pytz.utc, with_hours=True) == "1 December 2026, 07:18 UTC"
    assert (
        dates.render(UTC_07_18, "id", zoneinfo.ZoneInfo("Asia/Jakarta"), with_hours=True)
        == "1 Desember 2026, 14.18 WIB"
    )


def test_a_plain_date_is_never_shifted_by_the_zone():
    assert (
        dates.render("2025-01-01", "id", pytz.timezone("America/Los_Angeles")) == "1 Januari 2025"
    )


@pytest.mark.parametrize("value", [None, "", "bukan tanggal", 42, "2025-13-01"])
def test_what_is_not_a_date_renders_empty(value):
    assert dates.render(value, "id", JAKARTA, with_hours=True) == ""


def test_an_unknown_language_falls_back_to_indonesian():
    assert dates.render(UTC_07_18, "xx", JAKARTA, with_hours=True) == "1 Desember 2026, 14.18 WIB"
    assert (
        dates.render(UTC_07_18, "en_GB", JAKARTA, with_hours=True) == "1 December 2026, 14:18 WIB"
    )
