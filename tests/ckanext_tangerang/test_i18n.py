"""Bahasa Indonesia by default, English at /en/: schema labels, facets, badge, freshness."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

import ckanext.tangerang

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

I18N = Path(ckanext.tangerang.__file__).parent / "i18n"


def _catalog(lang: str):
    with open(I18N / lang / "LC_MESSAGES" / "ckanext-tangerang.po", "rb") as f:
        return read_po(f, locale=lang)


@pytest.fixture
def dataset(make_org, make_dataset):
    org = make_org(name="dinkes", title="Dinas Kesehatan")
    return make_dataset(
        org["id"],
        name="faskes",
        dimensi=["living"],
        frekuensi="bulanan",
        klasifikasi_akses="terbuka",
        last_run_at=(dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat(),
        quality_score=91,
        quality_grade="A",
        validation_status="passed",
    )


def _additional_info(soup: BeautifulSoup) -> dict[str, str]:
    rows = soup.select("section.additional-info tbody tr")
    return {r.th.get_text(" ", strip=True): r.td.get_text(" ", strip=True) for r in rows if r.th}


def _text(soup: BeautifulSoup, selector: str) -> str:
    node = soup.select_one(selector)
    assert node is not None, selector
    return " ".join(node.get_text(" ", strip=True).split())


def test_catalogs_are_complete_and_in_their_language():
    english, indonesian = _catalog("en"), _catalog("id")
    ids = {m.id for m in english if m.id}
    assert ids == {m.id for m in indonesian if m.id}
    # Message ids are English: the English catalog says the same, with nothing fuzzy.
    assert all(m.string == m.id and not m.fuzzy for m in english if m.id)
    assert all(m.string and not m.fuzzy for m in indonesian if m.id)
    samples = {
        "On time": "Tepat waktu",
        "Late": "Terlambat",
        "Smart city dimension": "Dimensi Smart City",
        "Quality and freshness": "Mutu dan kemutakhiran",
        "Validation report (GX Data Docs)": "Laporan validasi (GX Data Docs)",
        "Data and Resources": "Data dan Sumber Daya",
    }
    for msgid, indonesian_text in samples.items():
        assert indonesian.get(msgid).string == indonesian_text
    # Most Indonesian strings differ from the English ids (a copied catalog would not).
    same = [m.id for m in indonesian if m.id and m.string == m.id]
    assert len(same) <= 5, same


def test_dataset_page_in_english(app, dataset):
    soup = BeautifulSoup(app.get("/en/dataset/faskes").body, "html.parser")
    assert soup.find("html")["lang"] == "en"
    info = _additional_info(soup)
    assert info["Update frequency"] == "Monthly"
    assert info["Smart city dimension"] == "Smart Living"
    assert info["Access classification"] == "Open"
    assert info["Validation status"] == "Passed"
    assert _text(soup, ".tangerang-quality-badge") == "Quality: A (91/100)"
    assert _text(soup, ".tangerang-freshness") == "On time"
    assert _text(soup, "#tangerang-quality-heading") == "Quality and freshness"
    assert "Lineage" in _text(soup, "section.tangerang-quality")


def test_dataset_page_in_indonesian_by_default(app, dataset):
    soup = BeautifulSoup(app.get("/dataset/faskes").body, "html.parser")
    info = _additional_info(soup)
    assert info["Frekuensi Pemutakhiran"] == "Bulanan"
    assert info["Dimensi Smart City"].startswith("Smart Living — Kualitas Hidup")
    assert info["Klasifikasi Akses"] == "Terbuka"
    assert _text(soup, ".tangerang-quality-badge") == "Mutu: A (91/100)"
    assert _text(soup, ".tangerang-freshness") == "Tepat waktu"
    # CKAN's own headings, untranslated in CKAN's Indonesian catalog, come from ours.
    assert _text(soup, "section.additional-info h3") == "Informasi Tambahan"
    assert "Data and Resources" not in soup.get_text()


def test_unscored_dataset_has_no_empty_score(app, make_org, make_dataset):
    make_dataset(make_org()["id"], name="baru")
    soup = BeautifulSoup(app.get("/en/dataset/baru").body, "html.parser")
    assert _text(soup, ".tangerang-quality-badge") == "Quality: not assessed"


@pytest.mark.parametrize(
    "prefix, titles, living",
    [
        (
            "/en",
            ["Smart city dimension", "Data producer", "Update frequency", "Presentation level"],
            "Smart Living",
        ),
        (
            "",
            ["Dimensi Smart City", "Produsen Data", "Frekuensi Pemutakhiran", "Tingkat Penyajian"],
            "Smart Living —",
        ),
    ],
)
def test_search_facets_in_both_languages(app, dataset, prefix, titles, living):
    soup = BeautifulSoup(app.get(f"{prefix}/dataset/").body, "html.parser")
    headings = [h.get_text(" ", strip=True) for h in soup.select("#search-facets .module-heading")]
    for title in titles:
        assert title in headings
    # Long labels are shortened by CKAN ("Smart Living —..."); English ones are short.
    labels = [s.get_text(strip=True) for s in soup.select("#search-facets .item-label")]
    assert any(label.startswith(living) for label in labels), labels
    if prefix == "/en":
        assert "Smart Living" in labels
