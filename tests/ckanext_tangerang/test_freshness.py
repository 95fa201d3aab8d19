"""Freshness rules (pure functions) and their agreement with the schema's frequencies."""

from __future__ import annotations

import datetime as dt

import pytest

from ckanext.tangerang import freshness, vocab

NOW = dt.datetime(2025, 3, 1, 12, 0, 0)


def test_every_frequency_of_the_schema_has_an_interval():
    assert set(freshness.EXPECTED_INTERVAL) == set(vocab.dataset_values("frekuensi"))


@pytest.mark.parametrize(
    "frequency, age, expected",
    [
        ("harian", dt.timedelta(hours=23), freshness.ON_TIME),
        ("harian", dt.timedelta(days=2), freshness.LATE),
        ("mingguan", dt.timedelta(days=7), freshness.ON_TIME),
        ("bulanan", dt.timedelta(days=32), freshness.LATE),
        ("tahunan", dt.timedelta(days=300), freshness.ON_TIME),
        ("tidak_tentu", dt.timedelta(days=3000), freshness.IRREGULAR),
    ],
)
def test_status_against_frequency(frequency, age, expected):
    assert freshness.status(frequency, (NOW - age).isoformat(), NOW) == expected


def test_grace_and_timezones():
    # 07:00 in Jakarta is 00:00 UTC: 36 hours old at NOW
    last = "2025-02-28T07:00:00+07:00"
    assert freshness.status("harian", last, NOW) == freshness.LATE
    assert freshness.status("harian", last, NOW, grace=dt.timedelta(hours=12)) == freshness.ON_TIME
    assert freshness.due_at("harian", last) == dt.datetime(2025, 3, 1, 0, 0)


@pytest.mark.parametrize("last", [None, "", "kemarin"])
def test_no_or_unreadable_run_time(last):
    assert freshness.status("harian", last, NOW) == freshness.NO_RUN
    assert freshness.due_at("harian", last) is None
