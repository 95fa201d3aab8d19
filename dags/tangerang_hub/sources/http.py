"""The polite HTTP layer every web connector uses.

Timeouts, bounded retries with exponential backoff on 429/5xx honouring ``Retry-After``,
a User-Agent naming the hub, conditional requests from caller-held state, a byte cap on
downloads, and truncated or invalid JSON turned into a clear `SourceError`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import requests

from tangerang_hub import __version__
from tangerang_hub.sources.base import SourceError

LOG = logging.getLogger(__name__)
USER_AGENT = f"tangerang-open-data-hub/{__version__} (+https://data.tangerangkota.go.id)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
DEFAULT_MAX_BYTES = 200 * 1024 * 1024


class HttpStatusError(SourceError):
    """A non-retryable error status; `body` lets connectors read the agency's message."""

    def __init__(self, message: str, *, url: str, status: int, body: bytes):
        super().__init__(message, url=url, status=status)
        self.body = body


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    content: bytes
    headers: Mapping[str, str]

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("ETag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("Last-Modified")

    @property
    def media_type(self) -> str:
        return self.headers.get("Content-Type", "application/octet-stream").split(";")[0].strip()

    def json(self) -> Any:
        return decode_json(self.content, self.url)


def decode_json(content: bytes, url: str) -> Any:
    if not content.strip():
        raise SourceError(f"empty body from {url}, expected JSON", url=url)
    try:
        return json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SourceError(f"body from {url} is not UTF-8 JSON: {exc}", url=url) from None
    except json.JSONDecodeError as exc:
        ending = len(content) - exc.pos <= 1
        hint = " (the body ends early: truncated?)" if ending else ""
        start = content[:80].decode("utf-8", "replace")
        raise SourceError(
            f"invalid JSON from {url}{hint}: {exc.msg} at byte {exc.pos}; body starts {start!r}",
            url=url,
        ) from None


class HttpClient:
    """A requests session with the hub's manners. One per hook call; keeps no data state."""

    def __init__(
        self,
        base_url: str = "",
        *,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        redact: tuple[str, ...] = (),
    ):
        self.base_url = base_url.rstrip("/") + "/" if base_url else ""
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.max_bytes = max_bytes
        self.sleep = sleep
        self.redact = tuple(r for r in redact if r)
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers.update(headers or {})
        if auth:
            self.session.auth = auth

    def url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        if not self.base_url:
            raise SourceError(f"relative URL {path_or_url!r} without a base URL")
        return urljoin(self.base_url, path_or_url.lstrip("/"))

    def get(
        self,
        path_or_url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        state: Mapping[str, Any] | None = None,
    ) -> Response:
        """GET with retries. A 304 is returned (``not_modified``), other errors raise."""
        try:
            return self._get(path_or_url, params, headers, state)
        except SourceError as exc:
            exc.args = (self.clean(str(exc)),)
            exc.url = self.clean(exc.url) if exc.url else exc.url
            raise

    def clean(self, text: str) -> str:
        """`text` with every secret (API key in a path or query) masked."""
        for secret in self.redact:
            text = text.replace(secret, "***")
        return text

    def _get(
        self,
        path_or_url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        state: Mapping[str, Any] | None,
    ) -> Response:
        url = self.url(path_or_url)
        sent = dict(headers or {})
        if state:
            if state.get("etag"):
                sent["If-None-Match"] = str(state["etag"])
            if state.get("last_modified"):
                sent["If-Modified-Since"] = str(state["last_modified"])
        attempt = 0
        while True:
            try:
                response = self._once(url, params, sent)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt >= self.retries:
                    raise SourceError(
                        f"cannot reach {url} after {attempt + 1} attempts: {exc}", url=url
                    ) from None
                wait = self._backoff(attempt)
                LOG.warning("GET %s failed; retrying in %.1fs", self.clean(url), wait)
            else:
                if response.status not in RETRY_STATUSES:
                    return self._checked(response)
                if attempt >= self.retries:
                    raise HttpStatusError(
                        f"{url} answered {response.status} after {attempt + 1} attempts",
                        url=url,
                        status=response.status,
                        body=response.content,
                    )
                wait = self._wait_for(response, attempt)
                LOG.warning(
                    "GET %s -> %s; retrying in %.1fs", self.clean(url), response.status, wait
                )
            self.sleep(wait)
            attempt += 1

    def get_json(self, path_or_url: str, **kwargs: Any) -> Any:
        response = self.get(path_or_url, **kwargs)
        try:
            return response.json()
        except SourceError as exc:
            exc.args = (self.clean(str(exc)),)
            raise

    def _once(
        self, url: str, params: Mapping[str, Any] | None, headers: dict[str, str]
    ) -> Response:
        with self.session.get(
            url, params=params, headers=headers, timeout=self.timeout, stream=True
        ) as raw:
            declared = raw.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > self.max_bytes:
                raise SourceError(
                    f"{raw.url} is {declared} bytes, over the cap of {self.max_bytes}", url=url
                )
            chunks: list[bytes] = []
            size = 0
            try:
                for chunk in raw.iter_content(chunk_size=65536):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise SourceError(
                            f"{raw.url} exceeds the cap of {self.max_bytes} bytes; aborted",
                            url=url,
                        )
                    chunks.append(chunk)
            except requests.exceptions.ChunkedEncodingError as exc:
                raise SourceError(
                    f"body from {raw.url} was cut short after {size} bytes: {exc}", url=url
                ) from None
            except requests.exceptions.ContentDecodingError as exc:
                raise SourceError(
                    f"body from {raw.url} cannot be decoded: {exc}", url=url
                ) from None
            return Response(raw.url, raw.status_code, b"".join(chunks), dict(raw.headers))

    def _checked(self, response: Response) -> Response:
        if response.status < 400 or response.status == 304:
            return response
        snippet = response.content[:200].decode("utf-8", "replace")
        raise HttpStatusError(
            f"{response.url} answered {response.status}: {snippet}",
            url=response.url,
            status=response.status,
            body=response.content,
        )

    def _backoff(self, attempt: int) -> float:
        return min(self.max_wait, self.backoff * (2**attempt))

    def _wait_for(self, response: Response, attempt: int) -> float:
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        if asked is None:
            return self._backoff(attempt)
        if asked > self.max_wait:
            # Waiting less than asked would be impolite; waiting longer blocks the run.
            raise HttpStatusError(
                f"{response.url} answered {response.status} and asks to retry after "
                f"{asked:.0f}s, more than the {self.max_wait:.0f}s this run may wait",
                url=response.url,
                status=response.status,
                body=response.content,
            )
        return max(asked, 0.0)


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def client_for(hook_params: Mapping[str, Any], base_url: str, **kwargs: Any) -> HttpClient:
    """An HttpClient tuned by the contract's optional ``timeout``/``retries``/``max_bytes``."""
    for name in ("timeout", "retries", "max_bytes", "backoff", "max_wait"):
        if name in hook_params and name not in kwargs:
            kwargs[name] = hook_params[name]
    return HttpClient(base_url, **kwargs)
