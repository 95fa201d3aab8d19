"""The one mapping from a contract to its CKAN dataset, and the frequency table.

The mapping is data, in ``schemas/contract.schema.json``: every contract key the catalog
shows carries ``x-ckan``, the ckanext-tangerang (scheming) dataset field it is published in,
and, when the DCAT output states it, ``x-dcat``, the property path the extension's
``tangerang_sdi`` profile states it with (``dct:temporal/dcat:startDate``; the prefixes are
in ``x-dcat-prefixes``). `catalog_keys` walks those annotations, so this module lists no
key itself; a key without a value is published as ``""``, which clears it in CKAN.

The CKAN fields that are not one contract value are built here: ``name`` and
``contract_id`` (the contract id), ``notes`` (the description, plus a note on sample
data), ``license_id``, ``tags`` (plus ``contoh-data`` on sample data) and
``source_system``.

``schemas/frequencies.yaml`` gives each ``frequency`` its period (`period_days`), which
the engine passes to the quality score.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from tangerang_hub.contracts import SCHEMAS_DIR, Contract, contract_schema

FREQUENCIES_PATH = SCHEMAS_DIR / "frequencies.yaml"

SAMPLE_TAG = "contoh-data"
SAMPLE_NOTE = (
    "\n\n---\n**Data contoh.** Dataset ini berisi data contoh untuk demonstrasi hub, "
    "bukan data resmi. *Sample data for demonstration, not official figures.*"
)
# Contract license -> CKAN license id; any other value is used as it is.
LICENSE_IDS = {"CC-BY-4.0": "cc-by"}


@dataclass(frozen=True)
class CatalogKey:
    """One contract key the catalog shows."""

    path: tuple[str, ...]  # in the contract, e.g. ("sdi", "cakupan_waktu", "mulai")
    ckan: str  # the scheming dataset field, e.g. "cakupan_waktu_mulai"
    dcat: str | None  # DCAT property path, e.g. "dct:temporal/dcat:startDate"; None: not stated

    @property
    def name(self) -> str:
        """The key as a steward writes it: ``sdi.cakupan_waktu.mulai``."""
        return ".".join(self.path)


@dataclass(frozen=True)
class Frequency:
    """One row of ``schemas/frequencies.yaml``."""

    days: int | None  # longest normal gap between two updates; None: no promise
    dcat: str  # EU frequency authority code (dct:accrualPeriodicity)


@functools.cache
def catalog_keys() -> tuple[CatalogKey, ...]:
    """Every contract key with an ``x-ckan`` annotation, in schema order."""
    return tuple(_annotated(contract_schema()["properties"], ()))


def _annotated(properties: Mapping[str, Any], prefix: tuple[str, ...]) -> Iterator[CatalogKey]:
    for name, spec in properties.items():
        path = (*prefix, name)
        if "x-ckan" in spec:
            yield CatalogKey(path, spec["x-ckan"], spec.get("x-dcat"))
        elif isinstance(spec.get("properties"), Mapping):
            yield from _annotated(spec["properties"], path)


def sdi_keys() -> tuple[str, ...]:
    """The SDI keys a contract may set (``sdi.<key>``), in schema order."""
    return tuple(contract_schema()["properties"]["sdi"]["properties"])


def dcat_prefixes() -> dict[str, str]:
    """Prefix -> namespace IRI of the ``x-dcat`` property paths."""
    return dict(contract_schema()["x-dcat-prefixes"])


def contract_value(contract: Contract, key: CatalogKey) -> Any:
    """The contract's value at ``key.path``; None when the contract does not set it."""
    head, *rest = key.path
    value: Any = getattr(contract, head)
    for part in rest:
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _ckan_value(value: Any) -> Any:
    if value is None:
        return ""
    return list(value) if isinstance(value, tuple) else value


def dataset_metadata(contract: Contract) -> dict[str, Any]:
    """The CKAN dataset fields a contract defines (not the lineage fields)."""
    tags = [{"name": tag} for tag in contract.tags]
    notes = contract.description.strip()
    if contract.sample:
        tags.append({"name": SAMPLE_TAG})
        notes += SAMPLE_NOTE
    return {
        "name": contract.id,
        **{key.ckan: _ckan_value(contract_value(contract, key)) for key in catalog_keys()},
        "notes": notes,
        "license_id": LICENSE_IDS.get(contract.license, contract.license),
        "tags": tags,
        "contract_id": contract.id,
        "source_system": f"{contract.source.type}:{contract.source.conn_id or ''}"
        f"{contract.source.params.get('path', '')}",
    }


@functools.cache
def frequencies() -> dict[str, Frequency]:
    """``schemas/frequencies.yaml``: frequency -> its period and DCAT code."""
    table = yaml.safe_load(FREQUENCIES_PATH.read_text(encoding="utf-8"))
    return {name: Frequency(days=row["days"], dcat=row["dcat"]) for name, row in table.items()}


def period_days(frequency: str) -> int | None:
    """Days of one update period of ``frequency``; None for tidak_tentu (no promise)."""
    try:
        return frequencies()[frequency].days
    except KeyError:
        raise ValueError(f"unknown frequency {frequency!r}") from None


__all__ = [
    "SAMPLE_TAG",
    "CatalogKey",
    "Frequency",
    "catalog_keys",
    "contract_schema",
    "contract_value",
    "dataset_metadata",
    "frequencies",
    "period_days",
    "sdi_keys",
]
