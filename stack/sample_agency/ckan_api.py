"""A small CKAN Action API (as Satu Data Banten would run it) with DataStore paging."""

from __future__ import annotations

import json
import random
import uuid
from functools import cache
from typing import Any
from urllib.parse import urlencode

from replies import Reply, first, int_param, json_reply

PREFIX = "/satudata/api/3/action/"
HELP = "http://127.0.0.1/satudata/api/3/action/help_show?name={}"
NS = uuid.UUID("6f1c1c1e-36a7-4d4e-9b1e-367100000000")
KABKOTA = [
    ("36.01", "Kabupaten Pandeglang"), ("36.02", "Kabupaten Lebak"),
    ("36.03", "Kabupaten Tangerang"), ("36.04", "Kabupaten Serang"),
    ("36.71", "Kota Tangerang"), ("36.72", "Kota Cilegon"),
    ("36.73", "Kota Serang"), ("36.74", "Kota Tangerang Selatan"),
]  # fmt: skip
YEARS = range(2019, 2025)
ORGS = {
    "bappeda-banten": "Bappeda Provinsi Banten",
    "disnakertrans-banten": "Dinas Tenaga Kerja dan Transmigrasi Provinsi Banten",
}


def _ipm_records() -> list[dict[str, Any]]:
    rows = []
    for code, name in KABKOTA:
        base = random.Random(f"ipm:{code}").uniform(64.5, 81.5)
        for i, year in enumerate(YEARS):
            rows.append(
                {"kode_wilayah": code, "nama_wilayah": name, "tahun": year,
                 "ipm": round(base + 0.45 * i, 2)}
            )  # fmt: skip
    return rows


def _tpt_records() -> list[dict[str, Any]]:
    # Regional-portal quirks: numbers stored as text, and a total row among the data.
    rows: list[dict[str, Any]] = []
    for code, name in KABKOTA:
        rng = random.Random(f"tpt:{code}")
        rows.append(
            {"Kode": code, "Kabupaten/Kota": name}
            | {str(y): f"{rng.uniform(5.5, 11.5):.2f}" for y in YEARS}
        )
    rows.append({"Kode": "", "Kabupaten/Kota": "Jumlah Total"} | {str(y): "" for y in YEARS})
    return rows


@cache
def _packages() -> list[dict[str, Any]]:
    specs = [
        ("indeks-pembangunan-manusia-kabupaten-kota-banten",
         "Indeks Pembangunan Manusia (IPM) Kabupaten/Kota di Provinsi Banten",
         "bappeda-banten", _ipm_records(),
         {"kode_wilayah": "text", "nama_wilayah": "text", "tahun": "int", "ipm": "numeric"}),
        ("tingkat-pengangguran-terbuka-kabupaten-kota-banten",
         "Tingkat Pengangguran Terbuka (TPT) Kabupaten/Kota di Provinsi Banten",
         "disnakertrans-banten", _tpt_records(),
         {"Kode": "text", "Kabupaten/Kota": "text"} | {str(y): "text" for y in YEARS}),
    ]  # fmt: skip
    packages = []
    for name, title, org, records, fields in specs:
        package_id = str(uuid.uuid5(NS, name))
        resource_id = str(uuid.uuid5(NS, name + ":csv"))
        packages.append(
            {
                "id": package_id,
                "name": name,
                "title": title,
                "notes": f"{title}. Data contoh untuk pengujian harvest.",
                "license_id": "cc-by",
                "metadata_created": "2024-02-01T03:00:00.000000",
                "metadata_modified": "2025-03-01T03:00:00.000000",
                "organization": {"id": str(uuid.uuid5(NS, org)), "name": org,
                                 "title": ORGS[org], "type": "organization"},
                "tags": [{"name": "banten"}, {"name": "kabupaten-kota"}],
                "num_resources": 1,
                "resources": [
                    {"id": resource_id, "package_id": package_id, "name": title,
                     "format": "CSV", "datastore_active": True,
                     "url": f"http://127.0.0.1/satudata/dataset/{name}/resource/{resource_id}"}
                ],
                "_records": [{"_id": i, **r} for i, r in enumerate(records, 1)],
                "_fields": [{"id": "_id", "type": "int"}]
                + [{"id": k, "type": t} for k, t in fields.items()],
            }
        )  # fmt: skip
    return packages


def _public(package: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in package.items() if not k.startswith("_")}


def _ok(action: str, result: Any) -> Reply:
    return json_reply({"help": HELP.format(action), "success": True, "result": result})


def _fail(action: str, kind: str, message: str, status: int) -> Reply:
    error = {"__type": kind, "message": message}
    return json_reply({"help": HELP.format(action), "success": False, "error": error}, status)


def _package_search(query: dict[str, list[str]]) -> Reply:
    q = (first(query, "q", "") or "").lower().strip()
    fq = first(query, "fq", "") or ""
    rows = int_param(query, "rows", 10, 0, 1000)
    start = int_param(query, "start", 0, 0, 100_000)
    found = _packages()
    if q and q != "*:*":
        found = [p for p in found if q in (p["title"] + " " + p["notes"]).lower()]
    for clause in fq.split():
        if clause.startswith("organization:"):
            org = clause.split(":", 1)[1].strip('"')
            found = [p for p in found if p["organization"]["name"] == org]
    page = [_public(p) for p in found[start : start + rows]]
    return _ok(
        "package_search",
        {"count": len(found), "results": page, "facets": {}, "search_facets": {},
         "sort": "score desc, metadata_modified desc"},
    )  # fmt: skip


def _datastore_search(query: dict[str, list[str]]) -> Reply:
    action = "datastore_search"
    resource_id = first(query, "resource_id")
    package = next((p for p in _packages() if p["resources"][0]["id"] == resource_id), None)
    if package is None:
        return _fail(action, "Not Found Error", f'Resource "{resource_id}" was not found.', 404)
    limit = int_param(query, "limit", 100, 0, 32_000)
    offset = int_param(query, "offset", 0, 0, 1_000_000)
    records = package["_records"]
    filters = first(query, "filters")
    if filters:
        try:
            wanted = json.loads(filters)
        except json.JSONDecodeError:
            return _fail(action, "Validation Error", "filters: Invalid JSON", 409)
        records = [r for r in records if all(str(r.get(k)) == str(v) for k, v in wanted.items())]
    base = f"/satudata/api/3/action/datastore_search?resource_id={resource_id}"
    extra = {"limit": limit} if first(query, "limit") else {}
    return _ok(
        action,
        {
            "include_total": True,
            "limit": limit,
            "records_format": "objects",
            "resource_id": resource_id,
            "total_estimation_threshold": None,
            "records": records[offset : offset + limit],
            "fields": package["_fields"],
            "_links": {
                "start": base,
                "next": base + "&" + urlencode({**extra, "offset": offset + limit}),
            },
            "total": len(records),
            "total_was_estimated": False,
        },
    )


def handle(path: str, query: dict[str, list[str]]) -> Reply | None:
    if not path.startswith(PREFIX):
        return None
    action = path[len(PREFIX) :].strip("/")
    if action == "package_search":
        return _package_search(query)
    if action == "package_show":
        wanted = first(query, "id")
        for package in _packages():
            if wanted in (package["id"], package["name"]):
                return _ok(action, _public(package))
        return _fail(action, "Not Found Error", "Not found", 404)
    if action == "organization_list":
        return _ok(action, sorted(ORGS))
    if action == "datastore_search":
        return _datastore_search(query)
    return _fail(action, "Not Found Error", f"Action name not known: {action}", 400)
