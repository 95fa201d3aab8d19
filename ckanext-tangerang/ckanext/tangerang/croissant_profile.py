"""Croissant (ckanext-dcat's ``croissant`` profile) completed for the hub's datasets.

Registered as the ``tangerang_croissant`` entry point of ``ckan.rdf.profiles`` and enabled
after ckanext-dcat's own profile, whose graph it completes::

    ckanext.dcat.croissant.profiles = croissant tangerang_croissant

What ckanext-dcat 2.4.4 leaves out and Croissant 1.0 (``mlcroissant``) requires or
recommends:

- a media type as ``encodingFormat`` (ckanext-dcat writes CKAN's format name, "CSV", when the
  resource has no mimetype, and readers do not recognise it);
- a checksum on every file object: the Parquet file's sha256 is the hub's ``sha256`` of the
  resource (the staging key, also its file name); another uploaded file without CKAN's
  ``hash`` gets the sha256 of its stored bytes when it is at most ``HASH_MAX_BYTES``;
- a ``dataType`` on every field of a record set: the DataStore types ckanext-dcat does not
  map (``date``, ``bool``; others as text), with each field's name and Data Dictionary label;
- the record set's name;
- the record set read from the Parquet file when the dataset has one: it keeps the contract's
  types (a CSV reader turns the code "0046703" into the number 46703).
"""

from __future__ import annotations

import hashlib
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, Namespace

from ckanext.dcat.profiles import RDFProfile
from ckanext.dcat.utils import resource_uri

SCHEMA = Namespace("https://schema.org/")
CR = Namespace("http://mlcommons.org/croissant/")
HASH_MAX_BYTES = 5 * 1024 * 1024
EXTRA_FIELD_TYPES = {"date": SCHEMA.Date, "bool": SCHEMA.Boolean}
# CKAN format -> the media type Croissant readers expect as encodingFormat.
MEDIA_TYPES = {"csv": "text/csv", "parquet": "application/x-parquet", "json": "application/json"}


def _stored_sha256(resource: dict[str, Any]) -> str | None:
    """The sha256 of an uploaded resource's stored bytes (None if unreadable or large)."""
    if resource.get("url_type") != "upload" or int(resource.get("size") or 0) > HASH_MAX_BYTES:
        return None
    from ckan.lib.uploader import get_resource_uploader

    try:
        path = get_resource_uploader(resource).get_path(resource["id"])
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except (OSError, AttributeError, TypeError):
        return None


def file_sha256(resource: dict[str, Any]) -> str | None:
    """The sha256 of a resource's file as far as the catalog knows it."""
    sha = resource.get("sha256") or ""
    if (resource.get("format") or "").lower() == "parquet" and (resource.get("url") or "").endswith(
        f"{sha}.parquet"
    ):
        return sha if len(sha) == 64 else None
    return _stored_sha256(resource)


def _parquet(dataset_dict: dict[str, Any]) -> dict[str, Any] | None:
    resources = dataset_dict.get("resources", [])
    return next((r for r in resources if (r.get("format") or "").lower() == "parquet"), None)


class TangerangCroissantProfile(RDFProfile):
    """Completes ckanext-dcat's Croissant graph (see the module)."""

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        g = self.g
        for resource in dataset_dict.get("resources", []):
            resource_ref = URIRef(resource_uri(resource))
            media_type = MEDIA_TYPES.get((resource.get("format") or "").lower())
            if media_type and not resource.get("mimetype"):
                g.set((resource_ref, SCHEMA.encodingFormat, Literal(media_type)))
            known = {SCHEMA.md5, SCHEMA.sha256}
            if not any(g.value(resource_ref, p) for p in known):
                sha = file_sha256(resource)
                if sha:
                    g.add((resource_ref, SCHEMA.sha256, Literal(sha)))
            self._complete_record_set(resource, _parquet(dataset_dict))

    def _complete_record_set(self, resource: dict[str, Any], parquet: dict | None) -> None:
        g = self.g
        record_set = URIRef(f"{resource['id']}/records")
        if (record_set, RDF.type, CR.RecordSet) not in g:
            return
        if not g.value(record_set, SCHEMA.name):
            g.add((record_set, SCHEMA.name, Literal(resource.get("name") or resource["id"])))
        import ckan.plugins.toolkit as tk

        info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource["id"]})
        for field in info.get("fields", []):
            field_ref = URIRef(f"{resource['id']}/records/{field['id']}")
            if (field_ref, RDF.type, CR.Field) not in g:
                continue
            if not g.value(field_ref, CR.dataType):
                g.add((field_ref, CR.dataType, EXTRA_FIELD_TYPES.get(field["type"], SCHEMA.Text)))
            if not g.value(field_ref, SCHEMA.name):
                g.add((field_ref, SCHEMA.name, Literal(field["id"])))
            label = (field.get("info") or {}).get("label")
            if label and not g.value(field_ref, SCHEMA.description):
                g.add((field_ref, SCHEMA.description, Literal(label)))
            source = g.value(field_ref, CR.source)
            if parquet and source is not None:
                g.set((source, CR.fileObject, URIRef(resource_uri(parquet))))
