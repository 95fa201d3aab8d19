"""The developer portal in a real browser (issue 13, item 5): /pengembang with its examples
and the list of OpenAPI documents, and the API viewer of fasyankes (the vendored swagger-ui)
whose "Try it out" queries the live DataStore; Bahasa Indonesia and English; nothing is
loaded from outside the portal. Screenshots: var/screenshots/developer-*.png."""

from __future__ import annotations

import pytest
from demo_catalog import ensure_published
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.stack

PAGES = {
    "id": {
        "prefix": "",
        "title": "Portal pengembang",
        "sql": "Mengapa tidak ada SQL",
        "viewer": "Penampil API",
        "download": "Unduh openapi.json",
    },
    "en": {
        "prefix": "/en",
        "title": "Developer portal",
        "sql": "Why there is no SQL",
        "viewer": "API viewer",
        "download": "Download openapi.json",
    },
}


@pytest.fixture(scope="module")
def fasyankes(tmp_path_factory):
    return ensure_published(["fasyankes"], tmp_path_factory.mktemp("hub"))["fasyankes"]


def _outside_requests(page: Page, base_url: str) -> list[str]:
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((base_url, "data:", "blob:"))
            else outside.append(request.url)
        ),
    )
    return outside


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_developer_page_shows_the_examples_and_the_apis(
    page: Page, base_url: str, screenshot, fasyankes, lang: str
) -> None:
    text = PAGES[lang]
    outside = _outside_requests(page, base_url)
    page.goto(f"{text['prefix']}/pengembang")

    expect(page.locator("h1")).to_have_text(text["title"])
    expect(page.get_by_role("heading", name=text["sql"])).to_be_visible()
    for key in ("curl-package-search", "curl-datastore-search", "python-ckanapi", "python-pandas"):
        expect(page.locator(f'code[data-example="{key}"]')).to_be_visible()
    expect(page.locator('code[data-example="curl-token"]')).to_contain_text("Authorization:")
    expect(page.locator('code[data-example="python-pandas"]')).to_contain_text(".parquet")
    screenshot(f"developer-portal-{lang}")
    # the list of OpenAPI documents narrows with a catalog search
    page.locator("#tangerang-api-q").fill("name:fasyankes")
    page.locator(".tangerang-developer-search button").click()
    rows = page.locator("table.tangerang-developer-apis tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.get_by_role("link", name=text["viewer"])).to_have_attribute(
        "href", f"{text['prefix']}/pengembang/api/fasyankes"
    )
    expect(rows).to_contain_text(fasyankes["title"])
    assert outside == []


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_api_viewer_renders_the_document_and_queries_the_datastore(
    page: Page, base_url: str, screenshot, fasyankes, lang: str
) -> None:
    text = PAGES[lang]
    outside = _outside_requests(page, base_url)
    page.goto(f"{text['prefix']}/pengembang/api/fasyankes")

    expect(page.locator(".tangerang-developer-hero h1")).to_have_text(fasyankes["title"])
    expect(page.get_by_role("link", name=text["download"])).to_be_visible()
    # swagger-ui drew the document: its Indonesian title and the one operation
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("API DataStore")
    operation = page.locator(".opblock-get", has_text="/datastore_search")
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    expect(operation.locator('tr[data-param-name="filters"]')).to_be_visible()
    expect(operation.locator('tr[data-param-name="resource_id"]')).to_be_visible()
    screenshot(f"developer-api-{lang}")

    # "Try it out" sends the request to the live DataStore and shows its 200 answer
    operation.get_by_role("button", name="Try it out").click()
    operation.locator('tr[data-param-name="limit"] input').fill("2")
    operation.get_by_role("button", name="Execute").click()
    live = operation.locator(".live-responses-table tbody .response-col_status")
    expect(live).to_contain_text("200", timeout=30_000)
    expect(operation.locator(".live-responses-table")).to_contain_text("kode_faskes")
    screenshot(f"developer-api-try-{lang}")
    assert outside == []
