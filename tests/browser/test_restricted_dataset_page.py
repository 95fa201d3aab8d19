"""A restricted (terbatas) dataset in a real browser, in both languages (issue 13).

The demo's terbatas dataset is public metadata with files for partners only. Anonymous: the
notice with a login button, and the CSV refused. A member of a partner university (a fresh
user of `umt`, whose seeded agreement covers the society dimension) asks with a purpose
through the page's form; the walidata approves on /akses-data; the member's page then says
the data may be downloaded and the CSV comes. Screenshots: var/screenshots/terbatas-*.png.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from browser import SCREENSHOTS
from demo_catalog import ensure_published
from playwright.sync_api import BrowserContext, Page, expect

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[2]
DATASET = "dinsos-penerima-bansos-kecamatan"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return ensure_published([DATASET], tmp_path_factory.mktemp("hub"))[DATASET]


@pytest.fixture(scope="module")
def partner() -> dict[str, str]:
    """A new member of the partner university `umt`, with an API token."""
    done = subprocess.run(
        [
            str(ROOT / ".venv/ckan/bin/python"),
            str(ROOT / "tests/support/partner_user.py"),
            str(ROOT / "var/ckan/test.ini"),
            "umt",
            f"uji-mitra-{uuid.uuid4().hex[:8]}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _csv_url(dataset: dict[str, Any]) -> str:
    return next(r["url"] for r in dataset["resources"] if (r.get("format") or "").upper() == "CSV")


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(
    "lang, prefix, heading, login",
    [("id", "", "Data terbatas", "Masuk"), ("en", "/en", "Restricted data", "Log in")],
)
def test_a_visitor_reads_the_metadata_and_is_refused_the_files(
    page: Page, base_url, dataset, lang, prefix, heading, login
):
    page.goto(f"{base_url}{prefix}/dataset/{DATASET}")
    notice = page.locator("#akses-terbatas")
    expect(notice.locator("h2")).to_have_text(heading)
    login_link = notice.locator(".tangerang-restricted-login").get_by_role("link", name=login)
    expect(login_link).to_be_visible()
    expect(notice.locator("form")).to_have_count(0)
    expect(page.locator("h1").first).to_contain_text(dataset["title"])
    assert page.request.get(_csv_url(dataset)).status == 403
    _shot(page, f"terbatas-anonim-{lang}")


def test_a_partner_asks_the_walidata_approves_and_the_partner_downloads(
    as_user, walidata: BrowserContext, base_url, dataset, partner
):
    member = as_user(partner["token"])
    page = member.new_page()
    page.goto(f"{base_url}/dataset/{DATASET}")
    form = page.locator("#akses-terbatas form")
    expect(form.locator("input[name=_csrf_token]")).to_have_count(1)
    assert page.request.get(_csv_url(dataset)).status == 403  # asking is not having
    form.locator("#akses-tujuan").fill("Skripsi: sebaran penerima bantuan sosial per kecamatan.")
    form.get_by_role("button", name="Ajukan permohonan akses").click()
    expect(page.locator("#akses-terbatas [data-status=diajukan]")).to_be_visible()
    _shot(page, "terbatas-diajukan-id")

    steward = walidata.new_page()
    steward.goto(f"{base_url}/akses-data")
    row = steward.locator("table.tangerang-access-waiting tr", has_text=partner["name"])
    expect(row).to_contain_text("Skripsi: sebaran penerima bantuan sosial")
    row.locator("textarea[name=reason]").fill("Dicakup nota kesepahaman 001/MoU/DISKOMINFO-UMT.")
    row.get_by_role("button", name="Setujui").click()
    waiting = steward.locator("table.tangerang-access-waiting", has_text=partner["name"])
    expect(waiting).to_have_count(0)
    _shot(steward, "terbatas-akses-data-id")

    page.goto(f"{base_url}/en/dataset/{DATASET}")
    expect(page.locator("#akses-terbatas .tangerang-restricted-granted")).to_contain_text(
        "You may download this data."
    )
    answer = page.request.get(_csv_url(dataset))
    assert answer.status == 200
    assert len(answer.body().splitlines()) == int(dataset["row_count"]) + 1  # header + rows
    _shot(page, "terbatas-diizinkan-en")
