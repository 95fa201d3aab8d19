"""Download one file (CSV, JSON, XLSX...) as it is; the engine parses it."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from tangerang_hub.http_client import HttpClient, client_for
from tangerang_hub.sources.base import RawBatch, SourceHook, unchanged


class HttpCsvHook(SourceHook):
    """``params``: ``path`` (relative to the connection's base URL) or ``url``; optional
    ``filename``, ``media_type``, ``timeout``, ``retries``, ``max_bytes``."""

    conn_type = "http"
    hook_name = "HTTP file"
    source_type = "http_csv"

    def get_conn(self) -> HttpClient:
        return client_for(self.connection, self.params, auth=self.param("auth"))

    def fetch(self, *, state: Mapping[str, Any] | None = None, since: Any = None) -> RawBatch:
        target = self.param("url") or self.param("path", required=True)
        client = self.get_conn()
        url = client.url(target)
        filename = self.param("filename") or posixpath.basename(urlsplit(url).path) or "data.csv"
        # The client adds the connection's query key itself, and only on its own origin.
        query = dict(self.param("query") or {})
        response = client.get(url, params=query or None, state=state)
        media_type = self.param("media_type") or response.media_type
        if response.not_modified:
            return unchanged(url, filename, media_type, state or {})
        return RawBatch(
            records=None,
            content=response.content,
            filename=filename,
            media_type=media_type,
            etag=response.etag,
            last_modified=response.last_modified,
            source_url=client.public_url(response.url),
        )
