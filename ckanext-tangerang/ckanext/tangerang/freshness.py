"""Is a dataset up to date for its declared update frequency?"""

from __future__ import annotations

import datetime as dt
from typing import Any

# Longest normal gap between two updates; a month or a quarter is taken at its longest.
EXPECTED_INTERVAL: dict[str, dt.timedelta | None] = {
    "harian": dt.timedelta(days=1),
    "mingguan": dt.timedelta(days=7),
    "bulanan": dt.timedelta(days=31),
    "triwulanan": dt.timedelta(days=92),
    "semesteran": dt.timedelta(days=184),
    "tahunan": dt.timedelta(days=366),
    "tidak_tentu": None,
}

ON_TIME = "on_time"
LATE = "late"
NO_RUN = "no_run"
IRREGULAR = "irregular"
STATUSES = (ON_TIME, LATE, NO_RUN, IRREGULAR)


def parse_timestamp(value: Any) -> dt.datetime | None:
    """Parse an ISO timestamp into naive UTC; ``None`` when absent or unreadable."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str) and value:
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def status(
    frequency: str | None,
    last_run_at: Any,
    now: dt.datetime | None = None,
    grace: dt.timedelta = dt.timedelta(0),
) -> str:
    """One of ``on_time``, ``late``, ``no_run`` (never reported) or ``irregular``."""
    last = parse_timestamp(last_run_at)
    if last is None:
        return NO_RUN
    interval = EXPECTED_INTERVAL.get(frequency or "")
    if interval is None:
        return IRREGULAR
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return ON_TIME if now - last <= interval + grace else LATE


def due_at(frequency: str | None, last_run_at: Any) -> dt.datetime | None:
    """When the next update is expected, or ``None`` when there is no schedule."""
    last = parse_timestamp(last_run_at)
    interval = EXPECTED_INTERVAL.get(frequency or "")
    if last is None or interval is None:
        return None
    return last + interval
