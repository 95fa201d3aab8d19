"""A small, typed client for the CKAN Action API, authenticated by API token.

The pipeline talks to CKAN only through this client, as the non-sysadmin bot
user whose token lives in the Airflow Connection ``ckan_default``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import requests

from tangerang_hub import __version__

USER_AGENT = f"tangerang-open-data-hub/{__version__} (+https://data.tangerangkota.go.id)"
# Transient failures worth retrying; validation and auth errors never are.
RETRYABLE_STATUS = frozenset({429, 502, 503, 504})
# Only reads are resent after a timeout or a 5xx: a write may have been done by
# CKAN even though the answer never arrived (a second package_create or
# resource extend would duplicate it). Writes are retried only when the
# connection was never made, or on 429 (the request was refused, not done).
READ_ONLY_SUFFIXES = ("_show", "_list", "_search", "_status", "_info", "_autocomplete")
MAX_RETRY_AFTER = 60.0


class CkanError(Exception):
    """An action failed. ``error`` is CKAN's error dict (``__type``, fields...)."""

    def __init__(self, action: str, status: int, error: Mapping[str, Any] | str) -> None:
        self.action = action
        self.status = status
        self.error = error
        super().__init__(f"CKAN {action} failed (HTTP {status}): {error}")

    @property
    def kind(self) -> str:
        if isinstance(self.error, Mapping):
            return str(self.error.get("__type", ""))
        return ""


class NotFound(CkanError):
    pass


def _retry_after(response: requests.Response) -> float:
    try:
        return min(float(response.headers.get("Retry-After", 0)), MAX_RETRY_AFTER)
    except ValueError:
        return 0.0


class CkanClient:
    """``client.call("package_show", id="x")``; uploads go as multipart files."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        timeout: float = 120.0,
        retries: int = 3,
        backoff: float = 1.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff

    def _headers(self) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT}
        if self.token:
            headers["Authorization"] = self.token
        return headers

    def call(
        self,
        action: str,
        data: Mapping[str, Any] | None = None,
        *,
        files: Mapping[str, Path] | None = None,
        **params: Any,
    ) -> Any:
        """POST an action and return its ``result``; raise CkanError otherwise."""
        payload = {**(data or {}), **params}
        url = f"{self.base_url}/api/3/action/{action}"
        read_only = action.endswith(READ_ONLY_SUFFIXES)
        attempt = 0
        while True:
            attempt += 1
            wait = self.backoff * 2 ** (attempt - 1)
            try:
                response = self._post(url, payload, files)
            except (requests.ConnectionError, requests.Timeout) as exc:
                never_sent = isinstance(exc, requests.ConnectTimeout)
                if attempt > self.retries or not (read_only or never_sent):
                    raise CkanError(action, 0, f"{type(exc).__name__}: {exc}") from exc
            else:
                status = response.status_code
                retry = status in RETRYABLE_STATUS and (read_only or status == 429)
                if not retry or attempt > self.retries:
                    return self._result(action, response)
                wait = max(wait, _retry_after(response))
            time.sleep(wait)

    def _post(
        self, url: str, payload: Mapping[str, Any], files: Mapping[str, Path] | None
    ) -> requests.Response:
        if not files:
            return requests.post(url, json=payload, headers=self._headers(), timeout=self.timeout)
        # Multipart: nested values travel as JSON strings (CKAN's json_or_string).
        form = {
            key: json.dumps(value) if isinstance(value, (dict, list)) else str(value)
            for key, value in payload.items()
        }
        handles = {key: path.open("rb") for key, path in files.items()}
        try:
            return requests.post(
                url,
                data=form,
                files={key: (files[key].name, handle) for key, handle in handles.items()},
                headers=self._headers(),
                timeout=self.timeout,
            )
        finally:
            for handle in handles.values():
                handle.close()

    @staticmethod
    def _result(action: str, response: requests.Response) -> Any:
        try:
            body = response.json()
        except ValueError:
            raise CkanError(action, response.status_code, response.text[:500]) from None
        if response.ok and body.get("success"):
            return body["result"]
        error = body.get("error") or {}
        if response.status_code == 404 or error.get("__type") == "Not Found Error":
            raise NotFound(action, response.status_code, error)
        raise CkanError(action, response.status_code, error)

    def show_or_none(self, action: str, **params: Any) -> Any | None:
        try:
            return self.call(action, **params)
        except NotFound:
            return None
