"""COPY a big CSV in two halves at once: PostgreSQL parses a COPY on one core.

The first half (the header and the rows up to a line break past the middle) goes into the
load's own stage, in the load's transaction; the second half, on a connection of its own,
into a second stage (``<stage>_2``) that this connection creates, fills and commits, so the
load's next statement can read it. Each stage numbers its rows from 1 as COPY reads them;
the load offsets the second half's by the first half's count.

The second stage is committed before the load's transaction ends, so the load drops it on
every way out, and a worker that died in between leaves it behind: while a load may still
use it, its connection holds the session-level advisory lock ``lock_key(table)``, and
``drop_orphans`` drops every second stage whose lock is free.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from psycopg2 import sql

from ckanext.tangerang import advisory_locks

# A smaller CSV is COPYed whole: the second connection and thread cost more than they save.
MIN_BYTES = 32 << 20
SUFFIX = "_2"
SCAN_BYTES = 1 << 20


def split_point(path: Path, min_bytes: int | None = None) -> int | None:
    """The offset where the second half starts: just past the first line break at or after
    the middle that lies outside quoted fields (an even number of ``"`` before it, as
    PostgreSQL's CSV mode counts them). None for a file under ``min_bytes`` (default
    ``MIN_BYTES``) or with no such line break before its last byte. (When the header runs
    past the middle, the first half is the header alone.)"""
    size = path.stat().st_size
    if size < (MIN_BYTES if min_bytes is None else min_bytes):
        return None
    middle, done, quotes = size // 2, 0, 0
    with path.open("rb") as fh:
        while done < middle:
            chunk = fh.read(min(SCAN_BYTES, middle - done))
            quotes += chunk.count(b'"')
            done += len(chunk)
        while chunk := fh.read(SCAN_BYTES):
            at = 0
            while (newline := chunk.find(b"\n", at)) >= 0:
                quotes += chunk.count(b'"', at, newline)
                at = newline + 1
                if quotes % 2 == 0:
                    start = done + at
                    return start if start < size else None
            quotes += chunk.count(b'"', at)
            done += len(chunk)
    return None


class Head:
    """The first ``limit`` bytes of a binary file, as ``copy_expert`` reads a file."""

    def __init__(self, fh: BinaryIO, limit: int) -> None:
        self._fh, self._left = fh, limit

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        size = self._left if size < 0 else min(size, self._left)
        data = self._fh.read(size)
        self._left -= len(data)
        return data


def lock_key(table: str) -> str:
    return f"tangerang_stage:{table}"


def drop_orphans(conn: Any, stage_prefix: str = "_tgc_") -> list[str]:
    """Drop the second stages no load holds (each in its own short transaction on ``conn``,
    which must not be in one); returns their names."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace ="
            " current_schema()::regnamespace AND relname LIKE %s AND relname LIKE %s",
            (stage_prefix.replace("_", r"\_") + "%", "%" + SUFFIX.replace("_", r"\_")),
        )
        candidates = [name for (name,) in cur.fetchall()]
    conn.commit()
    dropped = []
    for name in candidates:
        if advisory_locks.try_lock(conn, lock_key(name), 0):
            with conn.cursor() as cur:
                cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(name)))
            conn.commit()
            advisory_locks.unlock(conn, lock_key(name))
            dropped.append(name)
    return dropped


class SecondHalf:
    """The second half's COPY, run in a thread on its own connection ``conn`` (which it
    closes in ``close``): ``start`` runs the loader's own callback, which creates the stage and
    COPYs into it, so the columns and the COPY statement are the loader's."""

    def __init__(self, conn: Any, table: str) -> None:
        self.conn, self.table = conn, table
        self.rows: int | None = None
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None
        # A new table's name: no other session waits on it, so an unbounded wait is no risk.
        advisory_locks.try_lock(conn, lock_key(table), None)

    def start(self, fill: Callable[[Any], int]) -> None:
        """Run ``fill(cursor)`` (create the table and COPY into it; it returns the rows) and
        commit, in a thread."""

        def run() -> None:
            try:
                with self.conn.cursor() as cur:
                    self.rows = fill(cur)
                self.conn.commit()
            except BaseException as exc:  # handed to the loader's thread by `wait`
                self.error = exc
                self.conn.rollback()

        self._thread = threading.Thread(target=run, name=f"copy {self.table}", daemon=True)
        self._thread.start()

    def wait(self) -> int:
        """The second half's rows, once committed; its error, raised here."""
        assert self._thread is not None
        self._thread.join()
        if self.error is not None:
            raise self.error
        assert self.rows is not None
        return self.rows

    def cancel(self) -> None:
        """Stop a COPY still running (the first half failed) and wait for the thread."""
        if self._thread is not None and self._thread.is_alive():
            self.conn.cancel()
            self._thread.join()

    def close(self, drop: bool) -> None:
        """Drop the table when ``drop`` (the load failed: its transaction did not drop it),
        release the lock and close the connection."""
        try:
            if drop and not self.conn.closed:
                self.conn.rollback()
                with self.conn.cursor() as cur:
                    cur.execute(
                        sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(self.table))
                    )
                self.conn.commit()
        finally:
            self.conn.close()  # ends the session: its advisory lock goes with it
