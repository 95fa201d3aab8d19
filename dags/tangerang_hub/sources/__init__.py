"""Connectors: one Airflow-style hook per source type, picked by `get_hook(source)`.

Hook modules are imported on demand so the engine does not load openpyxl or SQLAlchemy
for a contract that does not need them.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol

from tangerang_hub.sources.base import RawBatch, SourceError, SourceHook
from tangerang_quality.texts import say

__all__ = ["HOOKS", "RawBatch", "SourceError", "SourceHook", "get_hook", "hook_class"]

HOOKS: dict[str, str] = {
    "http_csv": "tangerang_hub.sources.http_csv:HttpCsvHook",
    "http_json": "tangerang_hub.sources.http_json:HttpJsonHook",
    "bps": "tangerang_hub.sources.bps:BpsHook",
    "bmkg_forecast": "tangerang_hub.sources.bmkg:BmkgForecastHook",
    "bmkg_quake": "tangerang_hub.sources.bmkg:BmkgQuakeHook",
    "ckan": "tangerang_hub.sources.ckan:CkanHook",
    "excel": "tangerang_hub.sources.excel:ExcelHook",
    "sql": "tangerang_hub.sources.sql:SqlHook",
}


class SourceLike(Protocol):
    type: str
    conn_id: str | None
    params: Any


def hook_class(source_type: str) -> type[SourceHook]:
    try:
        module_name, class_name = HOOKS[source_type].split(":")
    except KeyError:
        known = ", ".join(sorted(HOOKS))
        raise SourceError(
            say(
                "jenis sumber {type!r} tidak dikenal; jenis yang dikenal: {known}",
                "unknown source type {type!r}; known types: {known}",
                type=source_type,
                known=known,
            )
        ) from None
    return getattr(importlib.import_module(module_name), class_name)


def get_hook(source: SourceLike) -> SourceHook:
    """The hook for a contract's `source` (type, conn_id, params)."""
    return hook_class(source.type)(conn_id=source.conn_id, params=source.params)
