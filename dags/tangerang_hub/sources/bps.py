"""BPS WebAPI (webapi.bps.go.id): list models and dynamic tables (``model=data``).

``params``: ``model`` (``data`` default, or a list model: subject, var, statictable, th,
vervar, ...), ``domain`` (``3671``), ``var`` (for data), ``years`` ([first, last] or a list)
or ``th`` (raw BPS syntax), ``lang`` (``ind``), ``api_path`` (``v1/api``), ``perpage`` (100),
``columns`` (renames). The API key is the Connection's password (or ``extra.token``); it
travels as the ``key`` path segment (`tangerang_hub.auth`'s ``path`` style).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from tangerang_hub.auth import PATH_SECRET
from tangerang_hub.http_client import HttpClient, HttpStatusError, client_for
from tangerang_hub.sources.base import RawBatch, SourceError, SourceHook
from tangerang_hub.sources.records import shape
from tangerang_quality.masking import mask_identifiers
from tangerang_quality.texts import Said, say

YEAR_OFFSET = 1900
LEVEL_BY_DIGITS = {4: "kota", 7: "kecamatan", 10: "kelurahan"}


class BpsError(SourceError):
    """BPS said no: data not available, a bad key, quota, or a malformed request."""


def th_codes(years: Any) -> str:
    """BPS ``th`` parameter from years: ``[2019, 2024]`` -> ``119:124``; ``[2020]`` -> ``120``."""
    if isinstance(years, int | str):
        years = [years]
    values = [int(y) - YEAR_OFFSET for y in years]
    if len(values) == 2 and values[0] < values[1]:
        return f"{values[0]}:{values[1]}"
    return ";".join(str(v) for v in values)


def year_of(tahun_val: Any, label: Any = None) -> int:
    """Calendar year from a ``tahun`` item: the label when it is a year, else val + 1900."""
    text = str(label or "").strip()
    if text.isdigit() and len(text) == 4:
        return int(text)
    return int(tahun_val) + YEAR_OFFSET


def check_status(payload: Any, what: str | Said) -> None:
    """Raise BpsError for BPS's error and not-available envelopes (BPS's own message
    quoted with identifiers masked). `what` names the request in the message."""
    if not isinstance(payload, Mapping):
        raise BpsError(
            say(
                "BPS menjawab {what} dengan {kind}, bukan objek",
                "BPS answered {what} with a {kind}, not an object",
                what=what,
                kind=type(payload).__name__,
            )
        )
    if str(payload.get("status", "")).lower() == "error":
        said = mask_identifiers(str(payload.get("message") or payload.get("message2") or ""))
        message = said or say("galat tidak dikenal", "unknown error")
        lowered = said.lower()
        if "quota" in lowered or "limit" in lowered:
            raise BpsError(
                say(
                    "kuota BPS habis untuk {what}: {message}",
                    "BPS quota exhausted for {what}: {message}",
                    what=what,
                    message=message,
                )
            )
        if "key" in lowered:
            raise BpsError(
                say(
                    "BPS menolak kunci API untuk {what}: {message}",
                    "BPS rejected the API key for {what}: {message}",
                    what=what,
                    message=message,
                )
            )
        raise BpsError(
            say(
                "BPS mengirim galat untuk {what}: {message}",
                "BPS error for {what}: {message}",
                what=what,
                message=message,
            )
        )
    availability = payload.get("data-availability")
    if availability in ("not-available", "list-not-available"):
        raise BpsError(
            say(
                "BPS tidak memiliki data untuk {what} (data-availability: {availability})",
                "BPS has no data for {what} (data-availability: {availability})",
                what=what,
                availability=availability,
            )
        )


def decode_datacontent(
    payload: Mapping[str, Any], what: str | Said = "model=data"
) -> list[dict[str, Any]]:
    """Tidy rows from a ``model=data`` response.

    A ``datacontent`` key is vervar + var + turvar + tahun + turtahun glued without
    separators, so keys are generated from the metadata lists and looked up, never split.
    """
    check_status(payload, what)
    content = payload.get("datacontent") or {}
    dims = {name: payload.get(name) or [] for name in ("vervar", "var", "turvar", "tahun")}
    turtahun = payload.get("turtahun") or [{"val": 0, "label": "Tahun"}]
    if not all(dims.values()):
        missing = [k for k, v in dims.items() if not v]
        raise BpsError(
            say(
                "jawaban data BPS tidak memuat {missing}",
                "BPS data response lacks {missing}",
                missing=", ".join(missing),
            )
        )
    grid: dict[str, tuple[dict[str, Any], ...]] = {}
    for combo in itertools.product(
        dims["vervar"], dims["var"], dims["turvar"], dims["tahun"], turtahun
    ):
        key = "".join(str(item["val"]) for item in combo)
        if key in grid:
            raise BpsError(
                say(
                    "kunci datacontent BPS {key} ambigu: cocok dengan dua kombinasi",
                    "BPS datacontent key {key} is ambiguous between two combinations",
                    key=key,
                )
            )
        grid[key] = combo
    unknown = [k for k in content if k not in grid]
    if unknown:
        raise BpsError(
            say(
                "{count} kunci datacontent tidak cocok dengan kombinasi metadata mana pun, "
                "misalnya {first}",
                "{count} datacontent keys match no metadata combination, e.g. {first}",
                count=len(unknown),
                first=unknown[0],
            )
        )
    label_vervar = payload.get("labelvervar") or "vervar"
    rows = []
    for key, combo in grid.items():
        if key not in content:
            continue  # BPS leaves out combinations without data
        vervar, var, turvar, tahun, period = combo
        code = str(vervar["val"])
        rows.append(
            {
                "wilayah_kode": code,
                "wilayah": vervar.get("label"),
                "label_vervar": label_vervar,
                "kode_kemendagri": _kemendagri(code),
                "var_id": str(var["val"]),
                "variabel": var.get("label"),
                "satuan": var.get("unit"),
                "turvar_kode": str(turvar["val"]),
                "turvar": turvar.get("label"),
                "tahun": year_of(tahun["val"], tahun.get("label")),
                "periode_kode": str(period["val"]),
                "periode": period.get("label"),
                "nilai": content[key],
            }
        )
    return rows


def _kemendagri(code: str) -> str | None:
    level = LEVEL_BY_DIGITS.get(len(code)) if code.isdigit() else None
    if level is None or not code.startswith("3671"):
        return None
    if level == "kota":
        return "36.71"
    from tangerang_hub.reference import to_kemendagri

    return to_kemendagri(code, level)


def list_items(payload: Any, what: str | Said) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(pagination info, items) of a ``list`` model response."""
    check_status(payload, what)
    data = payload.get("data")
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[1], list)):
        raise BpsError(
            say(
                "BPS {what}: diharapkan data = [pagination, items], ditemukan {kind}",
                "BPS {what}: expected data = [pagination, items], got {kind}",
                what=what,
                kind=str(type(data)),
            )
        )
    return dict(data[0] or {}), [dict(item) for item in data[1]]


class BpsHook(SourceHook):
    conn_type = "http"
    hook_name = "BPS WebAPI"
    source_type = "bps"
    default_conn_name = "bps_webapi"

    def get_conn(self) -> HttpClient:
        return client_for(self.connection, self.params, auth="path")

    def _url(self, segments: dict[str, Any]) -> str:
        path = self.param("api_path", "v1/api").strip("/")
        parts = [f"{name}/{quote(str(value), safe=':;')}" for name, value in segments.items()]
        # The client puts the key in place of PATH_SECRET, on BPS's own origin only.
        return f"{path}/list/" + "/".join(parts) + f"/key/{PATH_SECRET}/"

    def _get(self, client: HttpClient, segments: dict[str, Any], what: str | Said) -> Any:
        """The payload, checked: BPS's refusals raise BpsError with the key masked."""
        try:
            try:
                payload = client.get_json(self._url(segments))
            except HttpStatusError as exc:
                # BPS explains refusals in a JSON body; surface that rather than the status.
                try:
                    payload = json.loads(exc.body)
                except ValueError:
                    raise exc from None
                check_status(payload, what)
                raise
            check_status(payload, what)
        except BpsError as exc:
            raise exc.masked(client.clean) from None
        return payload

    def fetch(self, *, state: Mapping[str, Any] | None = None, since: Any = None) -> RawBatch:
        client = self.get_conn()
        model = self.param("model", "data")
        domain = str(self.param("domain", "3671"))
        base = {"model": model, "lang": self.param("lang", "ind"), "domain": domain}
        if model == "data":
            var = self.param("var", required=True)
            segments = {**base, "var": var}
            th = self.param("th") or (
                th_codes(self.param("years")) if self.param("years") else None
            )
            if th:
                segments["th"] = th
            what = say(
                "var {var} di domain {domain}{th}",
                "var {var} in domain {domain}{th}",
                var=var,
                domain=domain,
                th=f" (th {th})" if th else "",
            )
            rows = decode_datacontent(self._get(client, segments, what), what)
            pages = 1
        else:
            what = say(
                "model daftar {model} di domain {domain}",
                "list model {model} in domain {domain}",
                model=model,
                domain=domain,
            )
            rows, pages = self._all_pages(client, base, what)
        return RawBatch(
            records=shape(rows, self.params),
            content=None,
            filename=f"bps-{domain}-{model}-{self.param('var', 'list')}.json",
            media_type="application/json",
            source_url=client.public_url(client.url(self._url(base))),
            meta={"pages": pages, "records": len(rows)},
        )

    def _all_pages(
        self, client: HttpClient, base: dict[str, Any], what: Said
    ) -> tuple[list[dict[str, Any]], int]:
        per_page = int(self.param("perpage", 100))
        extra = {k: self.param(k) for k in ("subject", "var", "keyword") if self.param(k)}
        items: list[dict[str, Any]] = []
        page, pages = 1, 1
        while page <= pages:
            segments = {**base, **extra, "page": page, "perpage": per_page}
            asked = say("{what} halaman {page}", "{what} page {page}", what=what, page=page)
            info, chunk = list_items(self._get(client, segments, asked), what)
            pages = int(info.get("pages") or 1)
            items.extend(chunk)
            page += 1
        return items, pages

    def test_connection(self) -> tuple[bool, str]:
        try:
            client = self.get_conn()
            domain = str(self.param("domain", "3671"))
            segments = {"model": "subject", "lang": "ind", "domain": domain, "page": 1}
            subjects = say("daftar subjek", "subjects")
            list_items(self._get(client, segments, subjects), subjects)
        except SourceError as exc:
            return False, str(exc)
        return True, "BPS WebAPI answered with the subject list"
