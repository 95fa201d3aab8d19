"""The datasets the home page lists: the newest, and the most used.

"Most used" is what the catalog can measure. With CKAN's ``tracking`` plugin loaded,
it is the views of the last 14 days (``views_recent``). Without it, the catalog
counts no use, and the list is the best-graded datasets (``quality_grade`` A
first), the most recently updated by the pipeline first; the page says so
(``basis`` ``"quality"``). Only public, active datasets are listed.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

NEWEST_SORT = "metadata_created desc"
VIEWS_SORT = "views_recent desc, metadata_modified desc"
QUALITY_SORT = "quality_grade asc, last_run_date desc, metadata_modified desc"
VIEWS = "views"
QUALITY = "quality"


def usage_basis() -> str:
    """``"views"`` when CKAN's tracking plugin counts page views, else ``"quality"``."""
    return VIEWS if p.plugin_loaded("tracking") else QUALITY


def _summary(pkg: dict[str, Any]) -> dict[str, Any]:
    """What a home page card shows of a dataset (kept small: it is cached)."""
    formats = sorted({(r.get("format") or "").upper() for r in pkg.get("resources") or []} - {""})
    return {
        "name": pkg["name"],
        "title": pkg.get("title") or pkg["name"],
        "notes": pkg.get("notes") or "",
        "organization_title": (pkg.get("organization") or {}).get("title") or "",
        "metadata_created": pkg.get("metadata_created"),
        "last_run_at": pkg.get("last_run_at"),
        "quality_grade": pkg.get("quality_grade"),
        "row_count": pkg.get("row_count"),
        "formats": formats,
        "views_recent": (pkg.get("tracking_summary") or {}).get("recent"),
    }


def _search(sort: str, rows: int) -> list[dict[str, Any]]:
    result = tk.get_action("package_search")(
        {"ignore_auth": True, "user": ""},
        {
            "q": "*:*",
            "fq": "+dataset_type:dataset",
            "include_private": False,
            "sort": sort,
            "rows": rows,
        },
    )
    return [_summary(pkg) for pkg in result["results"]]


def lists(rows: int) -> dict[str, Any]:
    """``{"newest": [...], "most_used": [...], "basis": "views" | "quality"}``, ``rows`` each."""
    basis = usage_basis()
    return {
        "newest": _search(NEWEST_SORT, rows),
        "most_used": _search(VIEWS_SORT if basis == VIEWS else QUALITY_SORT, rows),
        "basis": basis,
    }
