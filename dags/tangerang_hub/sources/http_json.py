"""Generic paginated JSON API: page/per_page, offset/limit, next link or cursor.

``params``:
  path            endpoint, relative to the connection's base URL (or ``url``)
  query           fixed query parameters
  records         dotted path to the list of records (``data``, ``result.items``)
  pagination      ``{"style": "none"|"page"|"offset"|"next"|"cursor", ...}`` with
                  page: ``page_param`` (page), ``size_param`` (per_page), ``size`` (100),
                        ``start`` (1), ``last_page`` (dotted path to the page count, optional)
                  offset: ``offset_param`` (offset), ``limit_param`` (limit), ``size`` (100),
                        ``total`` (dotted path to the total, optional)
                  next: ``next`` (dotted path to the next URL, e.g. ``links.next``)
                  cursor: ``cursor_param`` (cursor), ``next`` (path to the next cursor),
                        ``size_param``/``size`` (optional)
  max_pages       safety stop (1000)
  flatten/exclude/columns  record shaping, see `records.shape`
  auth            auth style override, see `auth.credentials`
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tangerang_hub.egress import origin
from tangerang_hub.http_client import HttpClient, Response, client_for
from tangerang_hub.sources.base import RawBatch, SourceError, SourceHook, unchanged
from tangerang_hub.sources.records import at_path, find_records, shape
from tangerang_quality.texts import say

STYLES = ("none", "page", "offset", "next", "cursor")


class HttpJsonHook(SourceHook):
    conn_type = "http"
    hook_name = "HTTP JSON API"
    source_type = "http_json"

    def get_conn(self) -> HttpClient:
        return client_for(self.connection, self.params, auth=self.param("auth"))

    def fetch(self, *, state: Mapping[str, Any] | None = None, since: Any = None) -> RawBatch:
        client = self.get_conn()
        url = client.url(self.param("url") or self.param("path", required=True))
        paging: Mapping[str, Any] = self.param("pagination") or {}
        style = paging.get("style", "none")
        if style not in STYLES:
            raise SourceError(
                say(
                    "{hook}: pagination.style harus salah satu dari {styles}",
                    "{hook}: pagination.style must be one of {styles}",
                    hook=self.hook_name,
                    styles=STYLES,
                )
            )
        # The client adds the connection's query key itself, and only on its own origin.
        query = dict(self.param("query") or {})
        records: list[dict[str, Any]] = []
        first: Response | None = None
        pages = 0
        # Only an unpaginated resource can be validated by one conditional request.
        conditional = state if style == "none" else None
        pages_iter = self._pages(client, url, query, style, paging, conditional)
        for response, page in pages_iter:
            first = first or response
            if response.not_modified:
                return unchanged(url, self._filename(), "application/json", state or {})
            records.extend(page)
            pages += 1
        assert first is not None
        return RawBatch(
            records=shape(records, self.params),
            content=None,
            filename=self._filename(),
            media_type="application/json",
            etag=first.etag if style == "none" else None,
            last_modified=first.last_modified if style == "none" else None,
            source_url=client.clean(url),
            meta={"pages": pages, "records": len(records)},
        )

    def _filename(self) -> str:
        return str(self.param("filename") or f"{self.param('path', 'data').strip('/')}.json")

    def _pages(
        self,
        client: HttpClient,
        url: str,
        query: dict[str, Any],
        style: str,
        paging: Mapping[str, Any],
        state: Mapping[str, Any] | None,
    ) -> Iterator[tuple[Response, list[dict[str, Any]]]]:
        path = self.param("records")
        max_pages = int(self.param("max_pages", 1000))
        size = int(paging.get("size", 100))
        next_url: str | None = url
        page_no = int(paging.get("start", 1))
        offset = 0
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(max_pages):
            params = dict(query)
            if style == "page":
                params[paging.get("page_param", "page")] = page_no
                params[paging.get("size_param", "per_page")] = size
            elif style == "offset":
                params[paging.get("offset_param", "offset")] = offset
                params[paging.get("limit_param", "limit")] = size
            elif style == "cursor":
                if paging.get("size_param"):
                    params[paging["size_param"]] = size
                if cursor:
                    params[paging.get("cursor_param", "cursor")] = cursor
            target = next_url if style == "next" else url
            assert target is not None
            response = client.get(target, params=params or None, state=state)
            if response.not_modified:
                yield response, []
                return
            document = response.json()
            rows = find_records(document, path, client.clean(response.url))
            yield response, rows
            if style == "none" or not rows:
                return
            if style == "page":
                last = at_path(document, paging.get("last_page"))
                if (last is not None and page_no >= int(last)) or len(rows) < size:
                    return
                page_no += 1
            elif style == "offset":
                offset += len(rows)
                total = at_path(document, paging.get("total"))
                if (total is not None and offset >= int(total)) or len(rows) < size:
                    return
            elif style == "next":
                link = at_path(document, paging.get("next", "links.next"))
                if not link:
                    return
                next_url = client.url(str(link))
                if origin(next_url) != origin(url):
                    # A paginated API does not move hosts: a link elsewhere is refused
                    # rather than followed (with or without the credentials).
                    raise SourceError(
                        say(
                            "{hook}: tautan berikutnya {next} keluar dari asal {url}; "
                            "tautan itu tidak diikuti",
                            "{hook}: next link {next} leaves {url}'s origin; refusing to follow it",
                            hook=self.hook_name,
                            next=client.clean(next_url),
                            url=client.clean(url),
                        )
                    )
                query = {}  # the next link carries its own query
                if next_url in seen:
                    raise SourceError(
                        say(
                            "{next} menaut ke dirinya sendiri: halaman berulang tanpa akhir",
                            "{next} links to itself: paging loops",
                            next=client.clean(next_url),
                        )
                    )
                seen.add(next_url)
            else:
                cursor = at_path(document, paging.get("next", "next_cursor"))
                if not cursor:
                    return
                if cursor in seen:
                    raise SourceError(
                        say(
                            "kursor {cursor!r} berulang di {url}",
                            "cursor {cursor!r} repeats at {url}",
                            cursor=cursor,
                            url=client.clean(url),
                        )
                    )
                seen.add(str(cursor))
        raise SourceError(
            say(
                "{url}: lebih dari {max_pages} halaman; naikkan max_pages",
                "{url}: more than {max_pages} pages; raise max_pages",
                url=client.clean(url),
                max_pages=max_pages,
            )
        )
