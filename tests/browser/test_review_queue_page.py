"""The walidata's review queue (/pemeriksaan) in a real browser, in both languages.

A hub dataset of this module (a ``contract_id``, created private as the hub creates it)
waits for review; the walidata sees it in the queue with its approve and return forms.
Screenshots: var/screenshots/pemeriksaan-<lang>.png.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from browser import SCREENSHOTS
from ckan_site import bot_client
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def waiting() -> Iterator[dict[str, Any]]:
    bot = bot_client()
    name = f"uji-pemeriksaan-{uuid.uuid4().hex[:8]}"
    dataset = bot.call(
        "package_create",
        {
            "name": name,
            "title": "Uji Pemeriksaan: Titik Halte Bus",
            "owner_org": "dishub",
            "private": True,
            "notes": "Dataset uji antrean pemeriksaan (dihapus setelah uji).",
            "contract_id": name,
            "dimensi": ["living"],
            "frekuensi": "bulanan",
            "tingkat_penyajian": "titik",
            "klasifikasi_akses": "terbuka",
            "cakupan_wilayah": "36.71",
            "cakupan_waktu_mulai": "2025-01-01",
            "cakupan_waktu_selesai": "2025-12-31",
        },
    )
    bot.call(
        "tangerang_review_submit", package_id=name, klasifikasi_akses="terbuka", fields=["halte"]
    )
    yield dataset
    bot.call("package_delete", {"id": dataset["id"]})


@pytest.mark.parametrize(
    "lang, prefix, heading, approve",
    [("id", "", "Antrean pemeriksaan", "Setujui"), ("en", "/en", "Review queue", "Approve")],
)
def test_the_walidata_sees_the_waiting_dataset(
    walidata, base_url, waiting, lang, prefix, heading, approve
):
    page: Page = walidata.new_page()
    page.goto(f"{base_url}{prefix}/pemeriksaan")
    expect(page.locator(".tangerang-review h1")).to_have_text(heading)
    row = page.locator(f'tr[data-dataset="{waiting["name"]}"]')
    expect(row).to_contain_text("Uji Pemeriksaan: Titik Halte Bus")
    expect(row.get_by_role("button", name=approve)).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"pemeriksaan-{lang}.png"), full_page=True)
    page.close()
