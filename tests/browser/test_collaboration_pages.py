"""The data requests (/permohonan-data) and the showcase (/galeri) in a real browser, in
Bahasa Indonesia and English (issue 13).

An anonymous visitor sends a data request through the form (with its CSRF token), sees it
in the public list without the e-mail address, and opens the gallery with the seeded demo
items and their images. Each page is saved to var/screenshots/ for a person to look at.
"""

from __future__ import annotations

import configparser
import uuid
from pathlib import Path

import pytest
import redis
from ckan_site import anonymous_client
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[2]
GREEN = "rgb(11, 110, 79)"  # the masthead's colour in portal.css


@pytest.fixture
def fresh_request_counters() -> None:
    """The test site's hourly data request counters start at zero, so repeated runs within
    an hour stay under the limit (only the site's own keys are removed)."""
    ini = configparser.ConfigParser(interpolation=None, strict=False)
    ini.read(ROOT / "var" / "ckan" / "test.ini")
    section = ini["app:main"]
    client = redis.Redis.from_url(section["ckan.redis.url"])
    for key in client.scan_iter(f"{section['ckan.site_id']}:tangerang:data_request:*"):
        client.delete(key)


@pytest.mark.usefixtures("fresh_request_counters")
def test_an_anonymous_visitor_sends_a_data_request(page: Page, screenshot) -> None:
    token = uuid.uuid4().hex[:8]
    title = f"Data jumlah pedagang kaki lima per kecamatan (uji {token})"
    page.goto("/permohonan-data")
    expect(page.locator("h1")).to_have_text("Permohonan data")
    expect(page.locator(".masthead")).to_have_css("background-color", GREEN)
    expect(page.locator(".masthead")).to_contain_text("Permohonan")
    screenshot("permohonan-data-id")

    form = page.locator("#ajukan form")
    form.locator("#request-title").fill(title)
    form.locator("#request-description").fill(
        "Per kecamatan, 2020 sampai 2025, dengan jenis dagangan."
    )
    form.locator("#request-organization").select_option("dinkes")
    form.locator("#request-purpose").fill("Skripsi tentang ekonomi informal di Kota Tangerang.")
    form.locator("#request-email").fill("bukan-alamat")
    form.locator("button[type=submit]").click()
    expect(page.locator("#ajukan .alert-danger")).to_contain_text("alamat e-mail yang benar")
    form.locator("#request-email").fill(f"warga-{token}@contoh.id")
    form.locator("button[type=submit]").click()

    expect(page.locator(".alert-success")).to_contain_text("Permohonan Anda sudah diterima")
    expect(page.locator(".tangerang-request-title")).to_have_text(title)
    expect(
        page.locator(".tangerang-request-detail article .tangerang-request-status")
    ).to_have_text("Diterima")
    assert f"warga-{token}@contoh.id" not in page.content()
    screenshot("permohonan-data-detail-id")
    request_id = page.locator(".tangerang-request-detail").get_attribute("data-request")
    public = anonymous_client().call("tangerang_data_request_show", id=request_id)
    assert public["title"] == title and "email" not in public

    page.goto("/en/permohonan-data")
    expect(page.locator("h1")).to_have_text("Data requests")
    item = page.locator(f"[data-request='{request_id}']")
    expect(item).to_contain_text(title)
    expect(item.locator(".tangerang-request-status")).to_have_text("Received")
    assert f"warga-{token}@contoh.id" not in page.content()
    screenshot("permohonan-data-en")


@pytest.mark.parametrize(
    ("prefix", "heading", "campaign"),
    [("", "Galeri pemanfaatan", "Kampanye branding"), ("/en", "Showcase", "Branding campaign")],
)
def test_the_showcase_shows_the_demo_items(
    page: Page, screenshot, prefix: str, heading: str, campaign: str
) -> None:
    page.goto(f"{prefix}/galeri")
    expect(page.locator("h1")).to_have_text(heading)
    cards = page.locator(".tangerang-showcase-card")
    expect(cards.first).to_be_visible()
    names = cards.evaluate_all("cards => cards.map(c => c.dataset.showcase)")
    assert {"aplikasi-parkir-tangerang", "kampanye-tangerang-bersih"} <= set(names)
    branding = page.locator("[data-showcase=kampanye-tangerang-bersih]")
    expect(branding.locator(".tangerang-showcase-type")).to_have_text(campaign)
    # The shipped SVG is loaded and drawn.
    width = branding.locator("img").evaluate("img => img.complete ? img.naturalWidth : 0")
    assert width > 0
    screenshot(f"galeri-{'en' if prefix else 'id'}")

    branding.locator("h3 a").click()
    expect(page.locator("h1")).to_have_text("Kampanye #TangerangBersih")
    expect(page.locator(".tangerang-showcase-hero")).to_be_visible()
    screenshot(f"galeri-detail-{'en' if prefix else 'id'}")
