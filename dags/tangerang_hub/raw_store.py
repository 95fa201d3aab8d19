"""A source's raw batch kept as files, so the DAG's tasks hand each other only a reference.

`save_raw(batch, folder)` writes what the source returned, before anything else touches it
(`workdir.raw_dir(...)`): the bytes as they came, or the records as JSON, plus the file row of
each record when the source knows it (an Excel inbox). It returns a JSON-able reference
(path, kind, file name, media type, ETag, the source's validators); `load_raw(ref)` gives the
same `RawBatch` back. Between Airflow tasks the paths become store references
(`store.Store.share_raw`).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tangerang_hub.sources.base import RawBatch


def save_raw(batch: Any, folder: Path) -> dict[str, Any]:
    """Write the raw batch under `folder`; return a JSON-able reference to it."""
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(batch.filename or "data").name or "data"
    if batch.records is not None:
        path = folder / f"{name}.records.json"
        path.write_text(
            json.dumps(batch.records, ensure_ascii=False, default=_json_default, indent=1),
            encoding="utf-8",
        )
        kind = "records"
    else:
        path = folder / name
        path.write_bytes(batch.content or b"")
        kind = "content"
    ref_rows = None
    row_numbers = (getattr(batch, "meta", None) or {}).get("row_numbers")
    if batch.records is not None and row_numbers:
        rows_path = folder / f"{name}.row_numbers.json"
        rows_path.write_text(json.dumps(list(row_numbers)), encoding="utf-8")
        ref_rows = str(rows_path)
    return {
        "path": str(path),
        "kind": kind,
        "row_numbers": ref_rows,
        "filename": batch.filename,
        "media_type": batch.media_type,
        "etag": getattr(batch, "etag", None),
        "not_modified": bool(getattr(batch, "not_modified", False)),
        "state": dict(getattr(batch, "state", None) or {}),
    }


def load_raw(ref: dict[str, Any]) -> RawBatch:
    path = Path(ref["path"])
    records = None
    content = None
    if ref["kind"] == "records":
        records = json.loads(path.read_text(encoding="utf-8"))
    else:
        content = path.read_bytes()
    meta = {}
    if ref.get("row_numbers"):
        meta["row_numbers"] = json.loads(Path(ref["row_numbers"]).read_text(encoding="utf-8"))
    return RawBatch(
        records=records,
        content=content,
        filename=ref["filename"],
        media_type=ref["media_type"],
        etag=ref.get("etag"),
        not_modified=bool(ref.get("not_modified")),
        meta=meta,
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
