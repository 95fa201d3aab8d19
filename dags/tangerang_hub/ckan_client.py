"""A small, typed client for the CKAN Action API, authenticated by API token.

The pipeline talks to CKAN only through this client, as the non-sysadmin bot user whose
token lives in the Connection ``ckan_default`` (`CkanClient.from_connection`). Requests go
through the hub's one HTTP layer (`tangerang_hub.http_client`): its retry policy and
Retry-After handling, its User-Agent, credentials kept to the site's origin, and its
redirect and address guard (the Connection's own host may be private, e.g. 127.0.0.1).

Only reads (`READ_ONLY_SUFFIXES`) are resent after a timeout or a 5xx: a write may have
been done by CKAN although the answer never arrived (a second ``package_create`` or
resource extend would duplicate it). Writes are resent only when the connection was never
made (a connect timeout), or after a 429 (the request was refused, not done).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from tangerang_hub.auth import ckan_secret, ckan_token
from tangerang_hub.connections import get_connection
from tangerang_hub.http_client import HttpClient, HttpStatusError, connection_options, decode_json
from tangerang_hub.sources.base import SourceError, masked_said
from tangerang_quality.masking import mask_identifiers
from tangerang_quality.texts import Said, say

DEFAULT_CONN_ID = "ckan_default"
READ_ONLY_SUFFIXES = ("_show", "_list", "_search", "_status", "_info", "_autocomplete")
MAX_RETRY_AFTER = 60.0


class CkanError(Exception):
    """An action failed. ``error`` is CKAN's error dict (``__type``, fields...), or a
    sentence when CKAN's answer was not an Action API error; ``status`` is 0 when no
    answer came. The message has identifiers masked; ``error`` is kept as CKAN sent it (a
    sentence given as a `Said` is kept as its English text). `said` is the message in both
    languages; `str()` is the English one."""

    def __init__(self, action: str, status: int, error: Mapping[str, Any] | str | Said) -> None:
        self.action = action
        self.status = status
        self.error = error.render("en") if isinstance(error, Said) else error
        said = say(
            "CKAN {action} gagal (HTTP {status}): {error}",
            "CKAN {action} failed (HTTP {status}): {error}",
            action=action,
            status=status,
            error=error,
        )
        self.said = masked_said(said, mask_identifiers)
        super().__init__(self.said.render("en"))

    @property
    def kind(self) -> str:
        if isinstance(self.error, Mapping):
            return str(self.error.get("__type", ""))
        return ""


class NotFound(CkanError):
    pass


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
        max_wait: float = MAX_RETRY_AFTER,
        sleep: Callable[[float], None] = time.sleep,
        allowed_redirect_hosts: Iterable[str] = (),
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = HttpClient(
            self.base_url,
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            max_wait=max_wait,
            sleep=sleep,
            allowed_redirect_hosts=allowed_redirect_hosts,
            **ckan_token(token).client_kwargs(),
        )

    @classmethod
    def from_connection(cls, conn_id: str = DEFAULT_CONN_ID, **options: Any) -> CkanClient:
        """The client for the CKAN site of Connection `conn_id` (its password or
        ``extra.token`` is the API token). Raises ConnectionNotFoundError (a LookupError)
        naming where it looked."""
        conn = get_connection(conn_id)
        return cls(conn.base_url, ckan_secret(conn), **{**connection_options(conn), **options})

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
        path = f"api/3/action/{action}"
        resend = action.endswith(READ_ONLY_SUFFIXES)
        try:
            if files:
                # Multipart: nested values travel as JSON strings (CKAN's json_or_string).
                form = {
                    key: json.dumps(value) if isinstance(value, (dict, list)) else str(value)
                    for key, value in payload.items()
                }
                response = self.http.post(path, form=form, files=files, resend=resend)
            else:
                response = self.http.post(path, json=payload, resend=resend)
        except HttpStatusError as exc:
            raise _error(action, exc.status or 0, _json_or_none(exc.body), exc.said) from None
        except SourceError as exc:
            raise CkanError(action, exc.status or 0, exc.said) from None
        try:
            body = decode_json(response.content, response.url)
        except SourceError as exc:
            raise CkanError(action, response.status, exc.said) from None
        if isinstance(body, Mapping) and body.get("success"):
            return body["result"]
        raise _error(
            action,
            response.status,
            body,
            say(
                "CKAN menjawab {status} tanpa tanda berhasil (success)",
                "CKAN answered {status} without success",
                status=response.status,
            ),
        )

    def show_or_none(self, action: str, **params: Any) -> Any | None:
        try:
            return self.call(action, **params)
        except NotFound:
            return None


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None


def _error(action: str, status: int, body: Any, fallback: str | Said) -> CkanError:
    """The CkanError for a refusal: CKAN's error dict when the body is an Action API error,
    else `fallback` (the body itself is never quoted: it may carry anything)."""
    if not isinstance(body, Mapping):
        return CkanError(action, status, fallback)
    error = body.get("error") or {}
    if status == 404 or (isinstance(error, Mapping) and error.get("__type") == "Not Found Error"):
        return NotFound(action, status, error)
    return CkanError(action, status, error or fallback)
