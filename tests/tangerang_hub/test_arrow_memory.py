"""The engine's Arrow memory pool: jemalloc, unless the operator chose one."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

POOL_OF_A_READ = (
    "import pyarrow as pa; import tangerang_hub.read; print(pa.default_memory_pool().backend_name)"
)


def _pool_after_import(environment: dict[str, str]) -> str:
    # A fresh interpreter: the pool is process-wide, chosen once.
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    done = subprocess.run(
        [sys.executable, "-c", POOL_OF_A_READ],
        env={**env, **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_reading_a_batch_allocates_from_jemalloc() -> None:
    assert _pool_after_import({}) == "jemalloc"


@pytest.mark.parametrize("pool", ["system", "mimalloc"])
def test_the_operators_choice_of_pool_stays(pool: str) -> None:
    assert _pool_after_import({"ARROW_DEFAULT_MEMORY_POOL": pool}) == pool
