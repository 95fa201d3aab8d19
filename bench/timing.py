"""Repeated timings and their medians; progress on stderr.

The machines are small and noisy (2 cores shared with the whole stack), so a figure means
something only beside its baseline of the same run. Every measurement is repeated (3 times
unless told otherwise) and reported as its median, with the samples kept.
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


def say(message: str) -> None:
    """Progress, on stderr (stdout carries only the final tables)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Series:
    """Repeated timings of one thing, in seconds, with whatever each repetition reported."""

    name: str
    samples: list[float] = field(default_factory=list)
    details: list[dict[str, Any]] = field(default_factory=list)

    def add(self, seconds: float, **detail: Any) -> None:
        self.samples.append(seconds)
        if detail:
            self.details.append(detail)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "samples_s": [round(s, 4) for s in self.samples],
            "median_s": round(self.median, 4),
            "min_s": round(min(self.samples), 4),
            "max_s": round(max(self.samples), 4),
        }
        if self.details:
            data["details"] = self.details
        return data


def median_of(details: Sequence[dict[str, Any]], key: str) -> float | None:
    """Median of `key` over the repetitions that reported it (None when none did)."""
    values = [d[key] for d in details if isinstance(d.get(key), int | float)]
    return round(statistics.median(values), 4) if values else None


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (`share` in 0..1) of `values`, which must not be empty."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    """`with stopwatch() as elapsed: ...; elapsed()` -> seconds since the block began."""
    started = time.perf_counter()
    yield lambda: time.perf_counter() - started


def wait_until(check: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> None:
    """Poll `check` every `interval` seconds until it is true; RuntimeError after `timeout`."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not reached within {timeout:.0f}s")
        time.sleep(interval)
