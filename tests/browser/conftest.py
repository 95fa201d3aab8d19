"""pytest-playwright driving Debian's Chromium against the CKAN test site (`make test`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, CHROMIUM_FLAGS, SCREENSHOTS, walidata_token
from ckan_site import site_url
from playwright.sync_api import Browser, BrowserContext, Page


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": list(CHROMIUM_FLAGS),
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def base_url() -> str:
    """The CKAN test site: ``page.goto("/dataset/")`` opens it there."""
    return site_url().rstrip("/")


@pytest.fixture
def screenshot(page: Page):
    """``screenshot(name)`` saves the whole page as var/screenshots/<name>.png."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def as_user(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """``as_user(token, width=1280)``: a browser context that sends the API token with every
    request (CKAN then knows the user); each is closed after the test."""
    contexts: list[BrowserContext] = []

    def make(token: str, width: int = 1280) -> BrowserContext:
        context = browser.new_context(
            extra_http_headers={"Authorization": token}, viewport={"width": width, "height": 900}
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def walidata(as_user: Callable[..., BrowserContext]) -> BrowserContext:
    """A browser context that is the seeded walidata."""
    return as_user(walidata_token())
