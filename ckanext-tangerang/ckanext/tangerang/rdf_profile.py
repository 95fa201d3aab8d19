"""DCAT (ckanext-dcat) profile of the Satu Data Indonesia fields.

Registered as the ``tangerang_sdi`` entry point of ``ckan.rdf.profiles``;
enable it after the European profile so its statements replace any that one
derived from CKAN's own fields::

    ckanext.dcat.rdf.profiles = euro_dcat_ap_3 tangerang_sdi

========================  ===========================================================
SDI field                 DCAT statement
========================  ===========================================================
frekuensi                 dct:accrualPeriodicity (EU code in the hub's frequencies.yaml)
cakupan_waktu_mulai/..    dct:temporal [a dct:PeriodOfTime; dcat:startDate; dcat:endDate]
                          (no end date: an open-ended period, the data is kept current)
cakupan_wilayah           dct:spatial [a dct:Location; dct:identifier "36.71"]
dimensi                   dcat:theme <site/group/NAME> (skos:Concept, the dimension group)
produsen (owner_org)      dct:publisher <site/organization/ID> (foaf:Organization)
klasifikasi_akses         dct:accessRights (EU access-right authority table)
walidata_nama/_email      dcat:contactPoint [a vcard:Organization; vcard:fn; vcard:hasEmail]
topik                     dcat:keyword "Kesehatan"@id (beside the tags)
satuan                    sdmx-attribute:unitMeasure "jiwa"@id (as StatDCAT-AP)
sumber                    dct:source "..."@id
metodologi                dct:provenance [a dct:ProvenanceStatement; rdfs:label "..."@id]
========================  ===========================================================

The hub's contract schema (``contract.schema.json``) names, for every contract key, the
field above (``x-ckan``) and the property path stated here (``x-dcat``); the tests check
this profile against it.
"""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from ckanext.dcat.profiles import RDFProfile
from ckanext.dcat.profiles.base import DCAT, DCT, FOAF, VCARD
from ckanext.dcat.utils import catalog_uri, publisher_uri_organization_fallback
from ckanext.tangerang import catalog_summary, hub_tables, vocab

EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
EU_ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
ACCESS_RIGHT = {"terbuka": "PUBLIC", "terbatas": "RESTRICTED", "tertutup": "NON_PUBLIC"}
LANGS = ("id", "en")


class TangerangSDIProfile(RDFProfile):
    """Satu Data Indonesia metadata of the Kota Tangerang catalog as DCAT-AP statements."""

    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> dict[str, Any]:
        # The catalog does not harvest: nothing is read back from RDF.
        return dataset_dict

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        self._frequency(dataset_dict, dataset_ref)
        self._temporal(dataset_dict, dataset_ref)
        self._spatial_coverage(dataset_dict, dataset_ref)
        self._themes(dataset_dict, dataset_ref)
        self._publisher(dataset_dict, dataset_ref)
        self._access_rights(dataset_dict, dataset_ref)
        self._contact_point(dataset_dict, dataset_ref)
        self._texts(dataset_dict, dataset_ref)

    # -- helpers -----------------------------------------------------------

    def _replace(self, subject: Node, predicate: URIRef) -> None:
        """Drop what an earlier profile said about ``predicate`` (and its blank nodes)."""
        for obj in list(self.g.objects(subject, predicate)):
            self.g.remove((subject, predicate, obj))
            if isinstance(obj, BNode):
                self.g.remove((obj, None, None))

    def _labels(self, node: Node, field_name: str, value: str, predicate: URIRef) -> None:
        for choice in vocab.dataset_choices(field_name):
            if choice["value"] == value:
                for lang in LANGS:
                    self.g.add((node, predicate, Literal(vocab.label(choice, lang), lang=lang)))

    # -- statements --------------------------------------------------------

    def _frequency(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        row = hub_tables.frequencies().get(dataset_dict.get("frekuensi") or "")
        if row is None:
            return
        code = row["dcat"]
        self._replace(ref, DCT.accrualPeriodicity)
        frequency = URIRef(EU_FREQUENCY + code)
        self.g.add((ref, DCT.accrualPeriodicity, frequency))
        self.g.add((frequency, RDF.type, DCT.Frequency))

    def _temporal(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        start = dataset_dict.get("cakupan_waktu_mulai")
        end = dataset_dict.get("cakupan_waktu_selesai")
        if not start and not end:
            return
        self._replace(ref, DCT.temporal)
        period = BNode()
        self.g.add((ref, DCT.temporal, period))
        self.g.add((period, RDF.type, DCT.PeriodOfTime))
        if start:
            self.g.add((period, DCAT.startDate, Literal(start, datatype=XSD.date)))
        if end:
            self.g.add((period, DCAT.endDate, Literal(end, datatype=XSD.date)))

    def _spatial_coverage(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        code = dataset_dict.get("cakupan_wilayah")
        if not code:
            return
        self._replace(ref, DCT.spatial)
        location = BNode()
        self.g.add((ref, DCT.spatial, location))
        self.g.add((location, RDF.type, DCT.Location))
        # Kepmendagri area code (kode wilayah administrasi pemerintahan)
        self.g.add((location, DCT.identifier, Literal(code)))
        self.g.add((location, SKOS.notation, Literal(code)))
        self.g.add((location, RDFS.label, Literal(f"Kode wilayah Kemendagri {code}", lang="id")))

    def _themes(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        dims = catalog_summary.dataset_dimensions(dataset_dict)
        if not dims:
            return
        base = catalog_uri().rstrip("/")
        scheme = URIRef(f"{base}/group")
        self._replace(ref, DCAT.theme)
        for name in dims:
            theme = URIRef(f"{base}/group/{name}")
            self.g.add((ref, DCAT.theme, theme))
            self.g.add((theme, RDF.type, SKOS.Concept))
            self.g.add((theme, SKOS.inScheme, scheme))
            self._labels(theme, "dimensi", name, SKOS.prefLabel)

    def _publisher(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        org = dataset_dict.get("organization") or {}
        uri = publisher_uri_organization_fallback(dataset_dict) if org else None
        if not uri:
            return
        self._replace(ref, DCT.publisher)
        publisher = URIRef(uri)
        self.g.add((ref, DCT.publisher, publisher))
        self.g.add((publisher, RDF.type, FOAF.Agent))
        self.g.add((publisher, RDF.type, FOAF.Organization))
        self.g.set((publisher, FOAF.name, Literal(org.get("title") or org.get("name"))))
        self.g.set((publisher, DCT.identifier, Literal(org.get("name"))))

    def _access_rights(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        value = dataset_dict.get("klasifikasi_akses") or ""
        code = ACCESS_RIGHT.get(value)
        if code is None:
            return
        self._replace(ref, DCT.accessRights)
        rights = URIRef(EU_ACCESS_RIGHT + code)
        self.g.add((ref, DCT.accessRights, rights))
        self.g.add((rights, RDF.type, DCT.RightsStatement))
        self._labels(rights, "klasifikasi_akses", value, RDFS.label)

    def _contact_point(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        name = dataset_dict.get("walidata_nama")
        email = dataset_dict.get("walidata_email")
        if not name and not email:
            return
        self._replace(ref, DCAT.contactPoint)
        contact = BNode()
        self.g.add((ref, DCAT.contactPoint, contact))
        self.g.add((contact, RDF.type, VCARD.Organization))
        if name:
            self.g.add((contact, VCARD.fn, Literal(name)))
        if email:
            mail = email.removeprefix("mailto:")
            self.g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{mail}")))

    def _texts(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        """Topic, unit, source and methodology: free Indonesian text."""
        topic = dataset_dict.get("topik")
        if topic:
            self.g.add((ref, DCAT.keyword, Literal(topic, lang="id")))
        for field_name, predicate in (
            ("satuan", SDMX_ATTRIBUTE.unitMeasure),
            ("sumber", DCT.source),
        ):
            value = dataset_dict.get(field_name)
            if value:
                self._replace(ref, predicate)
                self.g.add((ref, predicate, Literal(value, lang="id")))
        method = dataset_dict.get("metodologi")
        if method:
            self._replace(ref, DCT.provenance)
            statement = BNode()
            self.g.add((ref, DCT.provenance, statement))
            self.g.add((statement, RDF.type, DCT.ProvenanceStatement))
            self.g.add((statement, RDFS.label, Literal(method, lang="id")))
