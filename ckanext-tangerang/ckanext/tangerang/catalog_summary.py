"""Counts of public datasets per dimension and per producer, with freshness and quality."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.tangerang import freshness, vocab

PAGE_SIZE = 1000
ORG_PAGE_SIZE = 25  # CKAN caps organization_list with all_fields at 25 by default


# Home page summaries per key (the language): (time.monotonic() computed, summary).
# One cache per web process; it holds only public counts, so every visitor shares it.
_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_cache_lock = threading.Lock()


def cached(key: str, ttl: float, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``compute()``, reused for ``ttl`` seconds per ``key``; ``ttl <= 0`` disables the cache."""
    if ttl <= 0:
        return compute()
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and now - hit[0] < ttl:
            return hit[1]
    value = compute()
    with _cache_lock:
        _cache[key] = (now, value)
    return value


def clear_cache() -> None:
    """Forget the cached summaries (tests; after a bulk import)."""
    with _cache_lock:
        _cache.clear()


class _Tally:
    def __init__(self) -> None:
        self.count = 0
        self.freshness = dict.fromkeys(freshness.STATUSES, 0)
        self._scores: list[float] = []

    def add(self, fresh: str, score: float | None) -> None:
        self.count += 1
        self.freshness[fresh] += 1
        if score is not None:
            self._scores.append(score)

    def as_dict(self) -> dict[str, Any]:
        average = round(sum(self._scores) / len(self._scores), 1) if self._scores else None
        return {
            "dataset_count": self.count,
            "freshness": dict(self.freshness),
            "average_quality_score": average,
        }


def _public_datasets() -> Iterator[dict[str, Any]]:
    search = tk.get_action("package_search")
    start = 0
    while True:
        result = search(
            {"ignore_auth": True, "user": ""},
            {
                "q": "*:*",
                "fq": "+dataset_type:dataset",
                "include_private": False,
                "rows": PAGE_SIZE,
                "start": start,
            },
        )
        yield from result["results"]
        start += PAGE_SIZE
        if start >= result["count"]:
            return


def _organizations() -> Iterator[dict[str, Any]]:
    org_list = tk.get_action("organization_list")
    offset = 0
    while True:
        page = org_list(
            {"ignore_auth": True},
            {
                "all_fields": True,
                "include_extras": True,
                "limit": ORG_PAGE_SIZE,
                "offset": offset,
            },
        )
        yield from page
        if len(page) < ORG_PAGE_SIZE:
            return
        offset += ORG_PAGE_SIZE


def dataset_dimensions(pkg: dict[str, Any]) -> list[str]:
    value = pkg.get("dimensi") or []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = [value]
    return [v for v in value if isinstance(v, str)]


def _score(pkg: dict[str, Any]) -> float | None:
    try:
        return float(pkg["quality_score"])
    except (KeyError, TypeError, ValueError):
        return None


def grace() -> dt.timedelta:
    return dt.timedelta(hours=tk.config.get("ckanext.tangerang.freshness_grace_hours"))


def summarize(dimension: str | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    dimension_names = [d for d in vocab.dataset_values("dimensi") if dimension in (None, d)]
    by_dimension = {name: _Tally() for name in dimension_names}
    organizations = {org["name"]: org for org in _organizations()}
    by_org = {
        name: _Tally()
        for name, org in organizations.items()
        if org.get("org_type") in vocab.BOT_ORG_TYPES
    }
    total = _Tally()

    for pkg in _public_datasets():
        dims = [d for d in dataset_dimensions(pkg) if d in by_dimension]
        if dimension and not dims:
            continue
        fresh = freshness.status(pkg.get("frekuensi"), pkg.get("last_run_at"), now, grace())
        score = _score(pkg)
        total.add(fresh, score)
        for name in dims:
            by_dimension[name].add(fresh, score)
        org_name = (pkg.get("organization") or {}).get("name")
        if org_name:
            by_org.setdefault(org_name, _Tally()).add(fresh, score)

    choices = {c["value"]: c for c in vocab.dataset_choices("dimensi")}
    return {
        "generated_at": now.isoformat() + "Z",
        "total": total.as_dict(),
        "dimensions": [
            {
                "name": name,
                "title": choices[name]["label"],
                **by_dimension[name].as_dict(),
            }
            for name in dimension_names
        ],
        "organizations": [
            {
                "name": name,
                "title": organizations.get(name, {}).get("title") or name,
                "org_type": organizations.get(name, {}).get("org_type"),
                **tally.as_dict(),
            }
            for name, tally in sorted(by_org.items())
        ],
    }
