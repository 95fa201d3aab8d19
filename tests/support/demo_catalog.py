"""The demo datasets on the CKAN test site as the demo publishes them (their contract ids,
from the sample agency and the sample OPD database that `make test-engine` connects)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ckan_site import anonymous_client, approve, bot_client

from tangerang_hub import pipeline
from tangerang_hub.contracts import get_contract


def _ready(package: dict[str, Any] | None) -> bool:
    return bool(
        package
        and not package["private"]
        and any(r.get("datastore_active") for r in package["resources"])
    )


def ensure_published(contract_ids: Iterable[str], workdir: Path) -> dict[str, dict[str, Any]]:
    """Each contract's dataset, public with its DataStore table: published now through the
    pipeline (and approved by the walidata) where an earlier test or run has not.
    Returns contract id -> the anonymous package_show."""
    bot = bot_client()
    datasets = {}
    for contract_id in contract_ids:
        if not _ready(bot.show_or_none("package_show", id=contract_id)):
            report = pipeline.run(
                get_contract(contract_id), client=bot, workdir=workdir, run_id="uji"
            )
            assert report.status in ("published", "unchanged"), report.message
            approve(contract_id)
        package = anonymous_client().call("package_show", id=contract_id)
        assert _ready(package), contract_id
        datasets[contract_id] = package
    return datasets
