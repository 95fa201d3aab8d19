"""Routes that misbehave on purpose, for connector tests (``/test/...``), and scripted faults
that any route takes on, one script per test (``?fault=KEY``).

Scripted faults::

    GET /test/faults?id=KEY&steps=500,429:2,hang:3,short   set KEY's script (replaces it)
    GET /test/faults?id=KEY                                KEY's steps left and its hits

A request to any other route with ``fault=KEY`` in its query takes the next step of KEY's
script; once none is left it is served as usual. Every such request is a hit, recorded with
its time (``time.time()``) and the step it took (``serve`` once the script is done). Steps:

- a status (``500``, ``503``...): that status with a small HTML body;
- ``429:S``: 429 Too Many Requests with ``Retry-After: S``;
- ``hang:S``: no answer for S seconds, then the connection is closed without one;
- ``short``: the route's real reply with half its body sent and the whole length declared,
  then the connection is closed (a body cut on the wire);
- ``cut``: the route's real reply cut in the middle of a line, with a Content-Length that
  matches what is sent (a proxy or an export that cut the file).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass

from replies import Reply, first, json_reply

PREFIX = "/test/"
CONTROL = "/test/faults"
_seen: Counter[str] = Counter()
_lock = threading.Lock()
PAYLOAD = {
    "data": [{"id": 1, "nama": "Cipondoh", "nilai": 10}, {"id": 2, "nama": "Pinang", "nilai": 12}]
}


@dataclass(frozen=True)
class Step:
    """One scripted misbehaviour: `kind` is ``status``, ``hang``, ``short``, ``cut`` or
    ``serve`` (no fault left); `value` the status code or the seconds."""

    kind: str
    value: int = 0
    text: str = ""


_scripts: dict[str, list[Step]] = {}
_hits: dict[str, list[dict[str, object]]] = {}


def parse_step(text: str) -> Step:
    """``500``, ``429:S``, ``hang:S``, ``short`` or ``cut``; ValueError otherwise."""
    name, _, arg = text.strip().partition(":")
    if name in ("short", "cut") and not arg:
        return Step(name, 0, text)
    if name == "hang":
        return Step("hang", int(arg), text)
    status = int(name)
    if not 400 <= status <= 599:
        raise ValueError(f"not an error status: {text!r}")
    if status == 429:
        return Step("status", 429, f"429:{int(arg or 1)}")
    if arg:
        raise ValueError(f"only 429 takes a Retry-After: {text!r}")
    return Step("status", status, text)


def control(query: dict[str, list[str]]) -> Reply:
    """``/test/faults``: set a script (with ``steps``) or show one."""
    key = first(query, "id")
    if not key:
        return json_reply({"message": "id is required"}, 400)
    steps_text = first(query, "steps")
    with _lock:
        if steps_text is not None:
            try:
                steps = [parse_step(s) for s in steps_text.split(",") if s.strip()]
            except ValueError as exc:
                return json_reply({"message": str(exc)}, 400)
            _scripts[key] = steps
            _hits[key] = []
        left = [s.text for s in _scripts.get(key, [])]
        hits = list(_hits.get(key, []))
    return _raw(200, json.dumps({"id": key, "steps": left, "hits": hits}).encode())


def take(query: dict[str, list[str]]) -> Step | None:
    """The step a request with ``fault=KEY`` takes (recorded as a hit); None without one."""
    key = first(query, "fault")
    if not key:
        return None
    with _lock:
        script = _scripts.setdefault(key, [])
        step = script.pop(0) if script else Step("serve", 0, "serve")
        _hits.setdefault(key, []).append({"at": time.time(), "step": step.text})
    return step


def status_reply(step: Step) -> Reply:
    """The reply of a ``status`` step."""
    if step.value == 429:
        seconds = step.text.partition(":")[2] or "1"
        return json_reply({"message": "Too Many Requests"}, 429, {"Retry-After": seconds})
    body = f"<html><body>{step.value} Internal fault</body></html>".encode()
    return _raw(step.value, body, "text/html")


def cut_body(body: bytes) -> bytes:
    """`body` cut in the middle of the line that holds its middle byte, after that line's
    first field separator when it has one: the last line is left incomplete."""
    middle = len(body) // 2
    start = body.rfind(b"\n", 0, middle) + 1
    end = body.find(b"\n", middle)
    end = len(body) if end < 0 else end
    line = body[start:end]
    for separator in (b";", b",", b"\t"):
        if separator in line:
            return body[: start + line.index(separator) + 1]
    return body[: start + max(1, len(line) // 2)]


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
    if path == CONTROL:
        return control(query)
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
