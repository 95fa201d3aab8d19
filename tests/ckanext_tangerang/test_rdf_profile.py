"""DCAT: the tangerang_sdi profile puts the SDI fields into the dataset's RDF."""

from __future__ import annotations

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests.helpers import call_action
from ckanext.dcat.processors import RDFSerializer
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD, Namespace

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
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
