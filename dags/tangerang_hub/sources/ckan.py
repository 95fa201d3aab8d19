"""Harvest from another CKAN (Satu Data Indonesia, provincial portals).

``params``:
  api_path        ``api/3/action`` (the sample server uses ``satudata/api/3/action``)
  resource_id     read that DataStore resource, paging with ``limit``/``offset``;
  package         or the first DataStore-active resource of a package (``resource_name``
                  picks another);
  organization/q  or, with neither of the above, the catalogue: one row per resource of
                  the matching packages (``package_search`` paged with ``rows``/``start``)
  page_size       rows per request (1000)
  keep_id         keep DataStore's ``_id`` column (false)
  flatten/exclude/columns  record shaping, see `records.shape`
A token for private data is the Connection's password or ``extra.token``, sent as CKAN's
bare ``Authorization`` header unless the Connection or ``params.auth`` names another style.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tangerang_hub.http_client import HttpClient, HttpStatusError, client_for
from tangerang_hub.sources.base import RawBatch, SourceError, SourceHook
from tangerang_hub.sources.records import shape
from tangerang_quality.masking import mask_identifiers
from tangerang_quality.texts import say


def ckan_result(payload: Any, action: str) -> Any:
    """``result`` of a CKAN Action API envelope, or SourceError with CKAN's message
    (identifiers masked: the portal may quote its data)."""
    if not isinstance(payload, Mapping) or "success" not in payload:
        raise SourceError(
            say(
                "CKAN {action}: jawaban bukan amplop Action API",
                "CKAN {action}: the response is not an Action API envelope",
                action=action,
            )
        )
    if not payload["success"]:
        error = payload.get("error") or {}
        kind = error.get("__type", "Error") if isinstance(error, Mapping) else "Error"
        message = error.get("message", error) if isinstance(error, Mapping) else error
        raise SourceError(
            say(
                "CKAN {action} gagal: {kind}: {message}",
                "CKAN {action} failed: {kind}: {message}",
                action=action,
                kind=kind,
                message=message,
            )
        ).masked(mask_identifiers)
    return payload.get("result")


def datastore_page(payload: Any) -> tuple[list[dict[str, Any]], int | None, str | None]:
    """(records, total, next link) of one ``datastore_search`` response."""
    result = ckan_result(payload, "datastore_search")
    records = result.get("records")
    if not isinstance(records, list):
        raise SourceError(
            say(
                "CKAN datastore_search: result.records bukan daftar",
                "CKAN datastore_search: result.records is not a list",
            )
        )
    if result.get("records_format", "objects") != "objects":
        raise SourceError(
            say(
                "CKAN datastore_search: hanya records_format=objects yang didukung",
                "CKAN datastore_search: only records_format=objects is supported",
            )
        )
    total = result.get("total")
    return [dict(r) for r in records], total, (result.get("_links") or {}).get("next")


class CkanHook(SourceHook):
    conn_type = "http"
    hook_name = "CKAN harvest"
    source_type = "ckan"
    default_conn_name = "satudata_ckan"

    def get_conn(self) -> HttpClient:
        return client_for(
            self.connection, self.params, auth=self.param("auth"), implied_auth="ckan"
        )

    def _action(self, client: HttpClient, action: str, params: Mapping[str, Any]) -> Any:
        path = f"{self.param('api_path', 'api/3/action').strip('/')}/{action}"
        try:
            try:
                payload = client.get_json(path, params=params)
            except HttpStatusError as exc:
                try:
                    payload = json.loads(exc.body)
                except ValueError:
                    raise exc from None
                ckan_result(payload, action)
                raise
            return ckan_result(payload, action)
        except SourceError as exc:
            exc.masked(client.clean)  # the portal may echo the token
            raise

    def fetch(self, *, state: Mapping[str, Any] | None = None, since: Any = None) -> RawBatch:
        client = self.get_conn()
        resource_id = self.param("resource_id")
        if not resource_id and self.param("package"):
            resource_id = self._resource_of(client, str(self.param("package")))
        if resource_id:
            rows, pages = self._datastore(client, str(resource_id))
            if not self.param("keep_id", False):
                rows = [{k: v for k, v in r.items() if k != "_id"} for r in rows]
            filename = f"ckan-{resource_id}.json"
        elif self.param("organization") or self.param("q"):
            rows, pages = self._catalogue(client)
            filename = f"ckan-catalogue-{self.param('organization') or 'search'}.json"
        else:
            raise SourceError(
                say(
                    "{hook}: isi resource_id, package, organization atau q",
                    "{hook}: give resource_id, package, organization or q",
                    hook=self.hook_name,
                )
            )
        return RawBatch(
            records=shape(rows, self.params),
            content=None,
            filename=filename,
            media_type="application/json",
            source_url=client.url(self.param("api_path", "api/3/action")),
            meta={"pages": pages, "records": len(rows)},
        )

    def _resource_of(self, client: HttpClient, package: str) -> str:
        result = self._action(client, "package_show", {"id": package})
        wanted = self.param("resource_name")
        for resource in result.get("resources") or []:
            if wanted and resource.get("name") != wanted and resource.get("id") != wanted:
                continue
            if resource.get("datastore_active") or wanted:
                return str(resource["id"])
        raise SourceError(
            say(
                "paket CKAN {package!r} tidak memiliki sumber daya DataStore untuk dibaca",
                "CKAN package {package!r} has no DataStore resource to read",
                package=package,
            )
        )

    def _datastore(self, client: HttpClient, resource_id: str) -> tuple[list[dict[str, Any]], int]:
        size = int(self.param("page_size", 1000))
        rows: list[dict[str, Any]] = []
        offset, pages = 0, 0
        while True:
            params = {"resource_id": resource_id, "limit": size, "offset": offset}
            records, total, _next = datastore_page(
                {"success": True, "result": self._action(client, "datastore_search", params)}
            )
            pages += 1
            rows.extend(records)
            offset += len(records)
            # Stop on the total when CKAN gives one; `_links.next` is always present.
            if not records or (total is not None and offset >= int(total)) or len(records) < size:
                break
            if pages > 100_000:
                raise SourceError(
                    say(
                        "sumber daya CKAN {resource}: halaman tidak pernah berakhir",
                        "CKAN resource {resource}: paging does not end",
                        resource=resource_id,
                    )
                )
        return rows, pages

    def _catalogue(self, client: HttpClient) -> tuple[list[dict[str, Any]], int]:
        size = int(self.param("page_size", 100))
        params: dict[str, Any] = {"q": self.param("q", "*:*"), "rows": size}
        if self.param("organization"):
            params["fq"] = f"organization:{self.param('organization')}"
        rows: list[dict[str, Any]] = []
        start, pages = 0, 0
        while True:
            result = self._action(client, "package_search", {**params, "start": start})
            pages += 1
            packages = result.get("results") or []
            for package in packages:
                org = package.get("organization") or {}
                for resource in package.get("resources") or []:
                    rows.append(
                        {
                            "package_id": package.get("id"),
                            "package_name": package.get("name"),
                            "judul": package.get("title"),
                            "organisasi": org.get("name"),
                            "lisensi": package.get("license_id"),
                            "diperbarui": package.get("metadata_modified"),
                            "resource_id": resource.get("id"),
                            "resource_name": resource.get("name"),
                            "format": resource.get("format"),
                            "url": resource.get("url"),
                            "datastore_active": bool(resource.get("datastore_active")),
                        }
                    )
            start += len(packages)
            if not packages or start >= int(result.get("count") or 0):
                return rows, pages
