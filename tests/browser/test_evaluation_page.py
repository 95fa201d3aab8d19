"""The smart-city evaluation (/evaluasi) in a real browser, in both languages, and printed.

Playwright drives Debian's Chromium against the CKAN test site as an anonymous visitor (the
evaluation is public). A public dataset of this module (Smart Environment, no contract, so
no review) gets two scored runs this month; the page must show, per dimension, the numbers
``tangerang_evaluation_show`` answers, draw the trend with the vendored ECharts, and print
without the portal's header, navigation and footer. Screenshots: var/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.numbers import format_decimal
from browser import SCREENSHOTS
from ckan_site import anonymous_client, bot_client
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.stack

SCORES = (72.5, 81.0)


@pytest.fixture(scope="module")
def environment_dataset() -> Iterator[dict[str, Any]]:
    """A public environment dataset of Dinkes with `SCORES` as its runs of this month."""
    bot = bot_client()
    name = f"uji-evaluasi-{uuid.uuid4().hex[:8]}"
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    dataset = bot.call(
        "package_create",
        {
            "name": name,
            "title": "Uji Evaluasi: Kualitas Udara",
            "owner_org": "dinkes",
            "notes": "Dataset uji evaluasi smart city (dihapus setelah uji).",
            "dimensi": ["environment"],
            "frekuensi": "bulanan",
            "tingkat_penyajian": "kecamatan",
            "klasifikasi_akses": "terbuka",
            "cakupan_wilayah": "36.71",
            "cakupan_waktu_mulai": "2025-01-01",
            "cakupan_waktu_selesai": "2025-12-31",
            "walidata_nama": "Bidang Statistik",
            "walidata_email": "satudata@example.org",
            "last_run_at": now.isoformat(),
            "quality_score": SCORES[-1],
            "quality_grade": "B",
        },
    )
    for n, total in enumerate(SCORES):
        finished = now - dt.timedelta(minutes=len(SCORES) - n)
        bot.call(
            "tangerang_run_report_create",
            package_id=name,
            run_id=f"uji-evaluasi-{n}",
            status="published",
            started_at=(finished - dt.timedelta(seconds=20)).isoformat(),
            finished_at=finished.isoformat(),
            validation={"success": True, "statistics": {"quality": {"total": total}}},
        )
    yield dataset
    bot.call("package_delete", {"id": dataset["id"]})


def _number(value: float | int, lang: str) -> str:
    return format_decimal(value, locale=lang)


@pytest.mark.parametrize(
    "lang, prefix, heading, of",
    [("id", "", "Evaluasi Smart City", "dari"), ("en", "/en", "Smart city evaluation", "of")],
)
def test_the_evaluation_shows_each_dimension_and_prints_clean(
    page: Page, base_url, environment_dataset, lang, prefix, heading, of
):
    expected = anonymous_client().call("tangerang_evaluation_show")
    page.goto(f"{base_url}{prefix}/evaluasi")
    expect(page.locator(".tangerang-evaluation h1")).to_have_text(heading)
    expect(page.locator("tr[data-dimension]")).to_have_count(7)  # six dimensions, the total
    for row in [*expected["dimensions"], {**expected["total"], "name": "total"}]:
        cells = page.locator(f'tr[data-dimension="{row["name"]}"]')
        expect(cells.locator(".tangerang-evaluation-datasets")).to_have_text(
            _number(row["dataset_count"], lang)
        )
        coverage = f"{row['producer_count']} {of} {row['producer_total']}"
        expect(cells.locator(".tangerang-evaluation-coverage")).to_have_text(coverage)
        expect(cells.locator(".tangerang-evaluation-downloads")).to_have_text(
            _number(row["downloads"], lang)
        )
    environment = page.locator('tr[data-dimension="environment"]')
    expect(environment.locator(".tangerang-evaluation-producers li")).to_contain_text(
        ["Dinas Kesehatan"]
    )
    # ECharts drew the trend (the vendored file through charts.js).
    expect(environment.locator('.tangerang-chart[data-chart-drawn="true"] svg')).to_have_count(1)
    expect(page.locator(".tangerang-evaluation-generated")).to_contain_text("WIB")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"evaluasi-{lang}.png"), full_page=True)

    page.emulate_media(media="print")
    for clutter in (".masthead", ".site-footer", ".toolbar", ".tangerang-evaluation-filters"):
        expect(page.locator(clutter).first).to_be_hidden()
    expect(page.locator(".tangerang-evaluation h1")).to_be_visible()
    expect(page.locator(".tangerang-evaluation-table")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"evaluasi-cetak-{lang}.png"), full_page=True)
    page.pdf(path=str(SCREENSHOTS / f"evaluasi-{lang}.pdf"), format="A4", landscape=True)


def test_the_csv_downloads_from_the_page(page: Page, base_url, environment_dataset):
    page.goto(f"{base_url}/evaluasi")
    with page.expect_download() as download:
        page.locator(".tangerang-evaluation-csv").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    header, *rows = text.splitlines()
    assert header.startswith("dimensi,nama_dimensi,jumlah_dataset")
    assert [row.split(",")[0] for row in rows][-1] == "total" and len(rows) == 7
