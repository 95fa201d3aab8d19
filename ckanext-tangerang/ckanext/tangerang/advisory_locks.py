"""Session-level PostgreSQL advisory locks, named by text (``hashtextextended(name, 0)``).

The loader (``datastore_load``), the writes that wait for it (``datastore_writes``) and the
second half of a split COPY (``copy_halves``) all hold their locks through these three calls.
"""

from __future__ import annotations

import time
from typing import Any

POLL_S = 0.1


def try_lock(conn: Any, key: str, wait_s: float | None) -> bool:
    """Poll ``pg_try_advisory_lock`` until it succeeds or ``wait_s`` (None: no limit) passed.

    Each attempt is its own transaction. A blocking ``pg_advisory_lock`` would wait inside a
    transaction holding a snapshot, and ``CREATE INDEX CONCURRENTLY`` (the holder's index
    build) waits for every older snapshot: the two would deadlock.
    """
    deadline = None if wait_s is None else time.monotonic() + wait_s
    while True:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", (key,))
            (held,) = cur.fetchone()
        conn.commit()
        if held:
            return True
        if deadline is not None and time.monotonic() >= deadline:
            return False
        time.sleep(POLL_S)


def unlock(conn: Any, key: str) -> None:
    """Release a lock ``try_lock`` took (after ending whatever transaction ``conn`` is in)."""
    conn.rollback()
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (key,))
    conn.commit()
