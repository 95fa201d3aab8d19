"""Controlled vocabularies, read from the scheming schema so the YAML stays the only source."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
import yaml

SCHEMA_DIR = Path(__file__).parent / "schemas"

# Owners whose editors the pipeline bot joins.
BOT_ORG_TYPES = ("opd", "instansi_vertikal")


@functools.cache
def _schema(name: str) -> dict[str, Any]:
    with open(SCHEMA_DIR / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


def _field(schema: str, section: str, field_name: str) -> dict[str, Any]:
    for field in _schema(schema)[section]:
        if field["field_name"] == field_name:
            return field
    raise KeyError(field_name)


def dataset_choices(field_name: str) -> list[dict[str, Any]]:
    """The ``choices`` of a dataset field: ``[{"value": ..., "label": {"id": ..., "en": ...}}]``."""
    return _field("dataset.yaml", "dataset_fields", field_name)["choices"]


def dataset_values(field_name: str) -> tuple[str, ...]:
    return tuple(c["value"] for c in dataset_choices(field_name))


def organization_values(field_name: str) -> tuple[str, ...]:
    return tuple(c["value"] for c in _field("organization.yaml", "fields", field_name)["choices"])


def label(choice: dict[str, Any], lang: str) -> str:
    text = choice.get("label", choice["value"])
    if isinstance(text, dict):
        return text.get(lang) or text.get("id") or choice["value"]
    return text


def current_lang() -> str:
    """The language of the page being rendered; the site default outside a request."""
    try:
        return tk.h.lang() or tk.config.get("ckan.locale_default")
    except (RuntimeError, TypeError, AttributeError):
        # Outside a request (CLI, background job)
        return tk.config.get("ckan.locale_default")
