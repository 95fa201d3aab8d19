"""Croissant (ckanext-dcat's profile completed by ours) of a demo dataset, checked by
mlcroissant, MLCommons' reference implementation: the document validates (errors raise),
its record set names every DataStore column with a type, and the records it reads from the
Parquet file are the table's rows."""

from __future__ import annotations

import itertools
import json

import mlcroissant as mlc
import pytest
import requests
from ckan_site import anonymous_client, site_url

DATA_TYPES = {
    "text": "https://schema.org/Text",
    "int8": "https://schema.org/Integer",
    "numeric": "https://schema.org/Float",
    "date": "https://schema.org/Date",
}


@pytest.fixture(scope="module")
def croissant(demo_datasets, tmp_path_factory):
    response = requests.get(f"{site_url()}/dataset/fasyankes/croissant.jsonld", timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/ld+json")
    path = tmp_path_factory.mktemp("croissant") / "fasyankes.jsonld"
    path.write_text(response.text, encoding="utf-8")
    return json.loads(response.text), mlc.Dataset(jsonld=str(path))


def test_mlcroissant_validates_the_dataset(croissant):
    document, dataset = croissant
    package = anonymous_client().call("package_show", id="fasyankes")
    assert dataset.metadata.name == package["title"]
    assert document["conformsTo"]["@value"] == "http://mlcommons.org/croissant/1.0"
    # every file object carries a checksum, as Croissant requires
    parquet = next(r for r in package["resources"] if r["format"] == "Parquet")
    sha = {d.name: d.sha256 or d.md5 for d in dataset.metadata.distribution}
    assert all(sha.values()), sha
    assert sha[parquet["name"]] == parquet["sha256"]


def test_record_set_has_every_column_with_its_type(croissant):
    _, dataset = croissant
    package = anonymous_client().call("package_show", id="fasyankes")
    csv = next(r for r in package["resources"] if r["datastore_active"])
    table = anonymous_client().call("datastore_search", resource_id=csv["id"], limit=0)
    [record_set] = dataset.metadata.record_sets
    types = {f.name: [str(t) for t in f.data_types] for f in record_set.fields}
    expected = {f["id"]: [DATA_TYPES[f["type"]]] for f in table["fields"] if f["id"] != "_id"}
    assert {k: v for k, v in types.items() if k != "_id"} == expected


def test_records_read_through_croissant_are_the_table_rows(croissant):
    _, dataset = croissant
    [record_set] = dataset.metadata.record_sets
    rows = list(itertools.islice(dataset.records(record_set.uuid), 5))
    codes = [next(v for k, v in row.items() if k.endswith("/kode_faskes")) for row in rows]
    package = anonymous_client().call("package_show", id="fasyankes")
    csv = next(r for r in package["resources"] if r["datastore_active"])
    for code in codes:
        code = code.decode() if isinstance(code, bytes) else code
        # the code keeps its leading zeros (read from the typed Parquet file)
        found = anonymous_client().call(
            "datastore_search", resource_id=csv["id"], filters={"kode_faskes": code}
        )
        assert found["total"] == 1, code
