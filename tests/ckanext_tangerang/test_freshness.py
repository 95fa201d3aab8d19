"""Freshness rules (pure functions), read from the hub's one table of frequency periods."""

from __future__ import annotations

import datetime as dt

import pytest

from ckanext.tangerang import freshness, hub_tables, vocab

NOW = dt.datetime(2025, 3, 1, 12, 0, 0)


def test_the_period_table_has_every_frequency_of_the_schema():
    assert list(hub_tables.frequencies()) == list(vocab.dataset_values("frekuensi"))


@pytest.mark.parametrize("frequency", list(hub_tables.frequencies()))
def test_late_exactly_after_the_period_of_the_table(frequency):
    days = hub_tables.frequencies()[frequency]["days"]
    last = NOW - dt.timedelta(days=days or 0)
    if days is None:
        assert freshness.status(frequency, last.isoformat(), NOW) == freshness.IRREGULAR
        assert freshness.due_at(frequency, last.isoformat()) is None
        return
    assert freshness.due_at(frequency, last.isoformat()) == NOW
    assert freshness.status(frequency, last.isoformat(), NOW) == freshness.ON_TIME
    later = NOW + dt.timedelta(minutes=1)
    assert freshness.status(frequency, last.isoformat(), later) == freshness.LATE


def test_semesteran_is_a_half_year_at_its_longest():
    # July to December: the longest half-year, as the quality score counts it too
    assert freshness.expected_interval("semesteran") == dt.timedelta(days=184)


def test_the_table_is_read_from_the_configured_schemas_dir(tmp_path, ckan_config, monkeypatch):
    (tmp_path / "frequencies.yaml").write_text("harian: {days: 3, dcat: DAILY}\n")
    monkeypatch.setitem(ckan_config, "ckanext.tangerang.schemas_dir", str(tmp_path))
    last = (NOW - dt.timedelta(days=2)).isoformat()
    assert freshness.status("harian", last, NOW) == freshness.ON_TIME
    assert freshness.expected_interval("bulanan") is None  # not in that table


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
