"""Debian's Chromium for the browser tests: Playwright cannot download a browser here.

`CHROMIUM_FLAGS` keep a headless Chromium off the network (no updates, sync or
background requests) and runnable as root in a container.
"""

from __future__ import annotations

from pathlib import Path

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
