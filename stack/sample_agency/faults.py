"""Routes that misbehave on purpose, for connector tests (``/test/...``)."""

from __future__ import annotations

import json
import threading
from collections import Counter

from replies import Reply, first, json_reply

PREFIX = "/test/"
_seen: Counter[str] = Counter()
_lock = threading.Lock()
PAYLOAD = {
    "data": [{"id": 1, "nama": "Cipondoh", "nilai": 10}, {"id": 2, "nama": "Pinang", "nilai": 12}]
}


def _count(route: str, key: str) -> int:
    with _lock:
        _seen[f"{route}:{key}"] += 1
        return _seen[f"{route}:{key}"]


def _raw(status: int, body: bytes, content_type: str = "application/json", **headers: str) -> Reply:
    return Reply(status, body, content_type, dict(headers), conditional=False)


def handle(
    path: str, query: dict[str, list[str]], headers: dict[str, str] | None = None
) -> Reply | tuple[Reply, int] | None:
    """A reply, or (reply, declared length) for a body cut short on the wire."""
    if not path.startswith(PREFIX):
        return None
    route = path[len(PREFIX) :]
    key = first(query, "id", "default") or "default"
    if route == "echo-headers":
        return _raw(200, json.dumps({"headers": headers or {}}).encode())
    if route == "retry-once":
        if _count(route, key) == 1:
            return json_reply({"message": "Too Many Requests"}, 429, {"Retry-After": "1"})
        return json_reply(PAYLOAD)
    if route == "unavailable-once":
        if _count(route, key) == 1:
            return _raw(503, b"<html><body>503 Service Unavailable</body></html>", "text/html")
        return json_reply(PAYLOAD)
    if route == "always-429":
        return json_reply({"message": "Too Many Requests"}, 429, {"Retry-After": "3600"})
    if route == "truncated.json":
        # A proxy cut the body but the length matches what was sent.
        return _raw(200, b'{"data": [{"id": 1, "nama": "Cipondoh", "nilai": 10}, {"id": 2, "na')
    if route == "short-body.json":
        body = b'{"data": [{"id": 1, "nama": "Cipondoh"'
        return _raw(200, body), len(body) + 200
    if route == "html.json":
        return _raw(200, b"<html><body>Gateway error</body></html>", "text/html")
    if route == "large.csv":
        size = int(first(query, "bytes", "1000000") or "1000000")
        line = b"kode,nama,nilai\n" + b"36.71.01,Tangerang,1\n" * max(1, size // 22)
        return _raw(200, line, "text/csv")
    return json_reply({"message": "unknown test route"}, 404)
