"""The shrink guard: an empty or much smaller batch never replaces a published dataset.

A broken export (only the header line, a filter left on, half a file) validates perfectly
well: every row it has is fine. So before publishing, the batch's row count is compared with
the published version's (`row_count` on the CKAN dataset):

- a batch with 0 rows is refused, whether or not a version was published;
- a batch with fewer rows than ``publish.shrink_ratio`` (default 0.5) of the published version
  is refused (a ratio of 0 turns that check off).

A refused batch is quarantined and the last good version stays. A steward who knows the data
really shrank accepts it on purpose (``hub run --accept-shrink``, or the DAG's
``accept_shrink`` param); the run report records the acceptance.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tangerang_hub.contracts import Contract


def published_rows(package: Mapping[str, Any] | None) -> int | None:
    """Rows of the published version, or None when nothing is published."""
    if not package or package.get("state") != "active" or not package.get("sha256"):
        return None
    try:
        return int(package.get("row_count"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def check(
    contract: Contract, rows: int, package: Mapping[str, Any] | None
) -> tuple[str, dict[str, Any]] | None:
    """None when `rows` may replace the published version, else the refusal as a message
    code of `tangerang_hub.messages` and its parameters."""
    previous = published_rows(package)
    if rows == 0:
        return "empty", {}
    ratio = contract.shrink_ratio
    if previous and ratio > 0 and rows < ratio * previous:
        return "shrunk", {"previous": previous, "rows": rows, "ratio": round(100 * ratio)}
    return None
