"""Is a dataset up to date for its declared update frequency?

The expected interval of each frequency is its period in the hub's ``schemas/frequencies.yaml``
(the longest normal gap between two updates), the same the quality score uses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ckanext.tangerang import hub_tables

ON_TIME = "on_time"
LATE = "late"
NO_RUN = "no_run"
IRREGULAR = "irregular"
STATUSES = (ON_TIME, LATE, NO_RUN, IRREGULAR)


def expected_interval(frequency: str | None) -> dt.timedelta | None:
    """The longest normal gap between two updates; None: unknown or no period promised."""
    row = hub_tables.frequencies().get(frequency or "")
    days = row["days"] if row else None
    return None if days is None else dt.timedelta(days=days)


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
    interval = expected_interval(frequency)
    if interval is None:
        return IRREGULAR
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return ON_TIME if now - last <= interval + grace else LATE


def due_at(frequency: str | None, last_run_at: Any) -> dt.datetime | None:
    """When the next update is expected, or ``None`` when there is no schedule."""
    last = parse_timestamp(last_run_at)
    interval = expected_interval(frequency)
    if last is None or interval is None:
        return None
    return last + interval
