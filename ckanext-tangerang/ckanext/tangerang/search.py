"""How datasets are indexed in Solr and faceted on the search page."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.tangerang import catalog_summary, freshness, vocab

# CKAN's Solr schema indexes unknown keys through the single-valued `*` string
# field; the multi-valued `vocab_*` string field lets each dimension facet on its own.
DIMENSION_FIELD = "vocab_dimensi"
# A `*_date` key is a Solr date, so the catalog can be sorted by last pipeline run.
LAST_RUN_FIELD = "last_run_date"

# Search parameter -> dataset field whose choices label its facet items.
FACET_CHOICE_FIELDS = {
    DIMENSION_FIELD: "dimensi",
    "frekuensi": "frekuensi",
    "tingkat_penyajian": "tingkat_penyajian",
    "quality_grade": "quality_grade",
}


def facet_titles() -> list[tuple[str, str]]:
    _ = tk._
    return [
        (DIMENSION_FIELD, _("Smart city dimension")),
        ("organization", _("Data producer")),
        ("frekuensi", _("Update frequency")),
        ("tingkat_penyajian", _("Presentation level")),
        ("quality_grade", _("Quality grade")),
        ("res_format", _("Formats")),
    ]


def dataset_facets(facets: OrderedDict[str, Any]) -> OrderedDict[str, Any]:
    ours = OrderedDict(facet_titles())
    for key, title in facets.items():
        if key not in ours and key not in ("groups", "license_id"):
            ours[key] = title
    return ours


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    dims = catalog_summary.dataset_dimensions(pkg_dict)
    pkg_dict.pop("dimensi", None)
    if dims:
        pkg_dict[DIMENSION_FIELD] = dims
    last_run = freshness.parse_timestamp(pkg_dict.get("last_run_at"))
    if last_run is not None:
        pkg_dict[LAST_RUN_FIELD] = last_run.replace(microsecond=0).isoformat() + "Z"
    return pkg_dict


def label_facet_items(search_results: dict[str, Any]) -> dict[str, Any]:
    """Show choice labels (in the current language) instead of stored values."""
    facets = search_results.get("search_facets") or {}
    lang = vocab.current_lang()
    for key, field_name in FACET_CHOICE_FIELDS.items():
        if key not in facets:
            continue
        choices = {c["value"]: c for c in vocab.dataset_choices(field_name)}
        for item in facets[key].get("items", []):
            choice = choices.get(item.get("name"))
            if choice is not None:
                item["display_name"] = vocab.label(choice, lang)
    return search_results
