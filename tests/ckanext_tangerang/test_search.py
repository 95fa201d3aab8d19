"""Facets of package_search and what reaches the Solr index."""

from __future__ import annotations

import pytest
from ckan.tests.helpers import call_action

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

FACETS = [
    "vocab_dimensi",
    "organization",
    "frekuensi",
    "tingkat_penyajian",
    "quality_grade",
    "res_format",
]


def _counts(result, facet):
    return {item["name"]: item["count"] for item in result["search_facets"][facet]["items"]}


def test_package_search_facets_per_value(make_org, make_dataset):
    dinkes = make_org(name="dinkes")
    dishub = make_org(name="dishub")
    make_dataset(
        dinkes["id"],
        dimensi=["living", "society"],
        frekuensi="bulanan",
        quality_grade="A",
        resources=[{"url": "http://x.org/a.csv", "format": "CSV"}],
    )
    make_dataset(dinkes["id"], dimensi=["living"], tingkat_penyajian="kelurahan", quality_grade="B")
    make_dataset(dishub["id"], dimensi=["environment"], frekuensi="harian", quality_grade="A")

    result = call_action("package_search", **{"q": "*:*", "facet.field": FACETS, "facet.limit": -1})
    assert _counts(result, "vocab_dimensi") == {"living": 2, "society": 1, "environment": 1}
    assert _counts(result, "organization") == {"dinkes": 2, "dishub": 1}
    assert _counts(result, "frekuensi") == {"bulanan": 1, "tahunan": 1, "harian": 1}
    assert _counts(result, "tingkat_penyajian") == {"kecamatan": 2, "kelurahan": 1}
    assert _counts(result, "quality_grade") == {"A": 2, "B": 1}
    assert _counts(result, "res_format") == {"CSV": 1}


def test_facet_items_carry_choice_labels(make_org, make_dataset):
    make_dataset(make_org()["id"], dimensi=["economy"], frekuensi="triwulanan")
    result = call_action("package_search", **{"facet.field": ["vocab_dimensi", "frekuensi"]})
    dims = result["search_facets"]["vocab_dimensi"]["items"]
    assert dims[0]["name"] == "economy"
    assert dims[0]["display_name"].startswith("Smart Economy")
    freq = result["search_facets"]["frekuensi"]["items"]
    assert freq[0]["display_name"] in ("Triwulanan", "Quarterly")


def test_filter_by_dimension_and_sort_by_last_run(make_org, make_dataset):
    org = make_org()
    old = make_dataset(org["id"], dimensi=["governance"], last_run_at="2024-01-01T00:00:00Z")
    new = make_dataset(
        org["id"], dimensi=["governance", "economy"], last_run_at="2025-01-01T00:00:00Z"
    )
    make_dataset(org["id"], dimensi=["economy"])
    result = call_action("package_search", fq="vocab_dimensi:governance", sort="last_run_date desc")
    assert [d["id"] for d in result["results"]] == [new["id"], old["id"]]
