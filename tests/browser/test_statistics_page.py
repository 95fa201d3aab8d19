"""The usage statistics (/statistik) against the CKAN test site: real HTTP downloads are
counted on the server, shown in a real browser in both languages and exported monthly.

A public dataset of this module (Smart Economy, no contract, so no review) gets an uploaded
CSV. Three downloads with a browser's user agent raise its count by exactly three in
``tangerang_usage_show``, on the page and in the month's CSV; a crawler's download does not.
Playwright drives Debian's Chromium; the charts are drawn by the vendored ECharts.
Screenshots: var/screenshots/statistik-<lang>.png.
"""

from __future__ import annotations

import csv
import io
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import SCREENSHOTS
from ckan_site import anonymous_client, bot_client, site_url
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.stack

BROWSER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
BOT_AGENT = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
CSV_TEXT = "kode_kecamatan,jumlah_umkm\n3671010,120\n3671020,98\n"


@pytest.fixture(scope="module")
def usage_dataset(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A public economy dataset of Dinkes with one uploaded CSV."""
    bot = bot_client()
    name = f"uji-statistik-{uuid.uuid4().hex[:8]}"
    dataset = bot.call(
        "package_create",
        {
            "name": name,
            "title": "Uji Statistik: UMKM per Kecamatan",
            "owner_org": "dinkes",
            "notes": "Dataset uji statistik pemanfaatan (dihapus setelah uji).",
            "dimensi": ["economy"],
            "frekuensi": "tahunan",
            "tingkat_penyajian": "kecamatan",
            "klasifikasi_akses": "terbuka",
            "cakupan_wilayah": "36.71",
            "cakupan_waktu_mulai": "2025-01-01",
            "cakupan_waktu_selesai": "2025-12-31",
            "walidata_nama": "Bidang Statistik",
            "walidata_email": "satudata@example.org",
        },
    )
    path = tmp_path_factory.mktemp("statistik") / "umkm.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    resource = bot.call(
        "resource_create",
        {"package_id": dataset["id"], "name": "umkm.csv", "format": "CSV"},
        files={"upload": path},
    )
    yield {**dataset, "resource": resource}
    bot.call("package_delete", {"id": dataset["id"]})


def _get(url: str, user_agent: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"User-Agent": user_agent})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (local site)
        return response.status, response.read().decode("utf-8")


def _entry(package_id: str) -> dict[str, Any] | None:
    result = anonymous_client().call("tangerang_usage_show")
    return next((d for d in result["datasets"] if d["id"] == package_id), None)


@pytest.fixture(scope="module")
def downloaded(usage_dataset: dict[str, Any]) -> dict[str, Any]:
    """The dataset after three browser downloads and one crawler download over HTTP."""
    before = _entry(usage_dataset["id"])
    assert before is None or before["counts"]["download"] == 0
    url = usage_dataset["resource"]["url"]
    assert url.startswith(site_url().rstrip("/")) and "/download/" in url
    for _i in range(3):
        assert _get(url, BROWSER_AGENT) == (200, CSV_TEXT)
    assert _get(url, BOT_AGENT) == (200, CSV_TEXT)
    return usage_dataset


def test_three_downloads_count_three_in_the_action_and_the_monthly_export(downloaded):
    entry = _entry(downloaded["id"])
    assert entry is not None
    assert entry["counts"]["download"] == 3
    assert entry["unique_visitors"]["download"] == 1
    assert entry["resources"][downloaded["resource"]["id"]]["download"] == 3

    result = anonymous_client().call("tangerang_usage_show")
    month = result["end"][:7]  # today's month in WIB
    status, text = _get(f"{site_url().rstrip('/')}/en/statistik/{month}.csv", BROWSER_AGENT)
    assert status == 200
    header, *rows = list(csv.reader(io.StringIO(text)))
    ours = {
        row[header.index("Kind")]: row
        for row in rows
        if row[header.index("Dataset id")] == downloaded["id"]
    }
    assert ours["download"][header.index("Count")] == "3"
    assert ours["download"][header.index("Daily unique visitors (sum)")] == "1"


@pytest.mark.parametrize(
    "lang, prefix, heading, menu",
    [
        ("id", "", "Statistik Pemanfaatan", "Statistik"),
        ("en", "/en", "Usage statistics", "Statistics"),
    ],
)
def test_the_statistics_page_in_both_languages(
    page: Page, base_url, downloaded, lang, prefix, heading, menu
):
    page.goto(f"{base_url}{prefix}/")
    page.get_by_role("link", name=menu, exact=True).first.click()
    expect(page).to_have_url(f"{base_url}{prefix}/statistik")
    expect(page.locator(".tangerang-statistics h1")).to_have_text(heading)
    row = page.locator(f'tr[data-package-id="{downloaded["id"]}"]')
    expect(row.locator('td[data-kind="download"]')).to_have_text("3")
    economy = page.locator('[data-dimension="economy"]')
    expect(economy).to_contain_text("Uji Statistik: UMKM per Kecamatan")
    # Both charts drawn by ECharts (the vendored file through charts.js).
    expect(page.locator('.tangerang-chart[data-chart-drawn="true"] svg')).to_have_count(2)
    expect(page.locator(".tangerang-dashboard-generated")).to_contain_text("WIB")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"statistik-{lang}.png"), full_page=True)
    assert Path(SCREENSHOTS / f"statistik-{lang}.png").stat().st_size > 0
