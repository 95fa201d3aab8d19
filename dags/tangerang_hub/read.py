"""Raw batch (file bytes or records) -> header and data rows, each with its row number in the file.

The one file reader: `normalize` reads every batch with it and `hub scan` reads every file with
it (through `file_batch`, as `hub run --source-file` does), so a scan sees exactly what a run
would read. Rules (for stewards in schemas/README.md):

* Kind: JSON when the media type says `json` or the name ends `.json`; XLSX when the media
  type says `spreadsheetml` or the name ends `.xlsx`/`.xlsm`; anything else is CSV text.
* Text: decoded as UTF-8 (with or without BOM). Windows-1252 only when the bytes hold no valid
  UTF-8 multi-byte sequence at all; a file mixing both is refused naming the byte offset (counted
  in the file, BOM included) and the line.
* CSV: the delimiter is `;`, `,` or tab, whichever the first non-blank line uses most outside
  quotes (`,` when it uses none). That line is the header; cells are stripped there and kept
  as written elsewhere. A blank line is skipped but counted, so row numbers are line numbers
  as a spreadsheet shows them (a quoted cell spanning lines counts as one row).
* XLSX: the first worksheet, read by `sources.excel.read_worksheet` under the one table of Excel
  limits (`sources.excel.DEFAULT_MAX_*`: 20 MB, 100 MB unpacked, 20 sheets, 200,000 rows,
  200 columns, 5,000,000 cells, defusedxml required, `<dimension>` ignored); cells hold the
  values Excel cached, not formulas. The first non-empty row is the header; rows are numbered
  as Excel shows them; an absent trailing cell is an empty cell (XLSX has no row length).
* JSON: a list of objects; or the first list of objects inside the document, looking in
  `records`, `result` and `data` first, then the other keys, breadth first up to 5 levels deep
  (CKAN's `{"result": {"records": [...]}}`, BMKG's `{"Infogempa": {"gempa": [...]}}`); a document
  without one is a single record whose columns are the dotted paths of its values
  (`kontak.email`). The header is every key in order of first appearance; records count from 1.
* Records from a connector: same as JSON records; a connector that read a file gives the file
  row of each record in `meta["row_numbers"]`.

Every refusal is a `ReadError` whose problems name the file, and the row or byte when known.
"""

from __future__ import annotations

import csv
import io
import json
import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from tangerang_hub.sources.base import RawBatch
from tangerang_hub.values import is_empty
from tangerang_quality.problems import Problem

RECORD_KEYS = ("records", "result", "data")
MAX_JSON_DEPTH = 4


class RawBatchLike(Protocol):
    records: list[dict[str, Any]] | None
    content: bytes | None
    filename: str
    media_type: str


class ReadError(ValueError):
    """The batch cannot be read as a table; `problems` lists every located problem."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.problems)} problem(s) in the batch:\n{shown}{tail}")


@dataclass(frozen=True)
class Rows:
    """A table as read, before any typing."""

    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number in the file, cells as read)
    header_row: int | None  # row of the header in the file (None for records)
    sheet: str | None = None  # title of the worksheet read (XLSX only)


def file_batch(path: Path) -> RawBatch:
    """The batch a run reads from a local file (`hub run --source-file`, `hub scan`).

    OSError when the file cannot be read.
    """
    content = path.read_bytes()
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return RawBatch(records=None, content=content, filename=path.name, media_type=media_type)


def read_rows(batch: RawBatchLike) -> Rows:
    """The batch's header and data rows; `ReadError` when it cannot be read."""
    if batch.records is not None:
        # Connectors that read files (the Excel inbox) say which sheet row each
        # record came from, so problems point at the row a steward sees.
        meta = getattr(batch, "meta", None) or {}
        return _records_rows(batch.records, meta.get("row_numbers"))
    if batch.content is None:
        raise ReadError([Problem(batch.filename, None, None, "the batch has no data")])
    media_type = (batch.media_type or "").lower()
    name = batch.filename.lower()
    if "json" in media_type or name.endswith(".json"):
        return _json_rows(batch.content, batch.filename)
    if "spreadsheetml" in media_type or name.endswith((".xlsx", ".xlsm")):
        return _xlsx_rows(batch.content, batch.filename)
    return _csv_rows(decode(batch.content, batch.filename), batch.filename)


# --------------------------------------------------------------------------- text


_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


def decode(content: bytes, filename: str) -> str:
    """UTF-8 (BOM optional); Windows-1252 only for bytes with no UTF-8 multi-byte sequence.

    One stray byte in an otherwise UTF-8 file must not turn every accented letter into
    mojibake, so a mixed file is refused naming where the bad byte is.
    """
    bom = content.startswith(b"\xef\xbb\xbf")
    body = content[3:] if bom else content
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start + (3 if bom else 0)
    if bom or _UTF8_MULTIBYTE.search(content):
        line = content[:bad].count(b"\n") + 1
        raise ReadError(
            [
                Problem(
                    filename,
                    line,
                    None,
                    f"the file is UTF-8 but byte {bad} (line {line}) is not valid UTF-8 "
                    f"(0x{content[bad]:02x}); the file mixes encodings - save it again as "
                    "CSV UTF-8",
                    expectation="encoding",
                )
            ]
        )
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        pass
    raise ReadError(
        [
            Problem(
                filename,
                None,
                None,
                "file is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8",
                expectation="encoding",
            )
        ]
    )


def detect_delimiter(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: _count_outside_quotes(header, d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def _csv_rows(text: str, filename: str) -> Rows:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text))
    rows: list[tuple[int, list[Any]]] = []
    header: list[str] | None = None
    header_row = 1
    try:
        for number, values in enumerate(reader, 1):
            if not any(v.strip() for v in values):
                continue  # blank line; numbering still counts it
            if header is None:
                header, header_row = [h.strip() for h in values], number
            else:
                rows.append((number, values))
    except csv.Error as exc:
        raise ReadError([Problem(filename, reader.line_num, None, f"CSV error: {exc}")]) from exc
    if header is None:
        raise ReadError([Problem(filename, None, None, "the file is empty (no header row)")])
    return Rows(header, rows, header_row)


# --------------------------------------------------------------------------- records and JSON


def _records_rows(records: list[dict[str, Any]], row_numbers: list[int] | None = None) -> Rows:
    header: dict[str, None] = {}
    for rec in records:
        header.update(dict.fromkeys(rec))
    names = list(header)
    if not row_numbers or len(row_numbers) != len(records):
        row_numbers = list(range(1, len(records) + 1))
    rows = [(n, [rec.get(k) for k in names]) for n, rec in zip(row_numbers, records, strict=True)]
    return Rows(names, rows, None)


def _json_rows(content: bytes, filename: str) -> Rows:
    text = decode(content, filename)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(
            [Problem(filename, exc.lineno, None, f"not valid JSON: {exc.msg}")]
        ) from exc
    except (ValueError, RecursionError) as exc:  # a 5000-digit number, nesting past the stack
        raise ReadError([Problem(filename, None, None, f"not valid JSON: {exc}")]) from None
    records = _find_records(data)
    if records is None:
        if not isinstance(data, dict | list):
            message = f"expected JSON objects, found a bare {type(data).__name__}"
            raise ReadError([Problem(filename, None, None, message)])
        try:
            records = [dict(_leaves(data))]
        except RecursionError:
            message = "not valid JSON: nested too deeply"
            raise ReadError([Problem(filename, None, None, message)]) from None
    return _records_rows(records)


def _is_records(data: Any) -> bool:
    return isinstance(data, list) and all(isinstance(r, dict) for r in data)


def _find_records(data: Any, depth: int = 0) -> list[dict[str, Any]] | None:
    """The list of objects the document holds (see the module docstring), or None."""
    if depth == 0 and _is_records(data):
        return data  # a list of objects, even an empty one
    if depth > MAX_JSON_DEPTH:
        return None
    children: list[Any] = []
    if isinstance(data, dict):
        children = [data[k] for k in RECORD_KEYS if k in data]
        children += [v for k, v in data.items() if k not in RECORD_KEYS]
    elif isinstance(data, list):
        children = list(data)
    for child in children:
        if child and _is_records(child):
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


# --------------------------------------------------------------------------- XLSX


def _xlsx_problem(filename: str, message: str) -> ReadError:
    return ReadError([Problem(filename, None, None, message, expectation="xlsx")])


def _xlsx_rows(content: bytes, filename: str) -> Rows:
    """First worksheet; rows numbered as Excel shows them."""
    from tangerang_hub.sources import excel
    from tangerang_hub.sources.base import SourceError

    if len(content) > excel.DEFAULT_MAX_BYTES:
        raise _xlsx_problem(
            filename,
            f"the XLSX file is {len(content)} bytes, over the limit of {excel.DEFAULT_MAX_BYTES}",
        )
    try:
        sheet = excel.read_worksheet(
            content,
            filename,
            None,
            max_sheets=excel.DEFAULT_MAX_SHEETS,
            max_uncompressed=excel.DEFAULT_MAX_UNCOMPRESSED,
            max_rows=excel.DEFAULT_MAX_ROWS,
            max_columns=excel.DEFAULT_MAX_COLUMNS,
            max_cells=excel.DEFAULT_MAX_CELLS,
        )
    except SourceError as exc:
        raise _xlsx_problem(filename, str(exc)) from None
    rows: list[tuple[int, list[Any]]] = []
    header: list[str] | None = None
    header_row: int | None = None
    for number, values in enumerate(sheet.rows, 1):
        cells = list(values)
        while cells and is_empty(cells[-1]):
            cells.pop()
        if not cells:
            continue
        if header is None:
            header = ["" if v is None else str(v).strip() for v in cells]
            header_row = number
        else:
            # a cell absent from the sheet is an empty cell (no row length in XLSX)
            cells += [None] * (len(header) - len(cells))
            rows.append((number, cells))
    if header is None:
        raise ReadError([Problem(filename, None, None, "the worksheet is empty")])
    return Rows(header, rows, header_row, sheet.title)
