"""The datasets the home page lists: the newest, and the most used.

"Most used" is what the catalog's own usage counters (``usage``) measured over the last
``USAGE_DAYS`` days (WIB): downloads plus DataStore reads, then page views, as the
statistics page ranks them (``basis`` ``"usage"``). Before anything is counted, the list
is the best-graded datasets (``quality_grade`` A first), the most recently updated by the
pipeline first, and the page says so (``basis`` ``"quality"``). Only public, active
datasets are listed.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.tangerang import usage

NEWEST_SORT = "metadata_created desc"
QUALITY_SORT = "quality_grade asc, last_run_date desc, metadata_modified desc"
USAGE = "usage"
QUALITY = "quality"
USAGE_DAYS = 30


def _summary(pkg: dict[str, Any]) -> dict[str, Any]:
    """What a home page card shows of a dataset (kept small: it is cached)."""
    formats = sorted({(r.get("format") or "").upper() for r in pkg.get("resources") or []} - {""})
    return {
        "id": pkg["id"],
        "name": pkg["name"],
        "title": pkg.get("title") or pkg["name"],
        "notes": pkg.get("notes") or "",
        "organization_title": (pkg.get("organization") or {}).get("title") or "",
        "metadata_created": pkg.get("metadata_created"),
        "last_run_at": pkg.get("last_run_at"),
        "quality_grade": pkg.get("quality_grade"),
        "row_count": pkg.get("row_count"),
        "formats": formats,
    }


def _search(sort: str, rows: int, fq: str = "") -> list[dict[str, Any]]:
    result = tk.get_action("package_search")(
        {"ignore_auth": True, "user": ""},
        {
            "q": "*:*",
            "fq": f"+dataset_type:dataset {fq}".strip(),
            "include_private": False,
            "sort": sort,
            "rows": rows,
        },
    )
    return [_summary(pkg) for pkg in result["results"]]


def _most_used(rows: int) -> list[dict[str, Any]]:
    """The ``rows`` most used public datasets of the last ``USAGE_DAYS`` days, each with its
    ``uses`` (downloads + DataStore reads) and ``views``; empty when nothing was counted."""
    ranked = usage.statistics(*usage.period(days=USAGE_DAYS), top=0)["datasets"][:rows]
    if not ranked:
        return []
    ids = " OR ".join(f'"{d["id"]}"' for d in ranked)
    found = {d["id"]: d for d in _search(NEWEST_SORT, rows, fq=f"+id:({ids})")}
    return [
        {
            **found[d["id"]],
            "uses": d["counts"][usage.DOWNLOAD] + d["counts"][usage.API],
            "views": d["counts"][usage.VIEW],
        }
        for d in ranked
        if d["id"] in found
    ]


def lists(rows: int) -> dict[str, Any]:
    """``{"newest": [...], "most_used": [...], "basis": "usage" | "quality"}``, ``rows`` each."""
    most_used = _most_used(rows)
    return {
        "newest": _search(NEWEST_SORT, rows),
        "most_used": most_used or _search(QUALITY_SORT, rows),
        "basis": USAGE if most_used else QUALITY,
    }
