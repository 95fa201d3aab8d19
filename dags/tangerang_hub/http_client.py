"""The hub's one HTTP layer: every web connector and the CKAN client send requests here.

Manners: a timeout, one User-Agent naming the hub, a byte cap on bodies, conditional GETs
from caller-held state, and truncated or invalid JSON turned into a clear `SourceError`.

Retries, one policy for every request: 429, 500, 502, 503, 504, timeouts and connection
failures are retried up to `retries` times with exponential backoff, honouring
``Retry-After`` (delta-seconds or an HTTP date) up to `max_wait`; a longer ask fails at
once. A request sent with ``resend=False`` (a write the server may have done although the
answer never came) is retried only when it never reached the server (a connect timeout)
or was refused (429). GETs are resent; POSTs are not unless the caller says so.

Credentials (`tangerang_hub.auth`) go only to the connection's origin (scheme, host and
port of its base URL). Redirects are followed by hand, at most `MAX_REDIRECTS` times, only
where `tangerang_hub.egress` allows, and lose every credential once they leave that origin.

Messages never quote a response body: `HttpStatusError.body` keeps it for a connector
that reads an agency's error message, and a masked preview goes to the debug log only.
Secrets are masked in every message, raw and URL-encoded, in both of its languages
(`SourceError.masked`).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urljoin, urlsplit, urlunsplit

import requests

from tangerang_hub import __version__
from tangerang_hub.auth import PATH_SECRET, credentials
from tangerang_hub.connections import ConnectionInfo
from tangerang_hub.egress import Egress, UnresolvedHost, origin
from tangerang_hub.sources.base import SourceError
from tangerang_quality.masking import mask_identifiers
from tangerang_quality.texts import Said, say

__all__ = [
    "USER_AGENT",
    "HttpClient",
    "HttpStatusError",
    "Response",
    "client_for",
    "connection_options",
    "decode_json",
    "retry_after_seconds",
    "without_query_keys",
]

LOG = logging.getLogger(__name__)
USER_AGENT = f"tangerang-open-data-hub/{__version__} (+https://data.tangerangkota.go.id)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Answers that say the request was not processed: a write may be resent after them.
REFUSED_STATUSES = frozenset({429})
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
MAX_REDIRECTS = 10
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PREVIEW_BYTES = 200
_URL_QUERY = re.compile(r"(https?://[^\s?#'\"<>]*)\?[^\s#'\"<>]*")


def without_query_keys(url: str, keys: set[str] | frozenset[str]) -> str:
    """`url` with the query parameters named in `keys` removed."""
    parts = urlsplit(url)
    if not keys or not parts.query:
        return url
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in keys]
    return urlunsplit(parts._replace(query=urlencode(kept)))


class HttpStatusError(SourceError):
    """An error status; `body` lets connectors read the agency's message (never quoted in
    the message itself)."""

    def __init__(self, message: str | Said, *, url: str, status: int, body: bytes):
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


def _preview(content: bytes) -> str:
    """The start of a body for the debug log, identifiers masked."""
    return mask_identifiers(content[:PREVIEW_BYTES].decode("utf-8", "replace"))


def decode_json(content: bytes, url: str) -> Any:
    """The JSON document in `content`; SourceError (without body bytes) otherwise."""
    if not content.strip():
        raise SourceError(
            say(
                "jawaban dari {url} kosong, diharapkan JSON",
                "empty body from {url}, expected JSON",
                url=url,
            ),
            url=url,
        )
    try:
        return json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SourceError(
            say(
                "jawaban dari {url} bukan JSON UTF-8: {reason}",
                "body from {url} is not UTF-8 JSON: {reason}",
                url=url,
                reason=exc.reason,
            ),
            url=url,
        ) from None
    except json.JSONDecodeError as exc:
        ending = len(content) - exc.pos <= 1
        hint = (
            say(
                " (jawaban berakhir terlalu cepat: terpotong?)",
                " (the body ends early: truncated?)",
            )
            if ending
            else ""
        )
        LOG.debug("invalid JSON from %s starts %r", url, _preview(content))
        raise SourceError(
            say(
                "JSON dari {url} tidak sah{hint}: {reason} pada byte {pos} dari {size}",
                "invalid JSON from {url}{hint}: {reason} at byte {pos} of {size}",
                url=url,
                hint=hint,
                reason=exc.msg,
                pos=exc.pos,
                size=len(content),
            ),
            url=url,
        ) from None


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if unreadable."""
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


@dataclass(frozen=True)
class _Body:
    """What a request sends: JSON, or a form with files (reopened for every send)."""

    json: Any = None
    form: Mapping[str, str] | None = None
    files: Mapping[str, Path] | None = None

    def arguments(self, stack: ExitStack) -> dict[str, Any]:
        if self.files is not None or self.form is not None:
            files = {
                key: (path.name, stack.enter_context(path.open("rb")))
                for key, path in (self.files or {}).items()
            }
            return {"data": dict(self.form or {}), "files": files or None}
        if self.json is not None:
            return {"json": self.json}
        return {}


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
        path_secret: str | None = None,
        allowed_redirect_hosts: Iterable[str] = (),
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
        # Kept off the session: sent only to the connection's own origin (see `_send`).
        self.headers = dict(headers or {})
        self.auth = auth
        self.query = {str(k): str(v) for k, v in (query or {}).items()}
        self.path_secret = path_secret
        secrets = [*redact, *self.query.values(), *(auth[1:] if auth else ()), path_secret]
        self.redact = tuple(dict.fromkeys(r for r in secrets if r))
        self.origin = origin(self.base_url) if self.base_url else None
        self.egress = Egress.for_connection(self.base_url, allowed_redirect_hosts)

    def url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        if not self.base_url:
            raise SourceError(
                say(
                    "URL relatif {url!r} tanpa URL dasar",
                    "relative URL {url!r} without a base URL",
                    url=path_or_url,
                )
            )
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
        sent = dict(headers or {})
        if state:
            if state.get("etag"):
                sent["If-None-Match"] = str(state["etag"])
            if state.get("last_modified"):
                sent["If-Modified-Since"] = str(state["last_modified"])
        return self.request("GET", path_or_url, params=params, headers=sent)

    def get_json(self, path_or_url: str, **kwargs: Any) -> Any:
        response = self.get(path_or_url, **kwargs)
        try:
            return response.json()
        except SourceError as exc:
            raise self._cleaned(exc) from None

    def post(
        self,
        path_or_url: str,
        *,
        json: Any = None,
        form: Mapping[str, str] | None = None,
        files: Mapping[str, Path] | None = None,
        headers: Mapping[str, str] | None = None,
        resend: bool = False,
    ) -> Response:
        """POST a JSON document, or a multipart form with files. Not resent after a timeout
        or a 5xx unless `resend` (the caller knows the request only reads)."""
        return self.request(
            "POST", path_or_url, headers=headers, json=json, form=form, files=files, resend=resend
        )

    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        form: Mapping[str, str] | None = None,
        files: Mapping[str, Path] | None = None,
        resend: bool | None = None,
    ) -> Response:
        """Send with the one retry policy; `resend` defaults to True for GET and HEAD only.

        The body is `json`, or a multipart `form` with `files` (opened anew for each send).
        Raises HttpStatusError for an error status (after retries where allowed) and
        SourceError for everything else; both with secrets masked.
        """
        method = method.upper()
        if resend is None:
            resend = method in ("GET", "HEAD")
        body = _Body(json=json, form=form, files=files)
        try:
            return self._retrying(method, self.url(path_or_url), params, headers, body, resend)
        except SourceError as exc:
            raise self._cleaned(exc) from None

    def clean(self, text: str) -> str:
        """`text` with every secret masked (raw or URL-encoded) and URL queries dropped."""
        return _URL_QUERY.sub(r"\1", self._masked(text))

    def _masked(self, text: str) -> str:
        forms = {
            form
            for secret in self.redact
            for form in (secret, quote(secret, safe=""), quote(secret), quote_plus(secret))
        }
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, "***")
        return text.replace(PATH_SECRET, "***")

    def _cleaned(self, exc: SourceError) -> SourceError:
        exc.masked(self.clean)
        exc.url = self.clean(exc.url) if exc.url else exc.url
        return exc

    def trusted(self, url: str, start: str | None = None) -> bool:
        """Whether `url` may receive the connection's credentials.

        The connection's origin is its base URL's; without a base URL it is `start`'s
        (the URL a request began with).
        """
        expected = self.origin or (origin(start) if start else None)
        return expected is not None and origin(url) == expected

    def public_url(self, url: str) -> str:
        """`url` without the credential query keys or a path secret, fit for provenance."""
        return self._masked(without_query_keys(url, frozenset(self.query)))

    def _retrying(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        body: _Body | None,
        resend: bool,
    ) -> Response:
        attempt = 0
        while True:
            try:
                response = self._send(method, url, params, dict(headers or {}), body)
            except (requests.ConnectionError, requests.Timeout) as exc:
                # A connect timeout or an unresolved name: nothing reached the server.
                never_sent = isinstance(exc, (requests.ConnectTimeout, UnresolvedHost))
                may_resend = resend or never_sent
                if not may_resend:
                    raise SourceError(
                        say(
                            "{method} {url} gagal ({kind}: {error}); tidak dikirim ulang: "
                            "server mungkin sudah mengerjakannya",
                            "{method} {url} failed ({kind}: {error}); not resent: "
                            "the server may have done it",
                            method=method,
                            url=url,
                            kind=type(exc).__name__,
                            error=getattr(exc, "said", None) or str(exc),
                        ),
                        url=url,
                    ) from None
                if attempt >= self.retries:
                    raise SourceError(
                        say(
                            "{url} tidak dapat dihubungi setelah {attempts} kali dicoba: {error}",
                            "cannot reach {url} after {attempts} attempts: {error}",
                            url=url,
                            attempts=attempt + 1,
                            error=getattr(exc, "said", None) or str(exc),
                        ),
                        url=url,
                    ) from None
                wait = self._backoff(attempt)
                LOG.warning("%s %s failed; retrying in %.1fs", method, self.clean(url), wait)
            else:
                status = response.status
                may_resend = resend or status in REFUSED_STATUSES
                if status not in RETRY_STATUSES or not may_resend:
                    return self._checked(response, attempt)
                if attempt >= self.retries:
                    return self._checked(response, attempt)
                wait = self._wait_for(response, attempt)
                LOG.warning("%s %s -> %s; retrying in %.1fs", method, self.clean(url), status, wait)
            self.sleep(wait)
            attempt += 1

    def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        headers: dict[str, str],
        body: _Body | None,
    ) -> Response:
        """One attempt, following allowed redirects by hand."""
        current = url
        current_params: dict[str, Any] = dict(params or {})
        secret_keys = frozenset(self.query)
        for _ in range(MAX_REDIRECTS + 1):
            self.egress.check_address(current, start=url)
            target = without_query_keys(current, secret_keys)
            if self.trusted(current, url):
                sent_headers = {**self.headers, **headers}
                sent_params = {**current_params, **self.query}
                auth = self.auth
                if self.path_secret:
                    target = target.replace(PATH_SECRET, quote(self.path_secret, safe=""))
            else:
                sent_headers = dict(headers)
                sent_params = {k: v for k, v in current_params.items() if k not in secret_keys}
                auth = None
            with ExitStack() as stack:
                raw = self.session.request(
                    method,
                    target,
                    params=sent_params or None,
                    headers=sent_headers,
                    auth=auth,
                    timeout=self.timeout,
                    stream=True,
                    allow_redirects=False,
                    **(body.arguments(stack) if body else {}),
                )
            location = raw.headers.get("Location")
            if raw.status_code in REDIRECT_STATUSES and location:
                raw.close()
                following = urljoin(current, location)
                self.egress.check_redirect(current, following, start=url)
                current, current_params = following, {}
                # As browsers and requests do: a 303, or a 301/302 after a POST, becomes a
                # GET without a body; 307 and 308 repeat the request as it was.
                if (raw.status_code == 303 and method != "HEAD") or (
                    raw.status_code in (301, 302) and method == "POST"
                ):
                    method, body = "GET", None
                continue
            with raw:
                return self._read(raw, url)
        raise SourceError(
            say(
                "{url} dialihkan lebih dari {limit} kali",
                "{url} redirects more than {limit} times",
                url=url,
                limit=MAX_REDIRECTS,
            ),
            url=url,
        )

    def _read(self, raw: requests.Response, url: str) -> Response:
        shown = self.public_url(raw.url)
        declared = raw.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise SourceError(
                say(
                    "{url} berukuran {size} byte, melebihi batas {limit}",
                    "{url} is {size} bytes, over the cap of {limit}",
                    url=shown,
                    size=declared,
                    limit=self.max_bytes,
                ),
                url=url,
            )
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in raw.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > self.max_bytes:
                    raise SourceError(
                        say(
                            "{url} melebihi batas {limit} byte; pengambilan dihentikan",
                            "{url} exceeds the cap of {limit} bytes; aborted",
                            url=shown,
                            limit=self.max_bytes,
                        ),
                        url=url,
                    )
                chunks.append(chunk)
        except requests.exceptions.ChunkedEncodingError as exc:
            raise SourceError(
                say(
                    "jawaban dari {url} terputus setelah {size} byte: {error}",
                    "body from {url} was cut short after {size} bytes: {error}",
                    url=shown,
                    size=size,
                    error=str(exc),
                ),
                url=url,
            ) from None
        except requests.exceptions.ContentDecodingError as exc:
            raise SourceError(
                say(
                    "jawaban dari {url} tidak dapat didekode: {error}",
                    "body from {url} cannot be decoded: {error}",
                    url=shown,
                    error=str(exc),
                ),
                url=url,
            ) from None
        return Response(shown, raw.status_code, b"".join(chunks), dict(raw.headers))

    def _checked(self, response: Response, attempt: int) -> Response:
        if response.status < 400 or response.status == 304:
            return response
        tried = (
            say(
                " setelah {attempts} kali dicoba",
                " after {attempts} attempts",
                attempts=attempt + 1,
            )
            if attempt
            else ""
        )
        LOG.debug(
            "%s answered %s; body starts %r",
            self.clean(response.url),
            response.status,
            self._masked(_preview(response.content)),
        )
        raise HttpStatusError(
            say(
                "{url} menjawab {status}{tried}",
                "{url} answered {status}{tried}",
                url=response.url,
                status=response.status,
                tried=tried,
            ),
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
                say(
                    "{url} menjawab {status} dan meminta dicoba ulang setelah {asked:.0f} detik, "
                    "lebih lama dari {wait:.0f} detik yang boleh ditunggu proses ini",
                    "{url} answered {status} and asks to retry after {asked:.0f}s, more than "
                    "the {wait:.0f}s this run may wait",
                    url=response.url,
                    status=response.status,
                    asked=asked,
                    wait=self.max_wait,
                ),
                url=response.url,
                status=response.status,
                body=response.content,
            )
        return max(asked, 0.0)


def connection_options(conn: ConnectionInfo) -> dict[str, Any]:
    """The HttpClient options a Connection sets besides its credentials: the hosts it lets
    redirects go to (``extra.allowed_redirect_hosts``)."""
    return {"allowed_redirect_hosts": conn.extra.get("allowed_redirect_hosts") or ()}


def client_for(
    conn: ConnectionInfo,
    hook_params: Mapping[str, Any] | None = None,
    *,
    auth: str | None = None,
    implied_auth: str | None = None,
    **kwargs: Any,
) -> HttpClient:
    """The HttpClient for a connector on `conn`.

    Credentials in the `auth` style (see `tangerang_hub.auth`), the Connection's
    ``extra.allowed_redirect_hosts``, and the contract's optional ``timeout``, ``retries``,
    ``max_bytes``, ``backoff`` and ``max_wait`` from `hook_params`; `kwargs` win over both.
    """
    params = hook_params or {}
    for name in ("timeout", "retries", "max_bytes", "backoff", "max_wait"):
        if name in params and name not in kwargs:
            kwargs[name] = params[name]
    creds = credentials(conn, auth, implied=implied_auth)
    return HttpClient(
        conn.base_url, **{**connection_options(conn), **creds.client_kwargs(), **kwargs}
    )
