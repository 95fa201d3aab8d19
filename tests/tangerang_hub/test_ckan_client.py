"""The CKAN client against the real test site: token auth, errors, faceted search in Solr."""

from __future__ import annotations

import uuid

import pytest
from ckan_site import anonymous_client, bot_client

from tangerang_hub.ckan_client import CkanError, NotFound


def test_bot_creates_a_dataset_and_faceted_search_finds_it():
    client = bot_client()
    name = f"uji-cari-{uuid.uuid4().hex[:8]}"
    client.call(
        "package_create",
        name=name,
        title="Uji pencarian berfaset",
        notes="Dataset uji integrasi.",
        owner_org="disdik",
        dimensi=["society", "governance"],
        frekuensi="tahunan",
        tingkat_penyajian="kecamatan",
        klasifikasi_akses="terbuka",
        cakupan_wilayah="36.71",
        license_id="cc-by",
    )

    result = anonymous_client().call(
        "package_search",
        q=f"name:{name}",
        **{"facet.field": '["organization", "vocab_dimensi", "frekuensi"]', "facet.limit": 50},
    )

    assert result["count"] == 1
    assert result["results"][0]["name"] == name
    facets = result["search_facets"]
    assert {i["name"]: i["count"] for i in facets["organization"]["items"]} == {"disdik": 1}
    assert {i["name"] for i in facets["vocab_dimensi"]["items"]} == {"society", "governance"}
    assert [i["name"] for i in facets["frekuensi"]["items"]] == ["tahunan"]


def test_missing_dataset_raises_not_found():
    with pytest.raises(NotFound):
        anonymous_client().call("package_show", id=f"tidak-ada-{uuid.uuid4().hex}")


def test_anonymous_cannot_create_and_gets_an_authorization_error():
    with pytest.raises(CkanError) as caught:
        anonymous_client().call(
            "package_create", name=f"x-{uuid.uuid4().hex[:8]}", owner_org="disdik"
        )
    assert caught.value.status == 403


def test_bot_is_not_sysadmin():
    me = bot_client().call("user_show", id="tangerang-bot")
    assert me["sysadmin"] is False
