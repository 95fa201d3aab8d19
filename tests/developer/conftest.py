"""The developer portal's tests run against the CKAN test site (`make test`), on the demo
datasets as the demo publishes them."""

from __future__ import annotations

from typing import Any

import pytest
from demo_catalog import ensure_published

from tangerang_hub.contracts import load_contracts


@pytest.fixture(scope="session")
def demo_datasets(tmp_path_factory) -> dict[str, dict[str, Any]]:
    """Every demo contract's dataset, public with its DataStore table (contract id ->
    package_show)."""
    ids = [c.id for c in load_contracts()]
    return ensure_published(ids, tmp_path_factory.mktemp("hub"))
