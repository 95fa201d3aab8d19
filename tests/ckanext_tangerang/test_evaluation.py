"""The smart-city evaluation: ``tangerang_evaluation_show``, the page ``/evaluasi`` and its CSV.

One catalog whose every number can be worked out by hand (see `world`): three producer
organizations and a university, five public datasets and a private one, run reports in the
previous and the current month, and downloads inside and outside the period.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from ckan.plugins import toolkit as tk
from ckan.tests.helpers import call_action, call_auth

from ckanext.tangerang import usage

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
TODAY = NOW.replace(tzinfo=dt.UTC).astimezone(WIB).date()
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = (THIS_MONTH - dt.timedelta(days=1)).replace(day=1)
PERIOD = {"start": LAST_MONTH.isoformat(), "end": TODAY.isoformat()}
MONTHS = [LAST_MONTH.strftime("%Y-%m"), THIS_MONTH.strftime("%Y-%m")]


def _utc(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WIB)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def _run(package: str, run_id: str, status: str, finished: dt.datetime, score: float | None):
    statistics = {"quality": {"total": score, "grade": "B"}} if score is not None else {}
    call_action(
        "tangerang_run_report_create",
        package_id=package,
        run_id=run_id,
        status=status,
        started_at=(finished - dt.timedelta(seconds=30)).isoformat(),
        finished_at=finished.isoformat(),
        validation={"success": status == "published", "statistics": statistics},
    )


def _downloads(package_id: str, count: int, day: dt.date) -> None:
    for n in range(count):
        usage.record("download", package_id, "r", ip=f"10.0.0.{n}", user_agent="uji", day=day)


@pytest.fixture
def world(make_org, make_dataset) -> dict[str, Any]:
    """Producers dinas-a, dinas-b (OPD) and bps (vertical agency); kampus (a university, not
    a producer). Public datasets:

    ===  ========  ===================  ===========  =========  ============================
    id   producer  dimensions           freshness    score      runs (month: score)
    ===  ========  ===================  ===========  =========  ============================
    a    dinas-a   governance, economy  on time      80         last: 70, this: 80
    b    dinas-b   governance           late         60         this: 60
    c    bps       governance           failed       —          this: 90, then a failure
    d    dinas-a   living               irregular    50         this: unscored
    e    dinas-a   society              no run       —          —
    ===  ========  ===================  ===========  =========  ============================

    and ``rahasia`` (dinas-b, governance, private). Downloads in the period: a 3, b 2
    (and 1 the day before it), rahasia 5.
    """
    for name, org_type in (("dinas-a", "opd"), ("dinas-b", "opd"), ("bps", "instansi_vertikal")):
        make_org(org_type, name=name, title=name.upper())
    make_org("universitas", name="kampus")
    recent = (NOW - dt.timedelta(days=2)).isoformat()
    made = {
        "a": make_dataset(
            "dinas-a",
            name="set-a",
            dimensi=["governance", "economy"],
            frekuensi="bulanan",
            last_run_at=recent,
            quality_score="80",
        ),
        "b": make_dataset(
            "dinas-b",
            name="set-b",
            dimensi=["governance"],
            frekuensi="harian",
            last_run_at=(NOW - dt.timedelta(days=5)).isoformat(),
            quality_score="60",
        ),
        "c": make_dataset(
            "bps", name="set-c", dimensi=["governance"], frekuensi="bulanan", last_run_at=recent
        ),
        "d": make_dataset(
            "dinas-a",
            name="set-d",
            dimensi=["living"],
            frekuensi="tidak_tentu",
            last_run_at=recent,
            quality_score="50",
        ),
        "e": make_dataset("dinas-a", name="set-e", dimensi=["society"], frekuensi="bulanan"),
        "rahasia": make_dataset(
            "dinas-b",
            name="rahasia",
            dimensi=["governance"],
            private=True,
            last_run_at=recent,
            quality_score="10",
        ),
    }
    _run("set-a", "a1", "published", _utc(LAST_MONTH, 12), 70.0)
    _run("set-a", "a2", "published", _utc(THIS_MONTH, 0, 1), 80.0)
    _run("set-b", "b1", "published", _utc(THIS_MONTH, 0, 2), 60.0)
    _run("set-c", "c1", "published", _utc(THIS_MONTH, 0, 3), 90.0)
    _run("set-c", "c2", "failed", _utc(THIS_MONTH, 0, 4), None)
    _run("set-d", "d1", "published", _utc(THIS_MONTH, 0, 5), None)
    _run("rahasia", "r1", "published", _utc(THIS_MONTH, 0, 6), 10.0)
    _downloads(made["a"]["id"], 3, TODAY)
    _downloads(made["b"]["id"], 2, LAST_MONTH)
    _downloads(made["b"]["id"], 1, LAST_MONTH - dt.timedelta(days=1))
    _downloads(made["rahasia"]["id"], 5, TODAY)
    return made


def _evaluate(**params: Any) -> dict[str, Any]:
    return call_action("tangerang_evaluation_show", context={"user": ""}, **params)


def _rows(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in result["dimensions"]}


def test_anyone_may_see_it():
    assert call_auth("tangerang_evaluation_show", {"user": ""}, **PERIOD)


def test_each_dimension_counts_its_public_datasets(world):
    result = _evaluate(**PERIOD)
    assert result["period"] == {**PERIOD, "months": MONTHS}
    rows = _rows(result)
    assert list(rows) == ["governance", "branding", "economy", "living", "society", "environment"]
    governance = rows["governance"]
    assert governance["dataset_count"] == 3  # not rahasia
    assert [p["name"] for p in governance["producers"]] == ["bps", "dinas-a", "dinas-b"]
    assert (governance["producer_count"], governance["producer_total"]) == (3, 3)
    assert governance["freshness"] == {
        "on_time": 1,
        "late": 1,
        "failed": 1,
        "irregular": 0,
        "no_run": 0,
    }
    assert (governance["on_time_measured"], governance["on_time_percent"]) == (3, 33.3)
    assert (governance["quality_mean"], governance["quality_scored"]) == (70.0, 2)
    assert governance["downloads"] == 5
    assert governance["trend"] == [
        {"month": MONTHS[0], "quality_mean": 70.0},
        {"month": MONTHS[1], "quality_mean": 76.7},  # (80 + 60 + 90) / 3
    ]
    economy = rows["economy"]
    assert (economy["dataset_count"], economy["producer_count"], economy["on_time_percent"]) == (
        1,
        1,
        100.0,
    )
    assert (economy["quality_mean"], economy["downloads"]) == (80.0, 3)
    assert [p["quality_mean"] for p in economy["trend"]] == [70.0, 80.0]


def test_unmeasured_and_empty_dimensions_say_so(world):
    rows = _rows(_evaluate(**PERIOD))
    living, society, branding = rows["living"], rows["society"], rows["branding"]
    assert living["freshness"]["irregular"] == 1 and living["on_time_percent"] is None
    assert living["quality_mean"] == 50.0 and living["downloads"] == 0
    assert [p["quality_mean"] for p in living["trend"]] == [None, None]  # an unscored run
    assert society["freshness"]["no_run"] == 1 and society["quality_mean"] is None
    assert branding["dataset_count"] == 0 and branding["producers"] == []
    assert (branding["producer_count"], branding["producer_total"]) == (0, 3)
    assert branding["on_time_percent"] is None and branding["quality_mean"] is None


def test_the_total_counts_every_public_dataset_once(world):
    total = _evaluate(**PERIOD)["total"]
    assert total["dataset_count"] == 5
    assert total["producer_count"] == 3
    assert total["freshness"] == {"on_time": 1, "late": 1, "failed": 1, "irregular": 1, "no_run": 1}
    assert total["on_time_percent"] == 33.3
    assert total["quality_mean"] == 63.3  # (80 + 60 + 50) / 3
    assert total["downloads"] == 5
    assert [p["quality_mean"] for p in total["trend"]] == [70.0, 76.7]


def test_the_period_bounds_downloads_and_trend(world):
    only_today = _evaluate(start=TODAY.isoformat(), end=TODAY.isoformat())
    governance = _rows(only_today)["governance"]
    assert governance["downloads"] == 3  # b's were last month
    assert only_today["period"]["months"] == [MONTHS[1]]
    earlier = LAST_MONTH - dt.timedelta(days=1)
    b_before = _evaluate(start=earlier.isoformat(), end=earlier.isoformat())
    assert _rows(b_before)["governance"]["downloads"] == 1


def _today_in_wib() -> dt.date:
    return dt.datetime.now(dt.UTC).astimezone(WIB).date()


def test_the_default_period_is_twelve_months_up_to_today():
    # Today as the call sees it (the module's TODAY was taken when the tests were collected,
    # which may be before midnight WIB, 17:00 UTC).
    before = _today_in_wib()
    period = _evaluate()["period"]
    today = dt.date.fromisoformat(period["end"])
    assert today in {before, _today_in_wib()}
    assert len(period["months"]) == 12 and period["months"][-1] == today.strftime("%Y-%m")
    assert period["start"] == period["months"][0] + "-01"


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-05-01", "end": "2026-04-30"},
        {"start": "2020-01-01", "end": "2026-01-01"},
        {"start": "kemarin"},
    ],
)
def test_a_period_it_cannot_evaluate_is_refused(params):
    with pytest.raises(tk.ValidationError):
        _evaluate(**params)


# --- over HTTP -----------------------------------------------------------------------------


def _cells(soup: BeautifulSoup, dimension: str) -> dict[str, str]:
    row = soup.select_one(f'tr[data-dimension="{dimension}"]')
    assert row is not None, dimension
    return {
        name: " ".join(row.select_one(f".tangerang-evaluation-{name}").get_text(" ").split())
        for name in ("datasets", "producers", "ontime", "quality", "downloads")
    }


def test_the_page_shows_each_number_in_both_languages(app, world):
    query = f"?start={PERIOD['start']}&end={PERIOD['end']}"
    soup = BeautifulSoup(app.get("/evaluasi" + query).body, "html.parser")
    assert soup.h1.get_text(strip=True) == "Evaluasi Smart City"
    governance = _cells(soup, "governance")
    assert governance["datasets"] == "3"
    assert governance["producers"].startswith("3 dari 3")
    assert "DINAS-A" in governance["producers"] and "BPS" in governance["producers"]
    assert governance["ontime"].startswith("33,3 persen")
    assert governance["quality"].startswith("70")
    assert governance["downloads"] == "5"
    total = _cells(soup, "total")
    assert (total["datasets"], total["downloads"]) == ("5", "5")
    assert total["quality"].startswith("63,3")
    chart = json.loads(
        soup.select_one('tr[data-dimension="governance"] .tangerang-chart')["data-chart"]
    )
    assert [p["y"] for p in chart["points"]] == [70.0, 76.7]
    assert not soup.select('tr[data-dimension="living"] .tangerang-chart')  # no score
    assert "WIB" in soup.select_one(".tangerang-evaluation-generated").get_text()
    csv_link = soup.select_one(".tangerang-evaluation-csv")["href"]
    assert csv_link.startswith("/evaluasi.csv?") and f"start={PERIOD['start']}" in csv_link

    english = BeautifulSoup(app.get("/en/evaluasi" + query).body, "html.parser")
    assert english.h1.get_text(strip=True) == "Smart city evaluation"
    governance = _cells(english, "governance")
    assert governance["producers"].startswith("3 of 3")
    assert governance["ontime"].startswith("33.3 percent")
    assert _cells(english, "total")["quality"].startswith("63.3")


def test_the_page_refuses_a_bad_period(app):
    app.get("/evaluasi?start=2026-05-01&end=2026-04-01", status=400)


def test_the_csv_is_the_same_table(app, world):
    query = f"?start={PERIOD['start']}&end={PERIOD['end']}"
    response = app.get("/evaluasi.csv" + query)
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "evaluasi-smart-city-" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.body)))
    assert [r["dimensi"] for r in rows] == [
        "governance",
        "branding",
        "economy",
        "living",
        "society",
        "environment",
        "total",
    ]
    governance = rows[0]
    assert governance["nama_dimensi"].startswith("Smart Governance")
    assert (governance["jumlah_dataset"], governance["jumlah_produsen"]) == ("3", "3")
    assert governance["jumlah_seluruh_produsen"] == "3"
    assert governance["produsen"] == "bps dinas-a dinas-b"
    assert (governance["tepat_waktu"], governance["terlambat"], governance["gagal"]) == (
        "1",
        "1",
        "1",
    )
    assert governance["persen_tepat_waktu"] == "33.3"
    assert (governance["rerata_skor_mutu"], governance["jumlah_unduhan"]) == ("70.0", "5")
    assert json.loads(governance["tren_skor_bulanan"]) == {MONTHS[0]: 70.0, MONTHS[1]: 76.7}
    living = rows[3]
    assert living["persen_tepat_waktu"] == "" and living["jumlah_unduhan"] == "0"
    total = rows[-1]
    assert (total["nama_dimensi"], total["jumlah_dataset"]) == ("Seluruh dimensi", "5")
    english = list(csv.DictReader(io.StringIO(app.get("/en/evaluasi.csv" + query).body)))
    assert english[-1]["nama_dimensi"] == "All dimensions"
