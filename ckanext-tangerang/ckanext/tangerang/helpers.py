"""Template helpers (all prefixed ``tangerang_``)."""

from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.tangerang import catalog_summary, freshness, run_messages, search, vocab

log = logging.getLogger(__name__)

GRADE_CLASSES = {"A": "success", "B": "success", "C": "warning", "D": "danger", "E": "danger"}
VALIDATION_CLASSES = {"passed": "success", "warning": "warning", "failed": "danger"}


def tangerang_choice_label(field_name: str, value: Any) -> str:
    """Label of a dataset field's choice in the current language (the value if unknown)."""
    lang = vocab.current_lang()
    for choice in vocab.dataset_choices(field_name):
        if choice["value"] == value:
            return vocab.label(choice, lang)
    return "" if value is None else str(value)


def tangerang_freshness(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Freshness of a dataset: ``status``, a translated ``label``, ``css`` and ``due_at``."""
    _ = tk._
    status = freshness.status(
        pkg_dict.get("frekuensi"), pkg_dict.get("last_run_at"), grace=catalog_summary.grace()
    )
    labels = {
        freshness.ON_TIME: (_("On time"), "success"),
        freshness.LATE: (_("Late"), "danger"),
        freshness.NO_RUN: (_("Not yet updated by the pipeline"), "secondary"),
        freshness.IRREGULAR: (_("Irregular schedule"), "info"),
    }
    label, css = labels[status]
    return {
        "status": status,
        "label": label,
        "css": css,
        "last_run_at": freshness.parse_timestamp(pkg_dict.get("last_run_at")),
        "due_at": freshness.due_at(pkg_dict.get("frekuensi"), pkg_dict.get("last_run_at")),
    }


def tangerang_grade_css(grade: str | None) -> str:
    return GRADE_CLASSES.get(grade or "", "secondary")


def tangerang_validation_css(status: str | None) -> str:
    return VALIDATION_CLASSES.get(status or "", "secondary")


def tangerang_data_dictionary(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """Columns of a DataStore resource with their label and notes; empty without DataStore."""
    if not resource.get("datastore_active"):
        return []
    try:
        info = tk.get_action("datastore_info")({}, {"id": resource["id"]})
    # KeyError: the datastore plugin is not enabled.
    except (KeyError, tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError) as exc:
        log.debug("no data dictionary for %s: %s", resource.get("id"), exc)
        return []
    return [
        {
            "id": field["id"],
            "type": (field.get("info") or {}).get("type_override") or field.get("type"),
            "label": (field.get("info") or {}).get("label") or "",
            "notes": (field.get("info") or {}).get("notes") or "",
        }
        for field in info.get("fields", [])
        if not field["id"].startswith("_")
    ]


def tangerang_recent_runs(package_id: str) -> list[dict[str, Any]]:
    """The latest pipeline runs of a dataset that the current user may see."""
    try:
        return tk.get_action("tangerang_run_report_list")(
            {},
            {
                "package_id": package_id,
                "limit": tk.config.get("ckanext.tangerang.dataset_page_runs"),
            },
        )
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return []


def tangerang_run_message(run: dict[str, Any]) -> str:
    """A run's message in the current language, from its ``validation.message_code`` and
    ``message_params`` when the catalog knows the code; else the text the pipeline sent."""
    validation = run.get("validation") or {}
    text = run_messages.render(validation.get("message_code"), validation.get("message_params"))
    return text if text is not None else (run.get("message") or "")


def tangerang_dimension_summary() -> dict[str, Any]:
    """Per-dimension counts for the home page, computed at most once per
    ``ckanext.tangerang.home_summary_cache_seconds`` per language (0: every time)."""
    return catalog_summary.cached(
        vocab.current_lang(),
        tk.config.get("ckanext.tangerang.home_summary_cache_seconds"),
        lambda: tk.get_action("tangerang_dimension_summary")({}, {}),
    )


def tangerang_dimension_facet() -> str:
    return search.DIMENSION_FIELD
