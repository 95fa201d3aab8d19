"""A source's raw batch kept as files, so the DAG's tasks hand each other only a reference.

`save_raw(batch, folder)` writes what the source returned, before anything else touches it
(`workdir.raw_dir(...)`): the bytes as they came, or the records as JSON, plus the file row of
each record when the source knows it (an Excel inbox). It returns a JSON-able reference
(path, kind, file name, media type, ETag, the source's validators); `load_raw(ref)` gives the
same `RawBatch` back. Between Airflow tasks the paths become store references
(`store.Store.share_raw`).

`RawFiles.of(batch)` is the same bytes in memory, so the source fingerprint
(`source_state.fingerprint`) is taken before anything is written, and a batch the catalog
already publishes is kept as a hard link to the earlier run's copy instead of a new one.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tangerang_hub.sources.base import RawBatch

log = logging.getLogger(__name__)
# The reference keys that name a raw file (store.RAW_FILES shares the same two).
FILE_KEYS = ("path", "row_numbers")


@dataclass(frozen=True)
class RawFiles:
    """The files `save_raw` writes for a batch, as bytes: the data file and, for records read
    from a file, the row number of each record."""

    name: str  # the batch's file name
    kind: str  # "content": the bytes as they came; "records": the records as JSON
    data: bytes
    row_numbers: bytes | None = None

    @classmethod
    def of(cls, batch: Any) -> RawFiles:
        name = Path(batch.filename or "data").name or "data"
        if batch.records is None:
            return cls(name, "content", batch.content or b"")
        records = json.dumps(batch.records, ensure_ascii=False, default=_json_default, indent=1)
        rows = (getattr(batch, "meta", None) or {}).get("row_numbers")
        row_numbers = json.dumps(list(rows)).encode() if rows else None
        return cls(name, "records", records.encode("utf-8"), row_numbers)

    def named(self) -> dict[str, tuple[str, bytes]]:
        """Each file's name and bytes, by the reference key that names it."""
        data_name = self.name if self.kind == "content" else f"{self.name}.records.json"
        found = {"path": (data_name, self.data)}
        if self.row_numbers is not None:
            found["row_numbers"] = (f"{self.name}.row_numbers.json", self.row_numbers)
        return found

    def parts(self) -> list[bytes]:
        """The bytes of each file, in the order the fingerprint reads them."""
        return [data for _name, data in self.named().values()]


def save_raw(
    batch: Any,
    folder: Path,
    *,
    files: RawFiles | None = None,
    same_as: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write the raw batch under `folder`; return a JSON-able reference to it.

    `files` is `RawFiles.of(batch)` when the caller already has it. `same_as` is what
    `copies(ref)` said of an earlier batch that holds exactly these bytes (the fingerprints
    are equal): each of its files still there untouched is hard-linked into `folder`; any other
    is written anew.
    """
    files = files or RawFiles.of(batch)
    folder.mkdir(parents=True, exist_ok=True)
    ref: dict[str, Any] = dict.fromkeys(FILE_KEYS)
    for key, (name, data) in files.named().items():
        path = folder / name
        if not _link_untouched((same_as or {}).get(key), path, len(data)):
            path.write_bytes(data)
        ref[key] = str(path)
    return {
        **ref,
        "kind": files.kind,
        "filename": batch.filename,
        "media_type": batch.media_type,
        "etag": getattr(batch, "etag", None),
        "not_modified": bool(getattr(batch, "not_modified", False)),
        "state": dict(getattr(batch, "state", None) or {}),
    }


def copies(ref: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Where a saved batch's files are, with the size and modification time that show later
    that each is still the file written then; only local files (a store reference has none)."""
    found = {}
    for key in FILE_KEYS:
        if isinstance(ref.get(key), str) and Path(ref[key]).is_file():
            stat = Path(ref[key]).stat()
            found[key] = {"path": ref[key], "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    return found


def _link_untouched(copy: dict[str, Any] | None, path: Path, size: int) -> bool:
    """Hard-link the earlier `copy` as `path` when it is still the file `copies` saw, of `size`
    bytes; false when it is not (pruned, rewritten, on another file system)."""
    if not copy:
        return False
    earlier = Path(copy["path"])
    try:
        stat = earlier.stat()
        seen = (copy.get("size"), copy.get("mtime_ns"))
        if (stat.st_size, stat.st_mtime_ns) != seen or stat.st_size != size:
            return False
        if earlier.resolve() == path.resolve():
            return True  # the same run again: its copy is already there
        path.unlink(missing_ok=True)
        os.link(earlier, path)
    except OSError as exc:
        log.info("raw copy %s not linked (%s): writing it", earlier, exc)
        return False
    return True


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
