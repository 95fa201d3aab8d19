"""The polite HTTP layer every web connector uses.

Timeouts, bounded retries with exponential backoff on 429/5xx honouring ``Retry-After``,
a User-Agent naming the hub, conditional requests from caller-held state, a byte cap on
downloads, and truncated or invalid JSON turned into a clear `SourceError`.

Credentials (connection headers, basic auth, query keys) go only to the connection's
origin (scheme, host and port of its base URL). Redirects are followed by hand, a bounded
number of times, and lose every credential once they leave that origin.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urljoin, urlsplit, urlunsplit

import requests

from tangerang_hub import __version__
from tangerang_hub.sources.base import SourceError

LOG = logging.getLogger(__name__)
USER_AGENT = f"tangerang-open-data-hub/{__version__} (+https://data.tangerangkota.go.id)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
MAX_REDIRECTS = 10
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_URL_QUERY = re.compile(r"(https?://[^\s?#'\"<>]*)\?[^\s#'\"<>]*")
DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of `url`, the default port made explicit."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or DEFAULT_PORTS.get(scheme)


def without_query_keys(url: str, keys: set[str] | frozenset[str]) -> str:
    """`url` with the query parameters named in `keys` removed."""
    parts = urlsplit(url)
    if not keys or not parts.query:
        return url
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in keys]
    return urlunsplit(parts._replace(query=urlencode(kept)))


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
        query: Mapping[str, str] | None = None,
    ):
        self.base_url = base_url.rstrip("/") + "/" if base_url else ""
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.max_bytes = max_bytes
        self.sleep = sleep
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        # Kept off the session: sent only to the connection's own origin (see `_once`).
        self.headers = dict(headers or {})
        self.auth = auth
        self.query = {str(k): str(v) for k, v in (query or {}).items()}
        secrets = [*redact, *self.query.values(), *(auth[1:] if auth else ())]
        self.redact = tuple(dict.fromkeys(r for r in secrets if r))
        self.origin = origin(self.base_url) if self.base_url else None

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
        """`text` with every secret masked (raw or URL-encoded) and URL queries dropped."""
        forms = {
            form
            for secret in self.redact
            for form in (secret, quote(secret, safe=""), quote(secret), quote_plus(secret))
        }
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, "***")
        return _URL_QUERY.sub(r"\1", text)

    def trusted(self, url: str, start: str | None = None) -> bool:
        """Whether `url` may receive the connection's credentials.

        The connection's origin is its base URL's; without a base URL it is `start`'s
        (the URL a request began with).
        """
        expected = self.origin or (origin(start) if start else None)
        return expected is not None and origin(url) == expected

    def public_url(self, url: str) -> str:
        """`url` without the credential query keys, fit for provenance records."""
        return without_query_keys(url, frozenset(self.query))

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
        current = url
        current_params: dict[str, Any] = dict(params or {})
        secret_keys = frozenset(self.query)
        for _ in range(MAX_REDIRECTS + 1):
            if self.trusted(current, url):
                sent_headers = {**self.headers, **headers}
                sent_params = {**current_params, **self.query}
                target, auth = without_query_keys(current, secret_keys), self.auth
            else:
                sent_headers = dict(headers)
                sent_params = {k: v for k, v in current_params.items() if k not in secret_keys}
                target, auth = without_query_keys(current, secret_keys), None
            raw = self.session.get(
                target,
                params=sent_params or None,
                headers=sent_headers,
                auth=auth,
                timeout=self.timeout,
                stream=True,
                allow_redirects=False,
            )
            location = raw.headers.get("Location")
            if raw.status_code in REDIRECT_STATUSES and location:
                raw.close()
                current = urljoin(raw.url, location)
                current_params = {}
                continue
            with raw:
                return self._read(raw, url)
        raise SourceError(f"{url} redirects more than {MAX_REDIRECTS} times", url=url)

    def _read(self, raw: requests.Response, url: str) -> Response:
        shown = self.public_url(raw.url)
        declared = raw.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise SourceError(
                f"{shown} is {declared} bytes, over the cap of {self.max_bytes}", url=url
            )
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in raw.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > self.max_bytes:
                    raise SourceError(
                        f"{shown} exceeds the cap of {self.max_bytes} bytes; aborted", url=url
                    )
                chunks.append(chunk)
        except requests.exceptions.ChunkedEncodingError as exc:
            raise SourceError(
                f"body from {shown} was cut short after {size} bytes: {exc}", url=url
            ) from None
        except requests.exceptions.ContentDecodingError as exc:
            raise SourceError(f"body from {shown} cannot be decoded: {exc}", url=url) from None
        return Response(shown, raw.status_code, b"".join(chunks), dict(raw.headers))

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
