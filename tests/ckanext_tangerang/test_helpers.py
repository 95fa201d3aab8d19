"""The data dictionary on the dataset page comes from datastore_info."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from ckan.tests.helpers import call_action

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
