"""DCAT: the tangerang_sdi profile puts the SDI fields into the dataset's RDF."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests.helpers import call_action
from ckanext.dcat.processors import RDFSerializer
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD, Namespace
from rdflib.paths import Path as RdfPath
from rdflib.paths import SequencePath

from ckanext.tangerang import hub_tables

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
PROFILES = "euro_dcat_ap_3 tangerang_sdi"

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity dcat"
    ),
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", PROFILES),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


@pytest.fixture
def dataset(make_org, make_dataset):
    org = make_org(name="dinkes", title="Dinas Kesehatan Kota Tangerang")
    return make_dataset(
        org["id"],
        name="fasyankes",
        dimensi=["living", "society"],
        frekuensi="semesteran",
        cakupan_wilayah="36.71.01",
        cakupan_waktu_mulai="2024-01-01",
        cakupan_waktu_selesai="2024-12-31",
        klasifikasi_akses="terbatas",
        walidata_nama="Bidang Statistik Diskominfo",
        walidata_email="satudata@tangerangkota.go.id",
        topik="Kesehatan",
        satuan="unit fasilitas",
        sumber="Dinas Kesehatan Kota Tangerang",
        metodologi="Registrasi fasilitas oleh Dinas Kesehatan.",
    )


def _check(g: Graph, dataset: dict) -> None:
    site = tk.config["ckan.site_url"].rstrip("/")
    ds = URIRef(f"{site}/dataset/{dataset['id']}")
    assert (ds, RDF.type, DCAT.Dataset) in g

    assert list(g.objects(ds, DCTERMS.accrualPeriodicity)) == [
        URIRef("http://publications.europa.eu/resource/authority/frequency/ANNUAL_2")
    ]

    [period] = g.objects(ds, DCTERMS.temporal)
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in g
    assert g.value(period, DCAT.startDate) == Literal("2024-01-01", datatype=XSD.date)
    assert g.value(period, DCAT.endDate) == Literal("2024-12-31", datatype=XSD.date)

    [place] = g.objects(ds, DCTERMS.spatial)
    assert (place, RDF.type, DCTERMS.Location) in g
    assert g.value(place, DCTERMS.identifier) == Literal("36.71.01")

    themes = set(g.objects(ds, DCAT.theme))
    assert themes == {URIRef(f"{site}/group/living"), URIRef(f"{site}/group/society")}
    living = URIRef(f"{site}/group/living")
    labels = {(str(label), label.language) for label in g.objects(living, SKOS.prefLabel)}
    assert ("Smart Living", "en") in labels

    [publisher] = g.objects(ds, DCTERMS.publisher)
    assert publisher == URIRef(f"{site}/organization/{dataset['owner_org']}")
    assert g.value(publisher, FOAF.name) == Literal("Dinas Kesehatan Kota Tangerang")

    assert list(g.objects(ds, DCTERMS.accessRights)) == [
        URIRef("http://publications.europa.eu/resource/authority/access-right/RESTRICTED")
    ]

    [contact] = g.objects(ds, DCAT.contactPoint)
    assert g.value(contact, VCARD.fn) == Literal("Bidang Statistik Diskominfo")
    assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:satudata@tangerangkota.go.id")

    assert Literal("Kesehatan", lang="id") in set(g.objects(ds, DCAT.keyword))
    assert list(g.objects(ds, SDMX_ATTRIBUTE.unitMeasure)) == [Literal("unit fasilitas", lang="id")]
    assert list(g.objects(ds, DCTERMS.source)) == [
        Literal("Dinas Kesehatan Kota Tangerang", lang="id")
    ]
    [provenance] = g.objects(ds, DCTERMS.provenance)
    assert (provenance, RDF.type, DCTERMS.ProvenanceStatement) in g
    assert g.value(provenance, RDFS.label) == Literal(
        "Registrasi fasilitas oleh Dinas Kesehatan.", lang="id"
    )


def test_serializer_carries_the_sdi_triples(dataset):
    shown = call_action("package_show", id=dataset["id"])
    turtle = RDFSerializer(profiles=PROFILES.split()).serialize_dataset(shown, _format="turtle")
    _check(Graph().parse(data=turtle, format="turtle"), dataset)


def test_dataset_ttl_endpoint_carries_the_sdi_triples(app, dataset):
    response = app.get(f"/dataset/{dataset['name']}.ttl", status=200)
    assert "turtle" in response.headers["Content-Type"]
    _check(Graph().parse(data=response.body, format="turtle"), dataset)


def test_irregular_open_dataset(make_org, make_dataset):
    org = make_org()
    dataset = make_dataset(org["id"], frekuensi="tidak_tentu", klasifikasi_akses="terbuka")
    shown = call_action("package_show", id=dataset["id"])
    g = Graph().parse(
        data=RDFSerializer(profiles=PROFILES.split()).serialize_dataset(shown, _format="turtle"),
        format="turtle",
    )
    ds = next(g.subjects(RDF.type, DCAT.Dataset))
    assert g.value(ds, DCTERMS.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/IRREG"
    )
    assert g.value(ds, DCTERMS.accessRights) == URIRef(
        "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
    )


def _serialize(dataset: dict[str, Any]) -> tuple[Graph, URIRef]:
    shown = call_action("package_show", id=dataset["id"])
    turtle = RDFSerializer(profiles=PROFILES.split()).serialize_dataset(shown, _format="turtle")
    g = Graph().parse(data=turtle, format="turtle")
    return g, next(g.subjects(RDF.type, DCAT.Dataset))


def test_rolling_dataset_has_an_open_ended_period(make_org, make_dataset):
    dataset = make_dataset(make_org()["id"], cakupan_waktu_selesai="")
    g, ds = _serialize(dataset)
    [period] = g.objects(ds, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2024-01-01", datatype=XSD.date)
    assert g.value(period, DCAT.endDate) is None


@pytest.mark.parametrize("frequency", list(hub_tables.frequencies()))
def test_frequency_code_comes_from_the_hub_table(make_org, make_dataset, frequency):
    dataset = make_dataset(make_org()["id"], frekuensi=frequency)
    g, ds = _serialize(dataset)
    code = hub_tables.frequencies()[frequency]["dcat"]
    assert list(g.objects(ds, DCTERMS.accrualPeriodicity)) == [URIRef(EU_FREQUENCY + code)]


def _annotated(properties: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(x-ckan, x-dcat) of every contract key the DCAT output states."""
    for spec in properties.values():
        if "x-dcat" in spec:
            yield spec["x-ckan"], spec["x-dcat"]
        yield from _annotated(spec.get("properties", {}))


def _path(curies: str, prefixes: dict[str, str]) -> URIRef | RdfPath:
    steps = [URIRef(prefixes[p] + local) for p, local in (c.split(":") for c in curies.split("/"))]
    return steps[0] if len(steps) == 1 else SequencePath(*steps)


def test_every_x_dcat_property_of_the_contract_schema_is_stated(dataset):
    """The contract schema's mapping table and this profile agree, key by key."""
    schema = hub_tables.contract_schema()
    pairs = list(_annotated(schema["properties"]))
    assert {"cakupan_waktu_mulai", "walidata_email", "metodologi"} <= {c for c, _ in pairs}
    g, ds = _serialize(dataset)
    shown = call_action("package_show", id=dataset["id"])
    for field_name, curies in pairs:
        objects = list(g.objects(ds, _path(curies, schema["x-dcat-prefixes"])))
        assert objects, f"{field_name}: nothing at {curies}"
        wanted = shown[field_name]
        if isinstance(wanted, list):  # dimensi: the groups' IRIs
            assert {str(o).rsplit("/", 1)[-1] for o in objects} == set(wanted), field_name
        elif field_name == "owner_org":  # dct:publisher/dct:identifier: the name
            assert str(objects[0]) == shown["organization"]["name"]
        elif field_name not in ("frekuensi", "klasifikasi_akses"):  # EU codes, tested above
            values = {str(o).removeprefix("mailto:") for o in objects}
            assert str(wanted) in values, f"{field_name}: {wanted!r} not in {values}"
