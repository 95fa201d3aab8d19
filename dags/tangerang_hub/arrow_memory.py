"""The Arrow memory pool the engine allocates its batches from.

pyarrow's default pool (mimalloc in pyarrow 26) makes a run's first million-row batch pay
for every page it touches: normalize took 2.6-2.7 s in a fresh process against 1.4 s the
second time in the same one. With jemalloc the first batch costs what later ones do (1.5 s),
and a hub run, an Airflow task, is always a fresh process. Measured in docs/BENCHMARKS.md.

An operator's ``ARROW_DEFAULT_MEMORY_POOL`` (pyarrow's own variable) is left as it is.
"""

from __future__ import annotations

import contextlib
import os

import pyarrow as pa

POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def use_engine_pool() -> str:
    """Make jemalloc the default pool unless the environment chose one (or pyarrow was built
    without it); returns the pool's backend name."""
    if not os.environ.get(POOL_VARIABLE):
        # A pyarrow built without jemalloc keeps its default.
        with contextlib.suppress(NotImplementedError):
            pa.set_memory_pool(pa.jemalloc_memory_pool())
    return pa.default_memory_pool().backend_name
