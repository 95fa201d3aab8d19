"""The portal's own face in both languages: home, header, footer, about, 404, dates in WIB."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from ckanext.tangerang import catalog_summary

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

ROOT = Path(__file__).resolve().parents[2]
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
    "CKAN Association",
    "The requested URL was not found",
    "placeholder-420x220",
    "ckan-logo",
    "ckan-footer-logo",
    "ckan.ico",
)
LAST_RUN = "2026-12-01T07:18:00Z"
MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus")
MONTHS_ID += ("September", "Oktober", "November", "Desember")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August")
MONTHS_EN += ("September", "October", "November", "December")


def _soup(app, path: str, status: int = 200) -> BeautifulSoup:
    return BeautifulSoup(app.get(path, status=status).body, "html.parser")


def _text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split())


@pytest.fixture
def dataset(make_org, make_dataset):
    org = make_org(name="dinkes", title="Dinas Kesehatan Kota Tangerang")
    return make_dataset(
        org["id"],
        name="faskes",
        title="Fasilitas Kesehatan",
        frekuensi="bulanan",
        last_run_at=LAST_RUN,
        quality_score=91,
        quality_grade="A",
        resources=[{"url": "http://example.org/faskes.csv", "format": "CSV", "name": "Berkas"}],
    )


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_no_page_shows_ckan_placeholder_text(app, dataset, prefix):
    paths = {
        "/": 200,
        "/dataset/": 200,
        "/dataset/faskes": 200,
        "/organization/": 200,
        "/organization/dinkes": 200,
        "/group/": 200,
        "/about": 200,
        "/tidak-ada-halaman-ini": 404,
    }
    found = {}
    for path, status in paths.items():
        body = app.get(prefix + path, status=status).body
        hits = [marker for marker in PLACEHOLDERS if marker in body]
        if hits:
            found[path] = hits
    assert found == {}


@pytest.mark.parametrize(
    "prefix, heading, tagline, search_label",
    [
        (
            "",
            "Data Kota Tangerang, terbuka untuk semua",
            "Portal data terbuka Kota Tangerang",
            "Cari",
        ),
        (
            "/en",
            "The data of Kota Tangerang, open to everyone",
            "Open data portal of Kota Tangerang",
            "Search",
        ),
    ],
)
def test_home_has_logo_hero_search_and_six_dimensions(
    app, dataset, prefix, heading, tagline, search_label
):
    soup = _soup(app, prefix + "/")
    brand = soup.select_one("header .tangerang-brand")
    assert brand.img["src"].endswith("/tangerang/logo.svg")
    assert _text(brand.select_one(".tangerang-brand-name")) == "Satu Data Kota Tangerang"
    assert _text(brand.select_one(".tangerang-brand-tagline")) == tagline
    assert soup.title.get_text(strip=True) == "Satu Data Kota Tangerang"
    assert _text(soup.select_one(".tangerang-hero h1")) == heading

    form = soup.select_one("form.tangerang-hero-search")
    assert form["method"] == "get"
    assert form["action"] == f"{prefix}/dataset/"
    assert form.select_one("input")["name"] == "q"
    assert _text(form.select_one("button")) == search_label

    cards = soup.select(".tangerang-dimension")
    assert [c["data-dimension"] for c in cards] == [
        "governance",
        "branding",
        "economy",
        "living",
        "society",
        "environment",
    ]
    icons = [c.select_one(".tangerang-dimension-icon i")["class"] for c in cards]
    assert all(len(set(i) - {"fa"}) == 1 for i in icons) and len({i[-1] for i in icons}) == 6
    assert all(_text(c.select_one(".tangerang-dimension-text")) for c in cards)


def test_home_lists_newest_best_graded_and_producers_with_counts(
    app, dataset, make_org, make_dataset
):
    make_dataset(dataset["owner_org"], name="sekolah", title="Sekolah", quality_grade="B")
    make_org(name="dlh", title="Dinas Lingkungan Hidup")  # registered, publishes nothing
    catalog_summary.clear_cache()
    soup = _soup(app, "/")

    newest = soup.select(".tangerang-newest .tangerang-dataset-item")
    assert [i["data-dataset"] for i in newest] == ["sekolah", "faskes"]
    assert "Dinas Kesehatan Kota Tangerang" in _text(newest[1])

    most_used = soup.select_one(".tangerang-most-used")
    assert most_used["data-basis"] == "quality"
    assert _text(most_used.select_one("h2")) == "Mutu terbaik"
    assert "belum menghitung penggunaan" in _text(most_used.select_one(".tangerang-basis-note"))
    items = most_used.select(".tangerang-dataset-item")
    assert [i["data-dataset"] for i in items] == ["faskes", "sekolah"]

    producers = soup.select(".tangerang-producer")
    assert [p["data-organization"] for p in producers] == ["dinkes"]
    assert _text(producers[0].select_one(".tangerang-producer-count")) == "2 dataset"
    assert "1 dari 2 instansi terdaftar" in _text(soup.select_one(".tangerang-producers"))
    assert _text(soup.select_one(".tangerang-stat-datasets")) == "2"


@pytest.mark.parametrize(
    "prefix, heading, licence_text",
    [
        ("", "Hubungi walidata", "boleh digunakan ulang dengan lisensi CC BY 4.0"),
        ("/en", "Contact the walidata", "may be reused under the CC BY 4.0 licence"),
    ],
)
def test_footer_names_diskominfo_and_the_licence(app, prefix, heading, licence_text):
    footer = _soup(app, prefix + "/about").select_one("footer.tangerang-footer")
    assert heading in [_text(h) for h in footer.select(".tangerang-footer-heading")]
    contact = footer.select_one("address.tangerang-contact")
    assert "Dinas Komunikasi dan Informatika Kota Tangerang" in _text(contact)
    assert "Jl. Satria-Sudirman No. 1, Kota Tangerang" in _text(contact)
    assert contact.select_one("a")["href"] == "mailto:satudata@tangerangkota.go.id"
    licence = footer.select_one(".tangerang-licence")
    assert licence_text in _text(licence)
    assert licence.select_one("a[rel=license]")["href"].startswith(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    languages = [_text(a) for a in footer.select(".tangerang-lang a, .tangerang-lang span")]
    assert len(languages) == 2


@pytest.mark.parametrize(
    "prefix, title, text",
    [
        ("", "Halaman tidak ditemukan", "Halaman yang Anda cari tidak ada"),
        ("/en", "Page not found", "The page you are looking for does not exist"),
    ],
)
def test_404_is_ours_in_both_languages(app, prefix, title, text):
    soup = _soup(app, prefix + "/tidak-ada-halaman-ini", status=404)
    error = soup.select_one(".tangerang-error")
    assert error["data-code"] == "404"
    assert _text(error.select_one("h1")) == title
    assert text in _text(error)
    assert error.select_one("form[role=search]")["action"] == f"{prefix}/dataset/"


def test_home_most_used_shows_the_counted_uses_once_any_are_counted(app, dataset, make_dataset):
    from ckanext.tangerang import usage

    other = make_dataset(dataset["owner_org"], name="sekolah", title="Sekolah", quality_grade="A")
    for n in range(3):
        usage.record(usage.DOWNLOAD, other["id"], ip=f"10.1.0.{n}", user_agent="Firefox")
    usage.record(usage.VIEW, other["id"], ip="10.1.0.9", user_agent="Firefox")
    catalog_summary.clear_cache()
    soup = _soup(app, "/")

    most_used = soup.select_one(".tangerang-most-used")
    assert most_used["data-basis"] == "usage"
    assert _text(most_used.select_one("h2")) == "Paling banyak digunakan"
    assert most_used.select_one(".tangerang-basis-note") is None
    [item] = most_used.select(".tangerang-dataset-item")
    assert item["data-dataset"] == "sekolah"
    assert "3 unduhan dan pembacaan API" in _text(item)
    assert "1 kali dilihat" in _text(item)
    assert most_used.select_one("a[href='/statistik']") is not None


def test_a_missing_dataset_keeps_ckans_own_translated_message(app):
    error = _soup(app, "/dataset/tidak-ada", status=404).select_one(".tangerang-error")
    assert (
        _text(error.select_one(".tangerang-error-text"))
        == "Dataset tidak ditemukan atau Anda tidak berhak melihatnya"
    )


@pytest.mark.parametrize(
    "prefix, last_updated, start, months",
    [
        ("", "1 Desember 2026, 14.18 WIB", "1 Januari 2024", MONTHS_ID),
        ("/en", "1 December 2026, 14:18 WIB", "1 January 2024", MONTHS_EN),
    ],
)
def test_dataset_and_resource_dates_are_day_first_in_wib(
    app, dataset, prefix, last_updated, start, months
):
    soup = _soup(app, f"{prefix}/dataset/faskes")
    assert last_updated in _text(soup.select_one("section.tangerang-quality"))
    # the temporal coverage (a scheming date field)
    assert start in [_text(d) for d in soup.select("section.additional-info .tangerang-date")]

    resource = _soup(app, f"{prefix}/dataset/faskes/resource/{dataset['resources'][0]['id']}")
    cells = [_text(td) for td in resource.select("table td")]
    # created a moment ago: today in WIB, day first (CKAN wrote "Desember 1, 2026")
    now = dt.datetime.now(dt.UTC) + dt.timedelta(hours=7)
    assert f"{now.day} {months[now.month - 1]} {now.year}" in cells, cells


@pytest.mark.parametrize("prefix, text", [("", "2 dataset ditemukan"), ("/en", "2 datasets found")])
def test_search_count_is_one_message_in_each_language(app, make_org, make_dataset, prefix, text):
    org = make_org()
    for i in range(2):
        make_dataset(org["id"], name=f"data-{i}")
    heading = _soup(app, f"{prefix}/dataset/").select_one(".search-form h1")
    assert _text(heading) == text


@pytest.mark.parametrize(
    "path, prefix, nav",
    [
        ("/organization/", "", "Produsen data"),
        ("/group/", "", "Dimensi"),
        ("/organization/", "/en", "Data producers"),
        ("/group/", "/en", "Dimensions"),
    ],
)
def test_producer_and_dimension_pages_use_the_portals_words(app, path, prefix, nav):
    soup = _soup(app, prefix + path)
    assert _text(soup.select_one(".masthead li.active a")) == nav
    assert _text(soup.select_one(".toolbar .breadcrumb .active")) == nav
    assert _text(soup.select_one(".tangerang-helper .module-content"))


@pytest.mark.parametrize("ini", ["stack/ckan.ini.in", "docker/ckan/ckan.ini.in"])
def test_both_configurations_show_dates_in_western_indonesia_time(ini):
    lines = (ROOT / ini).read_text(encoding="utf-8").splitlines()
    assert "ckan.display_timezone = Asia/Jakarta" in lines
