"""The citation of a dataset (ckanext.tangerang.citation): text and BibTeX naming the version,
every value escaped; on the dataset page in both languages."""

from __future__ import annotations

import hashlib
import io
import re
import uuid

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckan.tests.pytest_ckan.fixtures import FakeFileStorage

from ckanext.tangerang import citation

SHA = "3f2a9c0b1d4e" + "5" * 52
PARTS = citation.Parts(
    author="Dinas Kesehatan Kota Tangerang",
    year="2026",
    title="Fasilitas Pelayanan Kesehatan",
    run_id="manual__2026-12-01T07:18:00+00:00",
    date="1 Desember 2026, 14.18 WIB",
    sha256=SHA,
    publisher="Satu Data Kota Tangerang",
    url="https://satudata.example/dataset/fasyankes",
    name="fasyankes",
)


def test_text_names_producer_year_title_version_date_sha_and_url():
    assert citation.text(PARTS, "versi") == (
        "Dinas Kesehatan Kota Tangerang (2026). Fasilitas Pelayanan Kesehatan, versi "
        "manual__2026-12-01T07:18:00+00:00 (1 Desember 2026, 14.18 WIB; sha256 3f2a9c0b1d4e). "
        "Satu Data Kota Tangerang. https://satudata.example/dataset/fasyankes"
    )


def test_text_leaves_out_what_is_unknown():
    bare = citation.Parts(**{**PARTS.__dict__, "run_id": "", "date": "", "sha256": "", "year": ""})
    assert citation.text(bare, "version") == (
        "Dinas Kesehatan Kota Tangerang. Fasilitas Pelayanan Kesehatan, version. "
        "Satu Data Kota Tangerang. https://satudata.example/dataset/fasyankes"
    )


def test_bibtex_entry():
    entry = citation.bibtex(PARTS, "versi")
    assert entry.startswith(
        "@misc{satudata-tangerang:fasyankes:manual__2026-12-01T07:18:00-00:00,\n"
    )
    assert "  author = {{Dinas Kesehatan Kota Tangerang}},\n" in entry
    assert "  title = {{Fasilitas Pelayanan Kesehatan}},\n" in entry
    assert "  year = {2026},\n" in entry
    assert "  version = {manual\\_\\_2026-12-01T07:18:00+00:00},\n" in entry
    assert "  url = {https://satudata.example/dataset/fasyankes},\n" in entry
    assert "sha256 3f2a9c0b1d4e" in entry
    assert entry.endswith("}")


def test_bibtex_escapes_every_special_character_and_keeps_braces_balanced():
    hostile = citation.Parts(
        **{
            **PARTS.__dict__,
            "title": "50% of {a} & $b$ #1 a_b ^c ~d \\e } @misc{x,",
            "author": "Dinas {Kesehatan}",
            "url": "https://x.example/a b{c}%d#e",
            "name": "a,b} c",
        }
    )
    entry = citation.bibtex(hostile, "versi")
    assert (
        "title = {{50\\% of \\{a\\} \\& \\$b\\$ \\#1 a\\_b \\^{}c \\~{}d "
        "\\textbackslash{}e \\} @misc\\{x,}}" in entry
    )
    assert "author = {{Dinas \\{Kesehatan\\}}}" in entry
    assert "url = {https://x.example/a%20b%7Bc%7D\\%d\\#e}" in entry
    assert entry.startswith("@misc{satudata-tangerang:a-b-c:")
    # Unescaped braces balance: the entry is one well-formed value list.
    depth = 0
    text = entry.replace("\\{", "").replace("\\}", "")
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0


@pytest.mark.ckan_config(
    "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
@pytest.mark.parametrize(
    ("prefix", "word", "date", "heading"),
    [
        ("", "versi", r"\d{2}\.\d{2} WIB", "Cara mengutip"),
        ("/en", "version", r"\d{2}:\d{2} WIB", "How to cite"),
    ],
)
def test_the_dataset_page_cites_its_current_version(
    app, make_org, make_dataset, prefix, word, date, heading
):
    sysadmin = factories.Sysadmin()
    org = make_org(title="Dinas Kesehatan <Kota> & Tangerang")
    pkg = make_dataset(org["id"], name=f"sitasi-{uuid.uuid4().hex[:8]}", title='Faskes "uji" {x}')
    resource = call_action(
        "resource_create", {"user": sysadmin["name"]}, package_id=pkg["id"], name="Data (CSV)"
    )
    content = b"kode\n0001\n"
    call_action(
        "package_revise",
        {"user": sysadmin["name"]},
        match={"id": pkg["id"]},
        update={"last_run_id": "run-7", "sha256": hashlib.sha256(content).hexdigest()},
        **{
            f"update__resources__{resource['id']}": {
                "upload": FakeFileStorage(io.BytesIO(content), "faskes.csv")
            }
        },
    )
    from ckanext.tangerang import versions

    created = versions.versions_of(pkg["id"])[0].created
    soup = BeautifulSoup(app.get(f"{prefix}/dataset/{pkg['name']}").body, "html.parser")
    section = soup.select_one("section.tangerang-citation")
    assert section is not None
    assert section.h2.get_text(strip=True) == heading
    text = section.select_one(".tangerang-citation-text").get_text()
    assert text.startswith(f"Dinas Kesehatan <Kota> & Tangerang ({created.year}). ")
    assert f'Faskes "uji" {{x}}, {word} run-7 (' in text
    assert re.search(date + "; sha256", text)
    assert f"sha256 {hashlib.sha256(content).hexdigest()[:12]}" in text
    assert text.endswith(f"/dataset/{pkg['name']}")
    assert "/en/" not in text  # one URL for every language
    bibtex = section.select_one(".tangerang-citation-bibtex").get_text()
    assert "author = {{Dinas Kesehatan <Kota> \\& Tangerang}}" in bibtex
    assert 'title = {{Faskes "uji" \\{x\\}}}' in bibtex
    assert "version = {run-7}" in bibtex
    # Escaped for HTML too: the producer's "<Kota>" is text, not an element.
    assert section.find("kota") is None
    assert [b.get_text(strip=True) for b in section.select("button.tangerang-copy")] == (
        ["Salin kutipan", "Salin BibTeX"] if not prefix else ["Copy citation", "Copy BibTeX"]
    )
