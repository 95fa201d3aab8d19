"""Bahasa Indonesia by default, English at /en/: schema labels, facets, badge, freshness."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ckan
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from ckan.tests.helpers import call_action

import ckanext.tangerang

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

PACKAGE = Path(ckanext.tangerang.__file__).parent
I18N = PACKAGE / "i18n"
# Names and formats, the same in every language.
NOT_WORDS = {"CKAN API", "CKAN Association", "CSV", "Facebook", "X"}


def _catalog(lang: str):
    with open(I18N / lang / "LC_MESSAGES" / "ckanext-tangerang.po", "rb") as f:
        return read_po(f, locale=lang)


def _messages(catalog) -> dict:
    # Plural entries: tuples from a .po, lists from a .mo.
    def key(value):
        return value if isinstance(value, str) else tuple(value)

    return {key(m.id): key(m.string) for m in catalog if m.id}


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
    # Indonesian strings differ from the English ids (a copied catalog would not), except
    # the loanwords Indonesian writes the same way.
    loanwords = {"Status", "Label", "Dataset", "Metadata", "Format", "API", "API: {dataset}"}
    same = {m.id for m in indonesian if m.id and m.string == m.id}
    assert same <= loanwords, same - loanwords


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


@pytest.mark.parametrize("lang", ["en", "id"])
def test_compiled_catalogs_match_their_po_files(lang):
    # The .mo files are committed (a fresh clone serves them as they are): never stale.
    with open(I18N / lang / "LC_MESSAGES" / "ckanext-tangerang.mo", "rb") as f:
        compiled = read_mo(f)
    assert _messages(compiled) == _messages(_catalog(lang))


def test_every_message_of_the_code_is_in_the_catalogs():
    root = PACKAGE.parents[1]  # ckanext-tangerang/, where babel.cfg is
    with open(root / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    extracted = {
        message
        for *_, message, _comments, _context in extract_from_dir(
            str(root), method_map, options_map, keywords=DEFAULT_KEYWORDS
        )
    }
    ids = set(_messages(_catalog("id")))
    assert extracted, "nothing extracted"
    assert sorted(map(str, extracted - ids)) == []


def _forms(value) -> tuple:
    """A msgid or msgstr as a tuple (plural entries already are one)."""
    return (value,) if isinstance(value, str) else tuple(value)


def _untranslated_core_messages() -> set[str]:
    """CKAN core msgids that neither CKAN's Indonesian catalog nor ours translates."""
    with open(Path(ckan.__file__).parent / "i18n/id/LC_MESSAGES/ckan.po", "rb") as f:
        core = read_po(f, locale="id")
    ours = [m for m in _catalog("id") if m.id]
    untranslated = {i for m in core if m.id and not all(_forms(m.string)) for i in _forms(m.id)}
    untranslated -= {i for m in ours for i in _forms(m.id)}
    # An Indonesian text of ours may equal an English msgid ("dataset").
    return untranslated - {s for m in ours for s in _forms(m.string)}


def _visible_texts(html: str) -> set[str]:
    soup = BeautifulSoup(html, "html.parser")
    for node in soup(["script", "style"]):
        node.decompose()
    texts = {" ".join(t.split()) for t in soup.stripped_strings}
    for element in soup.find_all(True):
        for name in ("title", "placeholder", "aria-label", "alt"):
            if isinstance(element.get(name), str):
                texts.add(element[name].strip())
    return texts


def test_pages_leave_no_core_text_in_english(app, make_org, make_dataset):
    org = make_org(name="dinkes", title="Dinas Kesehatan")
    dataset = make_dataset(
        org["id"],
        name="faskes",
        resources=[{"url": "http://example.org/faskes.csv", "format": "CSV", "name": "Berkas"}],
    )
    call_action(
        "tangerang_run_report_create", package_id=dataset["id"], run_id="r1", status="published"
    )
    untranslated = _untranslated_core_messages()
    paths = [
        "/",
        "/dataset/",
        "/dataset/faskes",
        "/dataset/faskes/riwayat-proses",
        f"/dataset/faskes/resource/{dataset['resources'][0]['id']}",
        "/organization/",
        "/organization/dinkes",
        "/group/",
    ]
    english = {}
    for path in paths:
        texts = _visible_texts(app.get(path).body) - NOT_WORDS
        hits = sorted(t for t in texts if t in untranslated or t.rstrip(":") in untranslated)
        if hits:
            english[path] = hits
    assert english == {}
