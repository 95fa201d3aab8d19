"""The OpenAPI 3.1 document of one dataset's DataStore table (``/dataset/<id>/openapi.json``).

``document(package, resource, fields, contract, site_url)`` builds it from three things the
catalog already has, and from nothing else:

- the DataStore columns of the resource (``datastore_info``: id, PostgreSQL type and the Data
  Dictionary's label and notes), which say what ``datastore_search`` returns;
- the dataset contract the hub published it from (``schemas/datasets/<contract_id>.yaml`` or
  ``schemas/catalog/``, read through ``hub_tables``; absent for datasets made by hand), whose
  titles, descriptions and constraints (required, enum, pattern, minimum, maximum, primary key)
  narrow each column's JSON Schema;
- the dataset's metadata (title, licence, walidata, version: the last run and sha256).

The document has one operation, ``GET /datastore_search`` on ``<site_url>/api/3/action``, with
``resource_id`` fixed to the resource and the parameters ``q``, ``filters`` (a JSON object of
column -> value or list of values), ``limit``, ``offset``, ``sort``, ``fields``, ``distinct`` and
``include_total``; its responses: 200 with every column's type, 400 (a ``filters`` that is not
JSON), 403, 404 and 409 (CKAN's validation errors). Every description is in Bahasa Indonesia.

What the schemas promise is what the server accepts: a text value may not contain the NUL
character (PostgreSQL text cannot hold it), a ``timestamp`` filter is ``YYYY-MM-DDTHH:MM:SS``
(the wall-clock WIB time the hub stores), ``limit`` is at most ``ckan.datastore.search.rows_max``.
"""

from __future__ import annotations

import re
from typing import Any

from ckanext.tangerang import hub_tables

OPENAPI_VERSION = "3.1.0"
# A contract id as the hub writes it: the file name under schemas/, never a path.
CONTRACT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
CONTRACT_FOLDERS = ("datasets", "catalog")
# PostgreSQL text cannot hold NUL; everything else is a valid value.
NO_NUL = "^[^\\u0000]*$"
TIMESTAMP = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?$"
# A filter value the DataStore can compare with a timestamp column (a valid wall-clock time).
TIMESTAMP_FILTER = (
    "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
    "T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
)
INT8 = {"minimum": -(2**63), "maximum": 2**63 - 1}
INT4 = {"minimum": -(2**31), "maximum": 2**31 - 1}

# DataStore (PostgreSQL) type -> JSON Schema of a value as datastore_search returns it.
VALUE_SCHEMAS: dict[str, dict[str, Any]] = {
    "text": {"type": "string"},
    "int": {"type": "integer", **INT4},
    "int4": {"type": "integer", **INT4},
    "int8": {"type": "integer", **INT8},
    "bigint": {"type": "integer", **INT8},
    "numeric": {"type": "number"},
    "float8": {"type": "number"},
    "float4": {"type": "number"},
    "bool": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "timestamp": {"type": "string", "pattern": TIMESTAMP},
}
TYPE_NAMES = {
    "text": "teks",
    "int": "bilangan bulat",
    "int4": "bilangan bulat",
    "int8": "bilangan bulat",
    "bigint": "bilangan bulat",
    "numeric": "bilangan desimal",
    "float8": "bilangan desimal",
    "float4": "bilangan desimal",
    "bool": "benar/salah",
    "date": "tanggal (YYYY-MM-DD)",
    "timestamp": "waktu lokal WIB (YYYY-MM-DDTHH:MM:SS)",
}
CONSTRAINT_KEYS = ("enum", "pattern", "minimum", "maximum")
ROWS_TAG = "Baris data"


def contract(contract_id: str | None) -> dict[str, Any] | None:
    """The hub's contract of that id from ``schemas/datasets`` or ``schemas/catalog``;
    None when there is none (or the id could not be a contract file's name)."""
    if not contract_id or not CONTRACT_ID.match(contract_id):
        return None
    for folder in CONTRACT_FOLDERS:
        path = hub_tables.schemas_dir() / folder / f"{contract_id}.yaml"
        if path.is_file():
            return hub_tables.table(f"{folder}/{contract_id}.yaml")
    return None


def _contract_fields(contract_dict: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    if not contract_dict:
        return {}
    return {f["name"]: f for f in contract_dict.get("fields") or [] if "name" in f}


def _value_schema(pg_type: str, spec: dict[str, Any] | None) -> dict[str, Any]:
    """A column's value (without null) narrowed by the contract's constraints."""
    schema = dict(VALUE_SCHEMAS.get(pg_type, {}))
    constraints = (spec or {}).get("constraints") or {}
    for key in CONSTRAINT_KEYS:
        if constraints.get(key) is None:
            continue
        if key == "enum":
            schema["enum"] = list(constraints["enum"])
        elif key == "pattern" and schema.get("type") == "string":
            schema["pattern"] = constraints["pattern"]
        elif key in ("minimum", "maximum") and schema.get("type") in ("integer", "number"):
            schema[key] = constraints[key]
    if schema.get("type") == "string" and not schema.keys() & {"pattern", "enum", "format"}:
        schema["pattern"] = NO_NUL
    return schema


def _description(field: dict[str, Any], spec: dict[str, Any] | None) -> str:
    info = field.get("info") or {}
    title = (spec or {}).get("title") or info.get("label") or field["id"]
    notes = (spec or {}).get("description") or info.get("notes") or ""
    kind = TYPE_NAMES.get(field["type"], field["type"])
    text = f"{title} ({kind})."
    return f"{text} {notes.strip()}" if notes.strip() else text


def _record_schema(fields: list[dict[str, Any]], specs: dict[str, dict[str, Any]]) -> dict:
    properties: dict[str, Any] = {
        "_id": {"type": "integer", "minimum": 1, "description": "Nomor baris di DataStore."},
    }
    for field in fields:
        if field["id"].startswith("_"):
            continue
        spec = specs.get(field["id"])
        value = _value_schema(field["type"], spec)
        required = bool(((spec or {}).get("constraints") or {}).get("required"))
        schema = value if required else {"anyOf": [value, {"type": "null"}]}
        properties[field["id"]] = {**schema, "description": _description(field, spec)}
    properties["rank"] = {
        "type": "number",
        "description": "Skor kecocokan pencarian teks penuh (hanya bila q diisi).",
    }
    return {
        "type": "object",
        "description": "Satu baris data. Dengan parameter fields, hanya kolom yang diminta.",
        "properties": properties,
        "additionalProperties": False,
    }


def _filters_schema(fields: list[dict[str, Any]], specs: dict[str, dict[str, Any]]) -> dict:
    properties: dict[str, Any] = {}
    for field in fields:
        if field["id"].startswith("_") or field["type"] not in VALUE_SCHEMAS:
            continue
        value = _value_schema(field["type"], specs.get(field["id"]))
        if field["type"] == "timestamp":
            value = {"type": "string", "pattern": TIMESTAMP_FILTER}
        properties[field["id"]] = {
            "description": f"Baris dengan {field['id']} sama dengan nilai ini (atau salah "
            "satu nilai daftar).",
            "oneOf": [value, {"type": "array", "items": value, "minItems": 1, "maxItems": 10}],
        }
    return {
        "type": "object",
        "description": "Saring baris: kolom -> nilai, atau kolom -> daftar nilai.",
        "properties": properties,
        "additionalProperties": False,
    }


def _field_list_schema(fields: list[dict[str, Any]]) -> dict:
    return {
        "type": "array",
        "description": "Definisi kolom hasil: id dan tipe PostgreSQL.",
        "items": {
            "type": "object",
            "required": ["id", "type"],
            "properties": {
                "id": {"type": "string"},
                "type": {"type": "string"},
                "info": {"type": "object"},
            },
        },
    }


def _result_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["resource_id", "records", "fields", "limit"],
        "properties": {
            "resource_id": {"type": "string"},
            "records": {"type": "array", "items": {"$ref": "#/components/schemas/Record"}},
            "fields": {"$ref": "#/components/schemas/Fields"},
            "total": {
                "type": "integer",
                "minimum": 0,
                "description": "Jumlah semua baris yang cocok (tanpa limit).",
            },
            "total_was_estimated": {"type": "boolean"},
            "limit": {"type": "integer", "minimum": 0},
            "offset": {"type": "integer", "minimum": 0},
            "q": {"type": "string"},
            "filters": {"type": "object"},
            "sort": {"type": "string"},
            "distinct": {"type": "boolean"},
            "include_total": {"type": "boolean"},
            "include_next_page": {"type": "boolean"},
            "records_format": {"const": "objects"},
        },
    }


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _parameters(
    resource_id: str,
    fields: list[dict[str, Any]],
    rows_max: int,
    example_filter: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    columns = ["_id"] + [f["id"] for f in fields if not f["id"].startswith("_")]
    sorts = [f"{c} {order}" for c in columns for order in ("asc", "desc")]
    return [
        {
            "name": "resource_id",
            "in": "query",
            "required": True,
            "description": "Id sumber daya DataStore dataset ini (tetap).",
            "schema": {"type": "string", "enum": [resource_id]},
        },
        {
            "name": "q",
            "in": "query",
            "description": "Pencarian teks penuh di semua kolom; kata dasar bahasa Indonesia "
            "dikenali (q=sehat menemukan kesehatan).",
            "schema": {"type": "string", "pattern": NO_NUL, "maxLength": 200},
        },
        {
            "name": "filters",
            "in": "query",
            "description": 'Saringan persis sebagai objek JSON, mis. {"kolom": "nilai"}.',
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/Filters"},
                    **({"example": example_filter} if example_filter else {}),
                }
            },
        },
        {
            "name": "limit",
            "in": "query",
            "description": f"Jumlah baris paling banyak (bawaan 100, maksimum {rows_max}).",
            "schema": {"type": "integer", "minimum": 0, "maximum": rows_max},
        },
        {
            "name": "offset",
            "in": "query",
            "description": "Lewati sekian baris pertama (untuk halaman berikutnya).",
            "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
        },
        {
            "name": "sort",
            "in": "query",
            "description": "Urutan: nama kolom diikuti asc (naik) atau desc (turun).",
            "schema": {"type": "string", "enum": sorts},
        },
        {
            "name": "fields",
            "in": "query",
            "description": "Kolom yang dikembalikan, dipisahkan koma (bawaan: semua).",
            "style": "form",
            "explode": False,
            "schema": {
                "type": "array",
                "items": {"type": "string", "enum": columns},
                "minItems": 1,
                "uniqueItems": True,
            },
        },
        {
            "name": "distinct",
            "in": "query",
            "description": "Hanya baris yang berbeda (gunakan bersama fields; sort harus "
            "memakai kolom yang diminta).",
            "schema": {"type": "boolean"},
        },
        {
            "name": "include_total",
            "in": "query",
            "description": "Sertakan jumlah semua baris yang cocok (bawaan: true).",
            "schema": {"type": "boolean"},
        },
    ]


def _version(package: dict[str, Any]) -> str:
    """The published version: the hub's last run and the file's sha256, else the metadata's
    last change."""
    if package.get("last_run_id") and package.get("sha256"):
        return f"{package['last_run_id']} (sha256 {package['sha256'][:12]})"
    return str(package.get("metadata_modified") or "1")


def document(
    package: dict[str, Any],
    resource: dict[str, Any],
    fields: list[dict[str, Any]],
    contract_dict: dict[str, Any] | None,
    site_url: str,
    rows_max: int = 32000,
    example_filter: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``datastore_search`` on ``resource`` (see the module);
    ``example_filter``, a real ``{column: value}`` of the table, is the example of
    ``filters`` (give one only for open data: it is a value of the rows)."""
    site = site_url.rstrip("/")
    specs = _contract_fields(contract_dict)
    key = list((contract_dict or {}).get("primary_key") or [])
    licence = {"name": package.get("license_title") or package.get("license_id") or "-"}
    if package.get("license_url"):
        licence["url"] = package["license_url"]
    description = (
        f"Baris tabel DataStore dataset **{package.get('title') or package['name']}** "
        f"({site}/dataset/{package['name']}), lewat Action API CKAN `datastore_search`. "
        "Kolom, tipe dan batasannya diambil dari kontrak dataset dan kamus data DataStore. "
        "Dataset terbuka dapat dibaca tanpa token; kirim token API di header `Authorization` "
        f"untuk dataset terbatas. Panduan: {site}/pengembang."
    )
    if key:
        description += f" Kunci utama: {', '.join(key)}."
    contact: dict[str, str] = {}
    if package.get("walidata_nama"):
        contact["name"] = package["walidata_nama"]
    if package.get("walidata_email"):
        contact["email"] = package["walidata_email"]
    info: dict[str, Any] = {
        "title": f"API DataStore: {package.get('title') or package['name']}",
        "version": _version(package),
        "description": description,
        "license": licence,
    }
    if contact:
        info["contact"] = contact
    return {
        "openapi": OPENAPI_VERSION,
        "info": info,
        "servers": [{"url": f"{site}/api/3/action", "description": "Action API CKAN"}],
        "externalDocs": {"description": "Portal pengembang", "url": f"{site}/pengembang"},
        "security": [{}, {"tokenApi": []}],
        "tags": [{"name": ROWS_TAG, "description": "Baca baris tabel DataStore dataset ini."}],
        "paths": {
            "/datastore_search": {
                "get": {
                    "operationId": "datastore_search",
                    "tags": [ROWS_TAG],
                    "summary": f"Cari baris {package.get('title') or package['name']}",
                    "description": "Baris tabel dengan saringan, pencarian teks, urutan dan "
                    "halaman. Tanpa limit: 100 baris pertama.",
                    "parameters": _parameters(resource["id"], fields, rows_max, example_filter),
                    "responses": {
                        "200": {
                            "description": "Baris yang cocok.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/SearchResponse"}
                                }
                            },
                        },
                        "400": _error_response("Permintaan tidak dapat dibaca (JSON rusak)."),
                        "403": _error_response("Tidak berhak membaca tabel ini."),
                        "404": _error_response("Tabel tidak ditemukan."),
                        "409": _error_response(
                            "Parameter ditolak (kolom, urutan atau nilai tidak sesuai)."
                        ),
                    },
                }
            }
        },
        "components": {
            "securitySchemes": {
                "tokenApi": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "Token API CKAN dari halaman profil Anda (Token API).",
                }
            },
            "schemas": {
                "Record": _record_schema(fields, specs),
                "Filters": _filters_schema(fields, specs),
                "Fields": _field_list_schema(fields),
                "SearchResponse": {
                    "type": "object",
                    "required": ["success", "result"],
                    "properties": {
                        "help": {"type": "string"},
                        "success": {"const": True},
                        "result": _result_schema(),
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["success", "error"],
                    "properties": {
                        "help": {"type": "string"},
                        "success": {"const": False},
                        "error": {
                            "type": "object",
                            "properties": {
                                "__type": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        },
                    },
                },
            },
        },
    }
