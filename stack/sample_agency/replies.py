"""The reply type every route module returns, and small builders for it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    # Dynamic replies get an ETag from their body; fault routes opt out.
    conditional: bool = True


def json_reply(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Reply(status, body, "application/json", dict(headers or {}))


def first(query: dict[str, list[str]], name: str, default: str | None = None) -> str | None:
    values = query.get(name)
    return values[0] if values else default


def int_param(
    query: dict[str, list[str]], name: str, default: int, lo: int = 0, hi: int = 10_000
) -> int:
    raw = first(query, name)
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        value = default
    return max(lo, min(hi, value))
