"""Shaping of JSON records shared by the JSON connectors: find, flatten, rename, filter."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tangerang_hub.sources.base import SourceError
from tangerang_quality.texts import say

COMMON_RECORD_KEYS = ("data", "records", "items", "results", "result")


def at_path(document: Any, path: str | None) -> Any:
    """The value at a dotted path (``result.items``, ``data.0.rows``); None when absent."""
    if not path:
        return document
    node = document
    for part in path.split("."):
        if isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def find_records(document: Any, path: str | None, url: str) -> list[dict[str, Any]]:
    """The list of objects at `path`, or in a usual envelope key when no path is given."""
    if path:
        found = at_path(document, path)
    elif isinstance(document, list):
        found = document
    else:
        found = next(
            (
                document[key]
                for key in COMMON_RECORD_KEYS
                if isinstance(document, Mapping) and isinstance(document.get(key), list)
            ),
            None,
        )
    if not isinstance(found, list):
        where = (
            say("di {path!r}", "at {path!r}", path=path)
            if path
            else say("(isi source.params.records)", "(give source.params.records)")
        )
        raise SourceError(
            say(
                "tidak ada daftar record {where} dalam jawaban dari {url}",
                "no list of records {where} in the response from {url}",
                where=where,
                url=url,
            ),
            url=url,
        )
    bad = next((i for i, r in enumerate(found) if not isinstance(r, Mapping)), None)
    if bad is not None:
        raise SourceError(
            say(
                "record {bad} {path} dari {url} bukan objek",
                "record {bad} {path} from {url} is not an object",
                bad=bad,
                path=path or "",
                url=url,
            ),
            url=url,
        )
    return [dict(r) for r in found]


def flatten(record: Mapping[str, Any], separator: str = "_", prefix: str = "") -> dict[str, Any]:
    """``{"lokasi": {"kode": 1}}`` -> ``{"lokasi_kode": 1}``; lists are kept as values."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{separator}{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            flat.update(flatten(value, separator, name))
        else:
            flat[name] = value
    return flat


def shape(records: list[dict[str, Any]], params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Apply the contract's optional ``flatten``, ``exclude`` and ``columns`` params."""
    if params.get("flatten", True):
        records = [flatten(r) for r in records]
    exclude: Mapping[str, str] = params.get("exclude") or {}
    patterns = {column: re.compile(rx, re.IGNORECASE) for column, rx in exclude.items()}
    if patterns:
        records = [
            r
            for r in records
            if not any(rx.search(str(r.get(c) or "")) for c, rx in patterns.items())
        ]
    renames: Mapping[str, str] = params.get("columns") or {}
    if renames:
        records = [{renames.get(k, k): v for k, v in r.items()} for r in records]
    return records
