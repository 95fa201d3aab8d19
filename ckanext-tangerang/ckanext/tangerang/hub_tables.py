"""The tables the catalog shares with the hub engine, read from the hub's ``schemas/``.

The extension never imports the engine; it reads the same files:

- ``frequencies.yaml``: the period (days) and EU frequency code of every ``frekuensi``;
- ``run_statuses.yaml``: the statuses of a pipeline run and their labels;
- ``contract.schema.json``: the dataset contract, whose ``x-ckan``/``x-dcat`` annotations map
  each contract key to a dataset field of ``schemas/dataset.yaml`` and a DCAT property.

The directory is the option ``ckanext.tangerang.schemas_dir``; unset, it is the
``schemas/`` of the repository checkout this package is installed from (an editable
install). The Docker image copies ``schemas/`` and sets the option.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import yaml
from ckan.plugins import toolkit as tk

# ckanext-tangerang/ckanext/tangerang/hub_tables.py -> <checkout>/schemas
CHECKOUT_SCHEMAS_DIR = Path(__file__).resolve().parents[3] / "schemas"


def schemas_dir() -> Path:
    """The hub's ``schemas/`` directory."""
    return Path(tk.config.get("ckanext.tangerang.schemas_dir") or CHECKOUT_SCHEMAS_DIR)


@functools.cache
def _load(path: Path) -> Any:
    with open(path, encoding="utf-8") as f:
        return json.load(f) if path.suffix == ".json" else yaml.safe_load(f)


def table(name: str) -> Any:
    """One file of the hub's ``schemas/``, parsed (read once per process and directory)."""
    return _load(schemas_dir() / name)


def frequencies() -> dict[str, dict[str, Any]]:
    """``frequencies.yaml``: frequency -> ``{"days": int | None, "dcat": "MONTHLY"...}``."""
    return table("frequencies.yaml")


def run_statuses() -> dict[str, dict[str, Any]]:
    """``run_statuses.yaml``: status -> ``{"ok": bool, "label": {"id": ..., "en": ...}}``."""
    return table("run_statuses.yaml")


def run_status_label(status: str, lang: str) -> str:
    """The label of a run status in ``lang`` (Bahasa Indonesia by default); unknown: itself."""
    row = run_statuses().get(status)
    if row is None:
        return status
    return row["label"].get(lang) or row["label"]["id"]


def contract_schema() -> dict[str, Any]:
    """``contract.schema.json``, the hub's dataset contract."""
    return table("contract.schema.json")
