"""The one contract -> catalog mapping: the contract schema's annotations, the scheming
schema they point at, the frequency table, and a real publish into the CKAN test site."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from ckan_site import anonymous_client, approve, bot_client, contract_copy, site_url
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF
from rdflib.paths import SequencePath

from tangerang_hub import catalog, pipeline
from tangerang_hub.catalog import CatalogKey
from tangerang_hub.contracts import get_contract

ROOT = Path(__file__).resolve().parents[2]
DATASET_YAML = ROOT / "ckanext-tangerang/ckanext/tangerang/schemas/dataset.yaml"
PENDUDUK_CSV = ROOT / "stack/sample_agency/data/disdukcapil/penduduk-kecamatan.csv"
README = ROOT / "schemas/README.md"


INDONESIAN_MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


def scheming_fields() -> dict[str, dict[str, Any]]:
    schema = yaml.safe_load(DATASET_YAML.read_text(encoding="utf-8"))
    return {f["field_name"]: f for f in schema["dataset_fields"]}


def spec(key: CatalogKey) -> dict[str, Any]:
    """The contract schema's property at ``key.path``."""
    node: dict[str, Any] = {"properties": catalog.contract_schema()["properties"]}
    for part in key.path:
        node = node["properties"][part]
    return node


def enum_of(prop: dict[str, Any]) -> list[str] | None:
    return prop.get("enum") or prop.get("items", {}).get("enum")


def sdi_leaves(properties: dict[str, Any], prefix: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    for name, prop in properties.items():
        if "properties" in prop:
            yield from sdi_leaves(prop["properties"], (*prefix, name))
        else:
            yield (*prefix, name)


# --- the mapping table ---------------------------------------------------------------------


def test_contract_enums_equal_the_scheming_choices() -> None:
    fields = scheming_fields()
    with_enum = [key for key in catalog.catalog_keys() if enum_of(spec(key))]
    assert {key.ckan for key in with_enum} == {
        "dimensi",
        "frekuensi",
        "tingkat_penyajian",
        "klasifikasi_akses",
    }
    for key in with_enum:
        choices = [c["value"] for c in fields[key.ckan]["choices"]]
        assert enum_of(spec(key)) == choices, key.name


def test_every_mapped_field_exists_in_the_scheming_schema_once() -> None:
    ckan = [key.ckan for key in catalog.catalog_keys()]
    assert len(ckan) == len(set(ckan))
    missing = set(ckan) - set(scheming_fields())
    assert not missing, f"not in dataset.yaml: {missing}"


def test_every_sdi_key_is_mapped_to_ckan_and_dcat() -> None:
    sdi = catalog.contract_schema()["properties"]["sdi"]
    assert sdi["additionalProperties"] is False  # a key not declared here is a contract error
    leaves = set(sdi_leaves(sdi["properties"], ("sdi",)))
    mapped = {key.path: key for key in catalog.catalog_keys() if key.path[0] == "sdi"}
    assert leaves == set(mapped)
    assert all(key.dcat for key in mapped.values())
    assert catalog.sdi_keys() == tuple(sdi["properties"])
    prefixes = catalog.dcat_prefixes()
    for key in catalog.catalog_keys():
        for curie in key.dcat.split("/") if key.dcat else ():
            assert curie.split(":")[0] in prefixes, key.name


def test_the_readme_table_shows_the_schema_mapping() -> None:
    rows = re.findall(r"^\| `([a-z_.]+)` \| `([a-z_]+)` \| (.+) \|$", README.read_text(), re.M)
    documented = {name: (ckan, re.match(r"`([^`]+)`", dcat)) for name, ckan, dcat in rows}
    assert set(documented) == {key.name for key in catalog.catalog_keys()}
    for key in catalog.catalog_keys():
        ckan, dcat = documented[key.name]
        assert (ckan, dcat[1] if dcat else None) == (key.ckan, key.dcat), key.name


def test_dataset_metadata_of_a_contract() -> None:
    contract = get_contract("penduduk-kecamatan")
    meta = catalog.dataset_metadata(contract)
    assert meta["name"] == meta["contract_id"] == "penduduk-kecamatan"
    assert meta["owner_org"] == "disdukcapil"
    assert meta["dimensi"] == ["society"] and meta["frekuensi"] == "semesteran"
    assert meta["walidata_nama"] == "Dinas Komunikasi dan Informatika Kota Tangerang"
    assert meta["walidata_email"] == "satudata@tangerangkota.go.id"
    assert (meta["cakupan_waktu_mulai"], meta["cakupan_waktu_selesai"]) == (
        "2021-01-01",
        "2024-12-31",
    )
    assert meta["cakupan_wilayah"] == "36.71"
    assert meta["license_id"] == "cc-by"
    assert catalog.SAMPLE_TAG in {t["name"] for t in meta["tags"]}
    assert meta["notes"].endswith(catalog.SAMPLE_NOTE)


def test_a_key_the_contract_leaves_out_is_cleared_in_ckan() -> None:
    # fasyankes is a register kept current: an open-ended period, no end date
    meta = catalog.dataset_metadata(get_contract("fasyankes"))
    assert meta["cakupan_waktu_mulai"] == "2024-01-01"
    assert meta["cakupan_waktu_selesai"] == ""
    quake = catalog.dataset_metadata(get_contract("bmkg-gempa-terkini"))
    assert quake["cakupan_waktu_mulai"] == quake["cakupan_wilayah"] == ""


# --- the frequency table -------------------------------------------------------------------


def test_the_frequency_table_has_exactly_the_contract_frequencies() -> None:
    schema_enum = catalog.contract_schema()["properties"]["frequency"]["enum"]
    choices = [c["value"] for c in scheming_fields()["frekuensi"]["choices"]]
    assert list(catalog.frequencies()) == schema_enum == choices


def test_semesteran_is_a_half_year_at_its_longest() -> None:
    assert catalog.period_days("semesteran") == 184  # July to December; as the catalog counts
    assert catalog.period_days("tidak_tentu") is None
    with pytest.raises(ValueError, match="kadang"):
        catalog.period_days("kadang")


@pytest.mark.parametrize("frequency", list(catalog.frequencies()))
def test_the_engine_scores_freshness_with_the_table_period(frequency: str) -> None:
    contract = replace(get_contract("fasyankes"), frequency=frequency)
    score = pipeline.score_for(contract, None, {})
    days = catalog.frequencies()[frequency].days
    now = datetime.datetime.now(datetime.UTC)
    if days is None:
        assert score(now).dimensions["freshness"] is None
        return
    within = now - datetime.timedelta(days=days) + datetime.timedelta(minutes=5)
    assert score(within).dimensions["freshness"] == 100.0
    assert score(now - datetime.timedelta(days=2 * days)).dimensions["freshness"] == 50.0


# --- a real publish --------------------------------------------------------------------------


def _matches(node: Any, value: str) -> bool:
    text = str(node)
    return text == value or (isinstance(node, URIRef) and text == f"mailto:{value}")


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    contract = contract_copy("penduduk-kecamatan")
    report = pipeline.run(
        contract,
        client=bot_client(),
        source_file=PENDUDUK_CSV,
        workdir=tmp_path_factory.mktemp("hub"),
        run_id="run-catalog",
    )
    assert report.status == "published", report.message
    approve(contract.id)  # the walidata's review of a first publication
    return contract


def test_every_sdi_key_reaches_package_show_the_page_and_dcat(published) -> None:
    contract = published
    sdi_keys = [key for key in catalog.catalog_keys() if key.path[0] == "sdi"]
    values = {key.name: catalog.contract_value(contract, key) for key in sdi_keys}
    # the contract sets every SDI key, cakupan_waktu start and end included
    assert all(value not in (None, "") for value in values.values()), values

    package = anonymous_client().call("package_show", id=contract.id)
    for key in sdi_keys:
        assert package[key.ckan] == values[key.name], key.name

    page = requests.get(f"{site_url()}/dataset/{contract.id}", timeout=30)
    page.raise_for_status()
    assert package["walidata_email"] in page.text
    for field in ("cakupan_waktu_mulai", "cakupan_waktu_selesai"):  # shown as 1 Januari 2021
        day = date.fromisoformat(package[field])
        assert f"{day.day} {INDONESIAN_MONTHS[day.month - 1]} {day.year}" in page.text, field

    ttl = requests.get(f"{site_url()}/dataset/{contract.id}.ttl", timeout=30)
    ttl.raise_for_status()
    # Turtle is UTF-8 by definition; the response names no charset (requests would guess Latin-1)
    g = Graph().parse(data=ttl.content.decode("utf-8"), format="turtle")
    [dataset] = g.subjects(RDF.type, DCAT.Dataset)
    prefixes = catalog.dcat_prefixes()
    for key in sdi_keys:
        assert key.dcat is not None
        steps = [URIRef(prefixes[c.split(":")[0]] + c.split(":")[1]) for c in key.dcat.split("/")]
        path = steps[0] if len(steps) == 1 else SequencePath(*steps)
        found = list(g.objects(dataset, path))
        assert any(_matches(node, str(values[key.name])) for node in found), (key.name, found)
