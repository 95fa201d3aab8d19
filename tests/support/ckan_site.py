"""The CKAN `test` site that `make test` starts (port 5050), as the pipeline bot.

Integration tests publish into this real CKAN (PostgreSQL, Solr, Redis,
xloader worker) over HTTP; nothing about it is faked. `make test-engine` sets
HUB_CKAN_URL, HUB_CKAN_TOKEN_FILE (the bot) and HUB_CKAN_WALIDATA_TOKEN_FILE (the
seeded walidata, who approves first publications: `approve`); running these tests any
other way is a usage error, reported as such rather than skipped.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from tangerang_hub.ckan_client import CkanClient
from tangerang_hub.contracts import Contract, get_contract


def site_url() -> str:
    url = os.environ.get("HUB_CKAN_URL")
    if not url:
        pytest.fail("HUB_CKAN_URL is not set: run these tests through `make test`")
    return url


def bot_token() -> str:
    token_file = os.environ.get("HUB_CKAN_TOKEN_FILE")
    if not token_file or not Path(token_file).exists():
        pytest.fail("HUB_CKAN_TOKEN_FILE is missing: run these tests through `make test`")
    return Path(token_file).read_text().strip()


def bot_client() -> CkanClient:
    return CkanClient(site_url(), bot_token())


def walidata_client() -> CkanClient:
    """The seeded walidata (`walidata-diskominfo`), who reviews datasets before publication."""
    token_file = os.environ.get("HUB_CKAN_WALIDATA_TOKEN_FILE")
    if not token_file or not Path(token_file).exists():
        pytest.fail("HUB_CKAN_WALIDATA_TOKEN_FILE is missing: run these tests through `make test`")
    return CkanClient(site_url(), Path(token_file).read_text().strip())


def approve(dataset_id: str) -> dict:
    """Approve the dataset's waiting version as the walidata would on /pemeriksaan, so it
    becomes public; a dataset that is not waiting (approved in an earlier run of a test that
    reuses its id) is left as it is. Returns the review."""
    client = walidata_client()
    review = client.call("tangerang_review_show", package_id=dataset_id)
    if review["state"] != "menunggu_pemeriksaan":
        return review
    return client.call("tangerang_review_approve", package_id=dataset_id)


def anonymous_client() -> CkanClient:
    return CkanClient(site_url(), None)


def contract_copy(dataset_id: str) -> Contract:
    """A sample contract under a fresh id, so each test owns its dataset."""
    return replace(get_contract(dataset_id), id=f"uji-{dataset_id}-{uuid.uuid4().hex[:8]}")
