"""Read CSV, XLSX and JSON files into sheets of rows for scanning, without a contract."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENCODINGS = ("utf-8-sig", "cp1252")  # utf-8-sig also reads plain utf-8
RECORD_KEYS = ("records", "result", "data")


class UnreadableFile(ValueError):
    """The file cannot be read as CSV, XLSX or JSON; the message says why."""


@dataclass(frozen=True)
class Sheet:
    """Columns of one table. `row_numbers[i]` is how a person counts data row i in the file."""

    name: str
    columns: dict[str, list[Any]]
    row_numbers: list[int]


def read_file(path: Path) -> list[Sheet]:
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt"):
            return [read_csv(path.read_bytes(), str(path))]
        if suffix in (".xlsx", ".xlsm"):
            return read_xlsx(path)
        if suffix == ".json":
            return [read_json(path.read_bytes(), str(path))]
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot read the file: {exc.strerror or exc}") from exc
    raise UnreadableFile(
        f"{path}: unsupported file type {suffix or '(none)'}; use CSV, XLSX or JSON"
    )


def decode(content: bytes, name: str) -> str:
    for encoding in ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(f"{name}: not UTF-8 nor cp1252 text")  # pragma: no cover - cp1252 is lax


def sniff_delimiter(text: str) -> str:
    head = text.splitlines()[0] if text else ""
    return ";" if head.count(";") > head.count(",") else ","


def read_csv(content: bytes, name: str) -> Sheet:
    text = decode(content, name)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))
    except csv.Error as exc:
        raise UnreadableFile(f"{name}: not a valid CSV file: {exc}") from exc
    if not rows:
        raise UnreadableFile(f"{name}: the file is empty")
    # Header is spreadsheet row 1, so data row i is row i + 2.
    return _sheet(name, rows[0], rows[1:], [i + 2 for i in range(len(rows) - 1)])


def read_xlsx(path: Path) -> list[Sheet]:
    import zipfile

    import openpyxl  # uses defusedxml when it is installed (openpyxl.DEFUSEDXML)

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableFile(f"{path}: not a valid XLSX workbook: {exc}") from exc
    sheets = []
    try:
        for ws in book.worksheets:
            header: list[Any] | None = None
            body: list[Sequence[Any]] = []
            numbers: list[int] = []
            for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
                if header is None:
                    if any(v not in (None, "") for v in row):
                        header = list(row)
                    continue
                if any(v not in (None, "") for v in row):
                    body.append(row)
                    numbers.append(number)
            if header is not None:
                sheets.append(_sheet(f"{path}[{ws.title}]", header, body, numbers))
    finally:
        book.close()
    return sheets


def read_json(content: bytes, name: str) -> Sheet:
    try:
        data = json.loads(decode(content, name))
    except json.JSONDecodeError as exc:
        raise UnreadableFile(f"{name}: not valid JSON: {exc}") from exc
    records = _find_records(data)
    if records is None:
        if not isinstance(data, dict | list):
            raise UnreadableFile(
                f"{name}: expected JSON objects, found a bare {type(data).__name__}"
            )
        # No table inside: scan the whole document as one record of dotted paths.
        records = [dict(_leaves(data))]
    data = records
    header: list[str] = []
    for record in data:
        header.extend(k for k in record if k not in header)
    rows = [[_flat(r.get(k)) for k in header] for r in data]
    # JSON records count from 1, as the Problem convention says.
    return _sheet(name, header, rows, [i + 1 for i in range(len(rows))])


def _find_records(data: Any, depth: int = 0) -> list[dict[str, Any]] | None:
    """The record list: the value itself, `records`/`result`/`data` first, else the first
    list of objects found breadth-first (BMKG `{"Infogempa": {"gempa": [...]}}`, BPS pages)."""
    if isinstance(data, list) and data and all(isinstance(r, dict) for r in data):
        return data
    if depth > 4:
        return None
    children: list[Any] = []
    if isinstance(data, dict):
        children = [data[k] for k in RECORD_KEYS if k in data]
        children += [v for k, v in data.items() if k not in RECORD_KEYS]
    elif isinstance(data, list):
        children = list(data)
    for child in children:
        if isinstance(child, list) and child and all(isinstance(r, dict) for r in child):
            return child
    for child in children:
        if isinstance(child, dict | list):
            found = _find_records(child, depth + 1)
            if found is not None:
                return found
    return None


def _leaves(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(data, dict):
        return [kv for k, v in data.items() for kv in _leaves(v, f"{prefix}{k}.")]
    if isinstance(data, list):
        return [kv for i, v in enumerate(data) for kv in _leaves(v, f"{prefix}{i}.")]
    return [(prefix.rstrip("."), data)]


def _flat(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def _sheet(
    name: str, header: Sequence[Any], rows: Sequence[Sequence[Any]], numbers: list[int]
) -> Sheet:
    names = [
        str(h).strip() if h not in (None, "") else f"column_{i + 1}" for i, h in enumerate(header)
    ]
    width = max([len(names), *(len(r) for r in rows)]) if rows else len(names)
    names += [f"column_{i + 1}" for i in range(len(names), width)]
    columns: dict[str, list[Any]] = {}
    for i, col in enumerate(names):
        key = col if col not in columns else f"{col}_{i + 1}"
        columns[key] = [r[i] if i < len(r) else None for r in rows]
    return Sheet(name, columns, numbers)
