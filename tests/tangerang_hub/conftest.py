"""Fixtures shared by the engine tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from local_http import Reply, Server


@pytest.fixture
def servers() -> Iterator[Callable[..., Server]]:
    """Start local recording servers (`local_http.Server(reply, tls=None)`); all stop after
    the test."""
    started: list[Server] = []

    def start(reply: Reply, **options: Any) -> Server:
        started.append(Server(reply, **options))
        return started[-1]

    yield start
    for server in started:
        server.stop()
