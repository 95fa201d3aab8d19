"""A test helper's loop in a thread of its own, for the span of a ``with`` block."""

from __future__ import annotations

import threading
from typing import Self


class InThread:
    """``run`` goes on in a daemon thread from ``__enter__`` until ``__exit__``; it loops while
    ``stopped()`` is False. ``join_timeout`` bounds the wait for its last round."""

    join_timeout: float = 10.0

    def run(self) -> None:
        raise NotImplementedError

    def stopped(self) -> bool:
        return self._stop.is_set()

    def __enter__(self) -> Self:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self.join_timeout)
