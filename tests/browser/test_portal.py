"""The portal's face in a real browser, in Bahasa Indonesia and English (issue 12).

Playwright drives Debian's Chromium against the CKAN test site: the home page (logo,
hero search, six dimensions, footer contact, no CKAN placeholder), a dataset page (dates
in WIB), the dataset list (the count as one Indonesian message) and the other public
pages. Each page is saved to var/screenshots/ for a person to look at. The test dataset
is published by the pipeline bot through the Action API and deleted afterwards.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from ckan_site import anonymous_client, bot_client
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.stack

# CKAN's stock text and images, in English and as CKAN's or our catalog translate them.
PLACEHOLDERS = (
    "Welcome to CKAN",
    "Selamat datang di CKAN",
    "introductory paragraph",
    "paragraf pengantar",
    "This is a featured section",
    "Ini bagian unggulan",
    "CKAN is the world",
    "CKAN Organizations are used",
    "Organisasi CKAN dipakai",
    "You can use CKAN Groups",
    "Grup CKAN dapat",
    "Powered by",
    "The requested URL was not found",
    "placeholder-420x220",
    "ckan-logo",
)
DIMENSIONS = ["governance", "branding", "economy", "living", "society", "environment"]
LAST_RUN = "2026-12-01T07:18:00+00:00"  # 14.18 WIB
GREEN = "rgb(11, 110, 79)"  # the masthead's colour in portal.css


@pytest.fixture(scope="module")
def published() -> Iterator[dict[str, Any]]:
    """A public Dinkes dataset about "kesehatan", with a word no other dataset has."""
    # letters only: Solr splits words at digits, and parts like "a" match other datasets
    token = "zq" + "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:8])
    bot = bot_client()
    dataset = bot.call(
        "package_create",
        {
            "name": f"uji-portal-{token}",
            "title": f"Uji Portal: Layanan Kesehatan Ibu dan Anak {token}",
            "owner_org": "dinkes",
            "notes": f"Dataset uji tampilan portal (kode {token}); dihapus setelah uji.",
            "dimensi": ["living"],
            "frekuensi": "bulanan",
            "tingkat_penyajian": "kecamatan",
            "klasifikasi_akses": "terbuka",
            "cakupan_wilayah": "36.71",
            "cakupan_waktu_mulai": "2025-01-01",
            "cakupan_waktu_selesai": "2025-12-31",
            "last_run_at": LAST_RUN,
            "row_count": 13,
            "validation_status": "passed",
            "quality_score": 92,
            "quality_grade": "A",
            "private": False,
        },
    )
    assert anonymous_client().call("package_show", id=dataset["id"])["name"] == dataset["name"]
    yield {**dataset, "token": token}
    bot.call("package_delete", {"id": dataset["id"]})


def _without_placeholders(page: Page) -> list[str]:
    html = page.content()
    return [marker for marker in PLACEHOLDERS if marker in html]


def _image_loaded(page: Page, selector: str) -> bool:
    return page.locator(selector).first.evaluate("img => img.complete && img.naturalWidth > 0")


@pytest.mark.parametrize(
    "lang, prefix, heading, contact_heading, found",
    [
        (
            "id",
            "",
            "Data Kota Tangerang, terbuka untuk semua",
            "Hubungi walidata",
            r"^\s*1 dataset ditemukan untuk",
        ),
        (
            "en",
            "/en",
            "The data of Kota Tangerang, open to everyone",
            "Contact the walidata",
            r"^\s*1 dataset found for",
        ),
    ],
)
def test_home_page(
    page: Page, screenshot, published, lang, prefix, heading, contact_heading, found
):
    page.goto(f"{prefix}/")
    screenshot(f"home-{lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert _without_placeholders(page) == []

    # our logo, loaded, and our stylesheet applied
    assert _image_loaded(page, "header .tangerang-brand-mark")
    assert (
        page.locator("header .tangerang-brand-mark")
        .get_attribute("src")
        .endswith("/tangerang/logo.svg")
    )
    masthead = page.locator("header.masthead")
    assert masthead.evaluate("el => getComputedStyle(el).backgroundColor") == GREEN
    expect(page.locator(".tangerang-hero h1")).to_have_text(heading)

    # six dimensions, each with a drawn icon
    cards = page.locator(".tangerang-dimension")
    expect(cards).to_have_count(6)
    assert [cards.nth(i).get_attribute("data-dimension") for i in range(6)] == DIMENSIONS
    for i in range(6):
        icon = cards.nth(i).locator(".tangerang-dimension-icon i")
        assert icon.evaluate("el => el.getBoundingClientRect().width") > 10
        assert icon.evaluate("el => getComputedStyle(el, '::before').content") not in ("none", "")

    # newest and most-used datasets, producers and the catalog's figures (the lists are
    # cached per web process for a minute: their order is tested in test_home_datasets.py)
    newest = page.locator(".tangerang-newest .tangerang-dataset-date").first
    expect(newest).to_have_text(re.compile(r"\S+ \d{1,2} \w+ \d{4}$"))
    # "most used" by the usage counters once the site has counted any use, else by grade
    most_used = page.locator(".tangerang-most-used")
    expect(most_used).to_have_attribute("data-basis", re.compile(r"^(usage|quality)$"))
    if most_used.get_attribute("data-basis") == "usage":
        expect(most_used.locator(".tangerang-dataset-uses").first).to_be_visible()
    else:
        expect(most_used.locator(".tangerang-basis-note")).to_be_visible()
    expect(page.locator(".tangerang-producer").first).to_be_visible()
    expect(page.locator(".tangerang-stat")).to_have_count(4)

    footer = page.locator("footer.tangerang-footer")
    expect(footer).to_contain_text(contact_heading)
    expect(footer).to_contain_text("Dinas Komunikasi dan Informatika Kota Tangerang")
    expect(footer).to_contain_text("Jl. Satria-Sudirman No. 1, Kota Tangerang")
    expect(footer.locator("a[href='mailto:satudata@tangerangkota.go.id']")).to_be_visible()
    expect(footer.locator("a[rel=license]")).to_have_text("CC BY 4.0")

    # the hero's search goes to the dataset list; "sehat" finds "Kesehatan" (Indonesian stems)
    page.fill(".tangerang-hero-search input[name=q]", f"sehat {published['token']}")
    page.click(".tangerang-hero-search button[type=submit]")
    page.wait_for_url(re.compile(rf"{re.escape(prefix)}/dataset/\?q=sehat"))
    expect(page.locator(".search-form h1")).to_have_text(re.compile(found))
    expect(page.locator(".dataset-heading a")).to_have_text([published["title"]])


@pytest.mark.parametrize(
    "lang, prefix, last_updated, start",
    [
        ("id", "", "1 Desember 2026, 14.18 WIB", "1 Januari 2025"),
        ("en", "/en", "1 December 2026, 14:18 WIB", "1 January 2025"),
    ],
)
def test_dataset_page_dates_in_wib(
    page: Page, screenshot, published, lang, prefix, last_updated, start
):
    page.goto(f"{prefix}/dataset/{published['name']}")
    screenshot(f"dataset-{lang}")
    assert _without_placeholders(page) == []
    expect(page.locator("section.tangerang-quality")).to_contain_text(last_updated)
    expect(page.locator("section.additional-info .tangerang-date").first).to_have_text(start)
    assert "(UTC)" not in page.content()


@pytest.mark.parametrize(
    "lang, prefix, count",
    [("id", "", r"^\s*\d+ dataset ditemukan\s*$"), ("en", "/en", r"^\s*\d+ datasets found\s*$")],
)
def test_dataset_list_counts_in_the_pages_language(
    page: Page, screenshot, published, lang, prefix, count
):
    page.goto(f"{prefix}/dataset/")
    screenshot(f"dataset-list-{lang}")
    expect(page.locator(".search-form h1")).to_have_text(re.compile(count))
    assert _without_placeholders(page) == []


@pytest.mark.parametrize("lang, prefix", [("id", ""), ("en", "/en")])
@pytest.mark.parametrize(
    "name, path, status",
    [
        ("producers", "/organization/", 200),
        ("producer", "/organization/dinkes", 200),
        ("dimensions", "/group/", 200),
        ("about", "/about", 200),
        ("404", "/halaman-yang-tidak-ada", 404),
    ],
)
def test_other_pages_are_the_portals_own(page: Page, screenshot, lang, prefix, name, path, status):
    response = page.goto(prefix + path)
    screenshot(f"{name}-{lang}")
    assert response is not None and response.status == status
    assert page.locator("html").get_attribute("lang") == lang
    assert _without_placeholders(page) == []
    assert _image_loaded(page, "header .tangerang-brand-mark")
    expect(page.locator("footer.tangerang-footer address")).to_contain_text(
        "satudata@tangerangkota.go.id"
    )
