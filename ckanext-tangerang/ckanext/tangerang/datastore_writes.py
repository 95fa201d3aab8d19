"""DataStore writes that wait for a running ``tangerang_datastore_load`` instead of being lost.

A load builds a new table from the file and swaps it in for the old one. A row written to the
old table meanwhile (``datastore_upsert``, ``datastore_delete`` with filters,
``datastore_run_triggers``) would vanish with it, a ``datastore_create`` or a table-dropping
``datastore_delete`` would be undone by the swap or deadlock with the index build, and a
``resource_delete`` would see its table come back. The chained actions in
``logic/action.py`` run those writes inside ``held``: the resource's advisory lock
(``datastore_load.lock_key``), waited for at most
``ckanext.tangerang.datastore_write_lock_wait_ms``; after that the caller gets a clear error
and nothing was changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import ckan.plugins.toolkit as tk

from ckanext.tangerang import advisory_locks, datastore_load

# The actions ``logic/action.py`` chains (``resource_delete``: the DataStore drops the table
# in its ``after_resource_delete``).
CHAINED_WRITES = (
    "datastore_create",
    "datastore_upsert",
    "datastore_delete",
    "datastore_run_triggers",
    "resource_delete",
)


@contextmanager
def held(resource_id: str, kind: str) -> Iterator[None]:
    """Hold the resource's lock ``kind`` (``load`` or ``rows``) while the block writes.

    The lock lives on a pooled connection of CKAN's DataStore write URL, not the one the
    action writes on. A connection whose unlock failed is closed instead of pooled: the
    server releases a session's locks when it ends.
    """
    from ckanext.datastore.backend.postgres import get_write_engine

    key = datastore_load.lock_key(resource_id, kind)
    wait_s = tk.config.get("ckanext.tangerang.datastore_write_lock_wait_ms") / 1000
    conn = get_write_engine().raw_connection()
    try:
        locked = advisory_locks.try_lock(conn, key, wait_s)
    except BaseException:
        conn.invalidate()
        raise
    if not locked:
        conn.close()
        raise tk.ValidationError({"resource_id": [busy_message(wait_s)]})
    try:
        yield
    finally:
        try:
            advisory_locks.unlock(conn, key)
        except Exception:
            conn.invalidate()
        else:
            conn.close()


def busy_message(wait_s: float) -> str:
    """Why a write was refused, in the request's language."""
    return tk._(
        "The resource's DataStore table is being reloaded (tangerang_datastore_load) and "
        "nothing was changed: the load held it for {seconds:g} s. Try again in a moment; "
        "tangerang_datastore_load_status shows where the load stands."
    ).format(seconds=wait_s)
