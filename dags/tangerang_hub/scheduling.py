"""What every hub DAG shares: retry policy and the data-interval run key.

Kept free of Airflow imports so DAG files stay cheap to parse and the rules
can be tested without a scheduler.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

# Transient faults (network, a busy CKAN) get retried with exponential
# backoff; bad data and refusals are failed at once by the tasks themselves.
DEFAULT_ARGS: dict[str, Any] = {
    "owner": "walidata",
    "retries": 3,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
}


def interval_end(context: dict[str, Any]) -> datetime:
    """The end of the run's data interval in UTC (manual runs: their logical date)."""
    moment = (
        context.get("data_interval_end")
        or context.get("logical_date")
        or context["dag_run"].run_after
    )
    return moment.astimezone(UTC).replace(microsecond=0)


def run_key(context: dict[str, Any]) -> str:
    """A file-safe key for the interval: re-runs of it reuse the same files."""
    return interval_end(context).strftime("%Y%m%dT%H%M%SZ")
