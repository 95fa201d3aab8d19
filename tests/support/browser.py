"""Debian's Chromium for the browser tests: Playwright cannot download a browser here.

`CHROMIUM_FLAGS` keep a headless Chromium off the network (no updates, sync or
background requests) and runnable as root in a container.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
# Screenshots of the pages the tests visit, to look at (git-ignored, as all of var/).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def walidata_token() -> str:
    """The seeded walidata's API token on the test site."""
    token_file = os.environ.get("HUB_CKAN_WALIDATA_TOKEN_FILE")
    if not token_file or not Path(token_file).exists():
        pytest.fail("HUB_CKAN_WALIDATA_TOKEN_FILE is missing: run these tests through `make test`")
    return Path(token_file).read_text().strip()
