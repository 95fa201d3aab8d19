"""The shrink guard's rule on its own (`shrink_guard.check`); test_shrink_guard.py runs it
through the pipeline against the real catalog."""

from __future__ import annotations

import dataclasses

from tangerang_hub import shrink_guard
from tangerang_hub.contracts import get_contract

PUBLISHED = {"state": "active", "sha256": "ab" * 32, "row_count": "58"}


def test_an_empty_batch_is_refused_with_or_without_a_published_version() -> None:
    contract = get_contract("fasyankes")
    assert shrink_guard.check(contract, 0, PUBLISHED) == ("empty", {})
    assert shrink_guard.check(contract, 0, None) == ("empty", {})


def test_below_the_ratio_is_refused_and_at_or_above_it_publishes() -> None:
    contract = dataclasses.replace(get_contract("fasyankes"), shrink_ratio=0.5)
    assert shrink_guard.check(contract, 28, PUBLISHED) == (
        "shrunk",
        {"previous": 58, "rows": 28, "ratio": 50},
    )
    assert shrink_guard.check(contract, 29, PUBLISHED) is None
    assert shrink_guard.check(contract, 5, None) is None  # nothing published yet


def test_a_ratio_of_zero_turns_only_the_shrink_check_off() -> None:
    contract = dataclasses.replace(get_contract("fasyankes"), shrink_ratio=0.0)
    assert shrink_guard.check(contract, 1, PUBLISHED) is None
    assert shrink_guard.check(contract, 0, PUBLISHED) == ("empty", {})
