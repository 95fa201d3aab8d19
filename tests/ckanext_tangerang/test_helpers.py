"""Template helpers: the data dictionary (from datastore_info) and the cached home summary."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.tangerang import catalog_summary

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity datastore"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def test_dataset_page_shows_field_labels_and_notes(app, make_org, make_dataset):
    dataset = make_dataset(
        make_org()["id"],
        name="penduduk",
        resources=[{"url": "http://example.org/penduduk.csv", "format": "CSV", "name": "Data"}],
    )
    resource_id = dataset["resources"][0]["id"]
    admin = factories.Sysadmin()
    call_action(
        "datastore_create",
        context={"user": admin["name"]},
        resource_id=resource_id,
        force=True,
        fields=[
            {
                "id": "kode_kecamatan",
                "type": "text",
                "info": {"label": "Kode Kecamatan", "notes": "Kode Kemendagri <b>wilayah</b>"},
            },
            {"id": "jumlah", "type": "int", "info": {"label": "Jumlah Penduduk", "notes": "jiwa"}},
        ],
        records=[{"kode_kecamatan": "36.71.01", "jumlah": 1}],
    )
    soup = BeautifulSoup(app.get("/dataset/penduduk").body, "html.parser")
    table = soup.select_one("section.tangerang-data-dictionary table")
    assert table is not None
    rows = [
        [td.get_text(strip=True) for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")
    ]
    assert rows == [
        ["kode_kecamatan", "text", "Kode Kecamatan", "Kode Kemendagri <b>wilayah</b>"],
        ["jumlah", "int4", "Jumlah Penduduk", "jiwa"],
    ]


@pytest.fixture
def dataset(make_org, make_dataset):
    """One public dataset of the society dimension."""
    return make_dataset(make_org()["id"], name="faskes", dimensi=["society"])


def _society_count(app) -> str:
    """The dataset count the home page shows on the society dimension card."""
    soup = BeautifulSoup(app.get("/").body, "html.parser")
    card = soup.select_one(".tangerang-dimension[data-dimension=society]")
    return card.select_one(".tangerang-dataset-count").text


def test_home_page_summary_is_cached_per_language(app, dataset, make_dataset, monkeypatch):
    calls: list[str | None] = []
    real = catalog_summary.summarize

    def counting(*args, **kwargs):
        calls.append(kwargs.get("dimension"))
        return real(*args, **kwargs)

    monkeypatch.setattr(catalog_summary, "summarize", counting)

    assert _society_count(app) == "1"
    make_dataset(dataset["owner_org"], name="sekolah", dimensi=["society"])
    # Within the TTL the home page does not search again: the count is the cached one.
    assert _society_count(app) == "1"
    assert len(calls) == 1
    app.get("/en/")  # another language, its own entry
    assert len(calls) == 2

    # Once the TTL has passed, the next view searches again.
    clock = catalog_summary.time.monotonic() + 61
    monkeypatch.setattr(catalog_summary.time, "monotonic", lambda: clock)
    assert _society_count(app) == "2"
    assert len(calls) == 3
    # The API action itself is never cached.
    counts = {
        d["name"]: d["dataset_count"]
        for d in call_action("tangerang_dimension_summary")["dimensions"]
    }
    assert counts["society"] == 2
    assert len(calls) == 4


@pytest.mark.ckan_config("ckanext.tangerang.home_summary_cache_seconds", "0")
def test_home_page_summary_cache_can_be_disabled(app, dataset, make_dataset):
    assert _society_count(app) == "1"
    make_dataset(dataset["owner_org"], name="sekolah", dimensi=["society"])
    assert _society_count(app) == "2"
