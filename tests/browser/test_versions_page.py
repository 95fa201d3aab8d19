"""Versions and citation on a dataset page in a real browser (issue 13), in Bahasa
Indonesia and English: a dataset published twice through the pipeline shows a citation
naming its current version (text and BibTeX, each with a working copy button) and both
versions with their row counts. Screenshots go to var/screenshots/ for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from versions_site import TwoVersions, action, publish_two_versions

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> TwoVersions:
    return publish_two_versions(Path(tmp_path_factory.mktemp("versi-browser")))


@pytest.mark.parametrize(
    "lang, prefix, heading, word, copy_label, copied",
    [
        ("id", "", "Cara mengutip", "versi", "Salin kutipan", "Tersalin"),
        ("en", "/en", "How to cite", "version", "Copy citation", "Copied"),
    ],
)
def test_dataset_page_cites_the_version_and_lists_both(
    page: Page, screenshot, published, lang, prefix, heading, word, copy_label, copied
):
    sha = action("package_show", id=published.dataset_id)["sha256"]
    page.goto(f"{prefix}/dataset/{published.dataset_id}")
    citation = page.locator("section.tangerang-citation")
    expect(citation.locator("h2")).to_have_text(heading)
    text = citation.locator(".tangerang-citation-text")
    expect(text).to_contain_text(f"{word} {published.second_run} (")
    expect(text).to_contain_text(f"sha256 {sha[:12]}")
    time = r"\d{2}\.\d{2} WIB" if lang == "id" else r"\d{2}:\d{2} WIB"
    expect(text).to_have_text(re.compile(time))
    expect(citation.locator(".tangerang-citation-bibtex")).to_contain_text(
        f"version = {{{published.second_run}}}"
    )

    rows = page.locator("section.tangerang-versions-section tr.tangerang-version")
    expect(rows).to_have_count(2)
    assert [rows.nth(i).get_attribute("data-run-id") for i in range(2)] == [
        published.second_run,
        published.first_run,
    ]
    expect(rows.nth(0).locator(".tangerang-version-rows")).to_have_text(str(published.second_rows))
    expect(rows.nth(1).locator(".tangerang-version-rows")).to_have_text(str(published.first_rows))
    expect(rows.nth(0).locator(".badge")).to_be_visible()
    citation.scroll_into_view_if_needed()
    screenshot(f"dataset-versions-{lang}")

    # The copy button puts the citation on the clipboard and says so.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    button = citation.locator("button[data-copy-target='tangerang-citation-text']")
    expect(button).to_have_text(copy_label)
    button.click()
    expect(button).to_have_text(copied)
    assert page.evaluate("navigator.clipboard.readText()") == text.text_content().strip()
