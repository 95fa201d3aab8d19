"""A small in-memory dataset contract for tests that need one without a YAML file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tangerang_hub.contracts import Contract, Field, Source

# The smallest valid contract YAML mapping (as a file holds it), for tests that write one.
MINIMAL = {
    "id": "contoh",
    "title": "Contoh dataset",
    "description": "Dataset contoh untuk pengujian kontrak.",
    "producer": "diskominfo",
    "dimensions": ["governance"],
    "frequency": "tahunan",
    "level": "kecamatan",
    "schedule": "0 3 * * *",
    "source": {"type": "http_csv", "conn_id": "agency_sample", "params": {"path": "/x.csv"}},
    "fields": [
        {"name": "kecamatan", "type": "string", "title": "Kecamatan", "reference": "kecamatan"},
        {"name": "tahun", "type": "year", "title": "Tahun"},
        {"name": "jumlah", "type": "integer", "title": "Jumlah", "constraints": {"minimum": 0}},
    ],
    "primary_key": ["kecamatan", "tahun"],
}


def make_contract(
    fields: list[Field],
    *,
    primary_key: tuple[str, ...] = (),
    quality: dict[str, Any] | None = None,
    **overrides: Any,
) -> Contract:
    values: dict[str, Any] = {
        "id": "uji-dataset",
        "title": "Dataset uji",
        "description": "Dataset untuk pengujian gerbang kualitas.",
        "producer": "diskominfo",
        "dimensions": ("governance",),
        "frequency": "bulanan",
        "level": "kecamatan",
        "sdi": {
            "topik": "Pemerintahan",
            "walidata": {"nama": "Diskominfo", "email": "satudata@tangerangkota.go.id"},
        },
        "license": "CC-BY-4.0",
        "access": "terbuka",
        "schedule": "0 2 1 * *",
        "source": Source(type="http_csv", conn_id=None, params={}),
        "fields": tuple(fields),
        "primary_key": primary_key,
        "formats": ("csv", "parquet"),
        "datastore": True,
        "quality": quality or {},
        "sample": True,
        "tags": (),
        "path": Path("uji-dataset.yaml"),
    }
    values.update(overrides)
    return Contract(**values)
