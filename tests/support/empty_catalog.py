"""A stand-in CKAN client for engine tests that publish through a fake `publish` stage:
the catalog holds no dataset yet (so the shrink guard and the remembered source state see
nothing published), and any other call is a test error."""

from __future__ import annotations

from typing import Any


class EmptyCatalog:
    def show_or_none(self, action: str, **params: Any) -> None:
        return None

    def call(self, action: str, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"EmptyCatalog: unexpected CKAN call {action}")
