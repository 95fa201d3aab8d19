"""The steward dashboard and the quality charts in a real browser (issue 12, items 3 and 5).

Playwright drives Debian's Chromium against the CKAN test site as the seeded walidata (their
API token goes with every request): ``/dasbor`` has one row per contract, each scored
contract's trend drawn by the vendored ECharts; a dataset page and its ``/riwayat-proses``
draw the score history and the dimension scores of the last run; both languages. The
dataset fasyankes is published through the pipeline when the site does not have it yet, and
gets four scored runs, the newest, reported as the bot; for the dashboard a failed run on
top (gagal), followed by a good one after the test. Screenshots: var/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser import SCREENSHOTS
from ckan_site import bot_client
from conftest import walidata_token
from playwright.sync_api import BrowserContext, Page, expect

from tangerang_hub import pipeline
from tangerang_hub.contracts import SCHEMAS_DIR, get_contract

pytestmark = pytest.mark.stack

SCORES = (78.4, 84.0, 88.5, 91.2)


def _contract_ids() -> set[str]:
    return {
        yaml.safe_load(path.read_text(encoding="utf-8"))["id"]
        for folder in ("datasets", "catalog")
        for path in (SCHEMAS_DIR / folder).glob("*.yaml")
    }


def _after_the_newest_run(seconds: int) -> dt.datetime:
    """`seconds` after fasyankes' newest run (or now, if later): runs reported from here on
    are the newest, whatever earlier tests reported."""
    [newest] = bot_client().call("tangerang_run_report_list", package_id="fasyankes", limit=1)
    last = dt.datetime.fromisoformat(newest["finished_at"]).replace(tzinfo=dt.UTC)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return max(now, last) + dt.timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """fasyankes in the catalog, its four newest runs scored `SCORES`."""
    bot = bot_client()
    if bot.show_or_none("package_show", id="fasyankes") is None:
        seeded = pipeline.run(
            get_contract("fasyankes"),
            client=bot,
            workdir=tmp_path_factory.mktemp("hub"),
            run_id="seed-browser",
        )
        assert seeded.status == "published", seeded.message
    tag = uuid.uuid4().hex[:6]
    for second, total in enumerate(SCORES, start=1):
        finished = _after_the_newest_run(1)
        quality = {
            "total": total,
            "grade": "A" if total >= 90 else "B",
            "dimensions": {
                "validity": 100.0,
                "completeness": 98.6,
                "freshness": 100.0,
                "metadata": 100.0,
                "accessibility": 80.0 + second,
                "documentation": total - 50,
            },
        }
        bot.call(
            "tangerang_run_report_create",
            package_id="fasyankes",
            run_id=f"uji-browser-{tag}-{second}",
            status="published",
            started_at=(finished - dt.timedelta(seconds=42)).isoformat(),
            finished_at=finished.isoformat(),
            rows=58,
            validation={
                "success": True,
                "blocking": [],
                "warnings": [],
                "statistics": {"quality": quality},
            },
        )
    return {"tag": tag}


@pytest.fixture
def failing(scored: dict[str, Any]) -> Iterator[None]:
    """fasyankes' newest run failed (the source answered 500); a good run follows after the
    test, so the site is not left failing."""
    bot = bot_client()

    def report(status: str, at: dt.datetime, message: str) -> None:
        bot.call(
            "tangerang_run_report_create",
            package_id="fasyankes",
            run_id=f"uji-browser-{uuid.uuid4().hex[:6]}-{status}",
            status=status,
            started_at=(at - dt.timedelta(seconds=3)).isoformat(),
            finished_at=at.isoformat(),
            message=message,
        )

    message = "Proses gagal: http://127.0.0.1:8765/dinkes/fasyankes.csv answered 500"
    report("failed", _after_the_newest_run(1), message)
    yield
    report("unchanged", _after_the_newest_run(1), "Data tidak berubah; tidak ada yang diunggah.")


@pytest.fixture
def walidata(as_user) -> BrowserContext:
    """The seeded walidata, in a window wide enough for the whole table."""
    return as_user(walidata_token(), width=1440)


def _shot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.mark.parametrize(
    "lang, prefix, heading, failed",
    [("id", "", "Dasbor Walidata", "Gagal"), ("en", "/en", "Steward dashboard", "Failed")],
)
def test_the_dashboard_lists_every_contract_with_its_trend_and_the_failure(
    walidata, base_url, failing, lang, prefix, heading, failed
):
    page = walidata.new_page()
    page.goto(f"{base_url}{prefix}/dasbor")
    expect(page.locator(".tangerang-dashboard h1")).to_have_text(heading)
    rows = page.locator("tr[data-contract]")
    expect(rows).to_have_count(len(_contract_ids()))
    assert {rows.nth(i).get_attribute("data-contract") for i in range(rows.count())} == (
        _contract_ids()
    )
    fasyankes = page.locator('tr[data-contract="fasyankes"]')
    # ECharts drew the trend as SVG (our charts.js, from the vendored file, no CDN).
    expect(fasyankes.locator('.tangerang-chart[data-chart-drawn="true"] svg')).to_have_count(1)
    expect(page.locator(".tangerang-summary-card")).to_have_count(5)
    labels = page.locator(".tangerang-dashboard-freshness .badge").all_inner_texts()
    assert labels and all(text.strip() for text in labels)
    expect(fasyankes).to_have_attribute("data-freshness", "failed")
    expect(fasyankes.locator(".tangerang-dashboard-freshness .badge")).to_have_text(failed)
    expect(rows.first).to_have_attribute("data-freshness", "failed")  # worst first
    _shot(page, f"dasbor-{lang}")
    page.close()


@pytest.mark.parametrize(
    "lang, prefix, history",
    [("id", "", "Riwayat skor mutu"), ("en", "/en", "Quality score history")],
)
@pytest.mark.parametrize("where", ["dataset", "riwayat-proses"])
def test_dataset_pages_chart_the_score_history_and_the_dimensions(
    walidata, base_url, scored, lang, prefix, history, where
):
    page = walidata.new_page()
    suffix = "/riwayat-proses" if where == "riwayat-proses" else ""
    page.goto(f"{base_url}{prefix}/dataset/fasyankes{suffix}")
    charts = page.locator(".tangerang-quality-charts")
    expect(charts.locator("h3").first).to_have_text(history)
    expect(charts.locator('.tangerang-score-history[data-chart-drawn="true"] svg')).to_have_count(1)
    expect(
        charts.locator('.tangerang-dimension-scores[data-chart-drawn="true"] svg')
    ).to_have_count(1)
    # The history ends with our four scores, oldest first.
    spec = json.loads(charts.locator(".tangerang-score-history").get_attribute("data-chart") or "")
    assert [point["y"] for point in spec["points"]][-4:] == list(SCORES)
    _shot(page, f"{where}-mutu-{lang}")
    page.close()


def test_anonymous_visitors_do_not_get_the_dashboard(page: Page, base_url):
    response = page.goto(f"{base_url}/dasbor")
    assert response is not None and response.status == 403
