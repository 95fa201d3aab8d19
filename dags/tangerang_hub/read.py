"""Raw batch (file bytes or records) -> header and data rows, each with its row number in the file.

The one file reader: `normalize` reads every batch with it and `hub scan` reads every file with
it (through `file_batch`, as `hub run --source-file` does), so a scan sees exactly what a run
would read. Rules (for stewards in schemas/README.md):

* Kind: JSON when the media type says `json` or the name ends `.json`; XLSX when the media
  type says `spreadsheetml` or the name ends `.xlsx`/`.xlsm`; anything else is CSV text.
* Text: decoded as UTF-8 (with or without BOM). UTF-16 and UTF-32 by their BOM, and UTF-16
  without one when its NUL bytes say so (Excel's "Unicode Text" is UTF-16 with a BOM).
  Windows-1252 only when the bytes hold no valid UTF-8 multi-byte sequence at all; a file mixing
  both is refused naming the byte offset (counted in the file, BOM included) and the line.
* CSV: the delimiter is `;`, `,` or tab, whichever the first non-blank line uses most outside
  quotes (`,` when it uses none). Quoting is Python's `csv` default dialect (`"` quotes,
  `""` inside quotes, no escape character, a cell at most `csv.field_size_limit()` long; a
  quote still open at the end of the file is refused naming the row it opened in). The
  first non-blank row is the header; cells are stripped there and kept as written elsewhere.
  A blank row (every cell empty after trimming) is skipped but counted, so row numbers are
  rows as a spreadsheet shows them (a quoted cell spanning lines counts as one row).
* XLSX: the first visible worksheet, read by `sources.excel.read_worksheet` under the one table
  of Excel limits (`sources.excel.DEFAULT_MAX_*`: 20 MB, 100 MB unpacked, 10,000,000 bytes
  for a part that is no sheet (styles, theme), 20 sheets, 200,000 rows,
  200 columns, 5,000,000 cells, defusedxml required, `<dimension>` ignored); cells hold the
  values Excel cached, not formulas. The first non-empty row is the header; rows are numbered
  as Excel shows them; an absent trailing cell is an empty cell (XLSX has no row length).
* Not text: a ZIP, gzip, PDF or XLS file and an HTML page (a portal's error page) read as CSV
  or JSON are refused for what they are (`check_is_text`), as is a path that is no regular file.
  A NUL character (0x00), which no PostgreSQL text can hold, is refused naming its byte and line
  (in JSON and connector records, its record and column).
* JSON: a list of objects (an item that is no object among them is refused, naming it); or
  the first list of objects inside the document, looking in
  `records`, `result` and `data` first, then the other keys, breadth first up to 5 levels deep
  (CKAN's `{"result": {"records": [...]}}`, BMKG's `{"Infogempa": {"gempa": [...]}}`); a document
  without one is a single record whose columns are the dotted paths of its values
  (`kontak.email`). The header is every key in order of first appearance; records count from 1.
  A key twice in one object, `NaN`, `Infinity` and numbers beyond a float are refused.
* Records from a connector: same as JSON records; a connector that read a file gives the file
  row of each record in `meta["row_numbers"]`. A text holding a lone UTF-16 surrogate (JSON's
  `"\\ud800"` without its pair) is refused, naming its record and column.

Two readings of the same rules: `read_rows` gives Python rows (for `hub scan` and small batches)
and `read_columns` gives Arrow columns (for `normalize`). `read_columns` reads CSV with
pyarrow's parser and falls back to `read_rows` whenever that parser cannot give exactly the
same cells and row numbers (a cell over the size limit, a row it cannot split the same way);
the property tests hold the two equal.

Every refusal is a `ReadError` whose problems name the file, and the row or byte when known,
in Bahasa Indonesia and English (`texts.say`).
"""

from __future__ import annotations

import csv
import io
import json
import mimetypes
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from tangerang_hub.arrow_memory import use_engine_pool
from tangerang_hub.local_file import read_head, read_whole_file
from tangerang_hub.sources.base import RawBatch
from tangerang_hub.values import is_empty
from tangerang_quality.masking import mask_identifiers
from tangerang_quality.problems import Problem
from tangerang_quality.texts import Said, say

use_engine_pool()  # every batch is read here first, into the pool arrow_memory chooses

RECORD_KEYS = ("records", "result", "data")
MAX_JSON_DEPTH = 4


class RawBatchLike(Protocol):
    records: list[dict[str, Any]] | None
    content: bytes | None
    filename: str
    media_type: str


class ReadError(ValueError):
    """The batch cannot be read as a table; `problems` lists every located problem.

    `str()` is for developers: the problems in English.
    """

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        shown = "\n".join(f"  {p.describe('en')}" for p in self.problems[:20])
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


@dataclass(frozen=True)
class Cells:
    """One column of a table as read: the text cells in Arrow, any other cell beside them."""

    text: pa.ChunkedArray  # string; null where the row has no cell or a cell that is not text
    values: dict[int, Any]  # table row index -> a non-text cell (a JSON or Excel number, date...)


@dataclass(frozen=True)
class OddRow:
    """A data row whose number of cells differs from the header's."""

    index: int  # position in the table
    cells: int  # how many cells the row has
    extra: bool  # a non-empty cell lies beyond the header's width


@dataclass(frozen=True)
class Columns:
    """A table as read, before any typing, column by column (`Rows` turned on its side)."""

    header: list[str]
    columns: list[Cells]  # one per header cell; a row's cells beyond the header are dropped
    row_numbers: pa.Int64Array  # row number in the file of each table row
    header_row: int | None
    odd_rows: list[OddRow]
    sheet: str | None = None

    @property
    def num_rows(self) -> int:
        return len(self.row_numbers)


def file_batch(path: Path) -> RawBatch:
    """The batch a run reads from a local file (`hub run --source-file`, `hub scan`).

    OSError when the file cannot be read (`local_file.read_whole_file`: no regular file, or
    one that changed while it was read).
    """
    content = read_whole_file(path)
    media_type = _media_type(path)
    return RawBatch(records=None, content=content, filename=path.name, media_type=media_type)


def _media_type(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


# What `check_head` reads: more than the 4096 bytes `check_is_text` judges the encoding by.
HEAD_BYTES = 1 << 16


def check_head(path: Path) -> None:
    """`check_is_text` of the local file's first bytes, for a caller that only reports (`hub
    scan`): a file that is no text (NUL bytes, a ZIP or PDF named .csv, an HTML page) is
    refused before all of it is read, with the words the whole would get (they depend on the
    first 4096 bytes and the first NUL). A run reads the whole anyway: a rejected batch is
    kept in quarantine as it came. A workbook is left to its reader."""
    if not is_workbook(_media_type(path), path.name):
        check_is_text(read_head(path, HEAD_BYTES), path.name)


def is_workbook(media_type: str | None, filename: str) -> bool:
    """Whether a batch is read as an XLSX workbook rather than as text."""
    return "spreadsheetml" in (media_type or "").lower() or filename.lower().endswith(
        (".xlsx", ".xlsm")
    )


def read_rows(batch: RawBatchLike) -> Rows:
    """The batch's header and data rows; `ReadError` when it cannot be read."""
    if batch.records is not None:
        # Connectors that read files (the Excel inbox) say which sheet row each
        # record came from, so problems point at the row a steward sees.
        meta = getattr(batch, "meta", None) or {}
        return _records_rows(batch.records, batch.filename, meta.get("row_numbers"))
    if batch.content is None:
        no_data = say("batch tidak berisi data", "the batch has no data")
        raise ReadError([Problem(batch.filename, None, None, no_data)])
    media_type = (batch.media_type or "").lower()
    name = batch.filename.lower()
    if "json" in media_type or name.endswith(".json"):
        check_is_text(batch.content, batch.filename)
        return _json_rows(batch.content, batch.filename)
    if is_workbook(media_type, name):
        return _xlsx_rows(batch.content, batch.filename)
    check_is_text(batch.content, batch.filename)
    return _csv_rows(decode(batch.content, batch.filename), batch.filename)


def read_columns(batch: RawBatchLike) -> Columns:
    """The batch as columns, exactly the rows `read_rows` gives; `ReadError` when unreadable."""
    if is_csv(batch):
        return _csv_columns(batch.content, batch.filename)  # type: ignore[arg-type]
    return columns_of(read_rows(batch))


def is_csv(batch: RawBatchLike) -> bool:
    """Whether the batch is delimited text (read by pyarrow as columns), not JSON, a
    workbook or a connector's records (read as rows)."""
    name = batch.filename.lower()
    media_type = (batch.media_type or "").lower()
    is_text = not ("json" in media_type or name.endswith(".json")) and not is_workbook(
        media_type, name
    )
    return batch.records is None and batch.content is not None and is_text


def columns_of(rows: Rows) -> Columns:
    """`Rows` as `Columns` (text cells to Arrow, other values kept as they are)."""
    width = len(rows.header)
    texts: list[list[str | None]] = [[] for _ in range(width)]
    values: list[dict[int, Any]] = [{} for _ in range(width)]
    odd: list[OddRow] = []
    for index, (_, cells) in enumerate(rows.rows):
        if len(cells) != width:
            extra = any(not is_empty(v) for v in cells[width:])
            odd.append(OddRow(index, len(cells), extra))
        for i in range(width):
            cell = cells[i] if i < len(cells) else None
            texts[i].append(cell if isinstance(cell, str) else None)
            if cell is not None and not isinstance(cell, str):
                values[i][index] = cell
    return Columns(
        header=rows.header,
        columns=[
            Cells(pa.chunked_array([pa.array(t, pa.string())]), v)
            for t, v in zip(texts, values, strict=True)
        ],
        row_numbers=pa.array([n for n, _ in rows.rows], pa.int64()),
        header_row=rows.header_row,
        odd_rows=odd,
        sheet=rows.sheet,
    )


# --------------------------------------------------------------------------- text


_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


# Files that are no text table, by their first bytes: what to tell the steward instead of a
# complaint about encodings or missing columns.
_SIGNATURES = (
    (
        b"PK\x03\x04",
        say(
            "berkas ini arsip ZIP (misalnya XLSX), bukan teks CSV/JSON; beri akhiran .xlsx "
            "atau simpan sebagai CSV UTF-8",
            "the file is a ZIP archive (an XLSX, perhaps), not CSV/JSON text; name it .xlsx or "
            "save it as CSV UTF-8",
        ),
    ),
    (
        b"\x1f\x8b",
        say(
            "berkas ini terkompresi gzip, bukan teks CSV/JSON; ekstrak dulu",
            "the file is gzip-compressed, not CSV/JSON text; decompress it first",
        ),
    ),
    (
        b"%PDF",
        say("berkas ini PDF, bukan tabel CSV/JSON", "the file is a PDF, not a CSV/JSON table"),
    ),
    (
        b"\xd0\xcf\x11\xe0",
        say(
            "berkas ini dokumen Office lama (XLS), bukan teks CSV/JSON; simpan sebagai XLSX atau "
            "CSV UTF-8",
            "the file is an old Office document (XLS), not CSV/JSON text; save it as XLSX or "
            "CSV UTF-8",
        ),
    ),
)
_HTML = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE)


def check_is_text(content: bytes, filename: str) -> None:
    """ReadError when the bytes are a known kind of file that is no text table: a ZIP, gzip,
    PDF or XLS file, or an HTML page (a portal's error page saved as the export)."""
    for signature, said in _SIGNATURES:
        if content.startswith(signature):
            raise ReadError([Problem(filename, None, None, said, expectation="encoding")])
    if _wide_encoding(content) is None and (nul := content.find(b"\x00")) >= 0:
        _refuse_nul(filename, content[:nul].count(b"\n") + 1, nul)
    if _HTML.match(content[:1024]):
        said = say(
            "berkas ini halaman web (HTML), bukan tabel CSV/JSON: sumbernya mungkin mengirim "
            "halaman galat",
            "the file is a web page (HTML), not a CSV/JSON table: the source may have sent an "
            "error page",
        )
        raise ReadError([Problem(filename, 1, None, said, expectation="encoding")])


def _refuse_nul(filename: str, line: int, offset: int) -> None:
    said = say(
        "byte {offset} (baris {line}) {why}",
        "byte {offset} (line {line}) {why}",
        offset=offset,
        line=line,
        why=HOLDS_NUL,
    )
    raise ReadError([Problem(filename, line, None, said, expectation="encoding")])


def decode(content: bytes, filename: str) -> str:
    """UTF-8 (BOM optional), UTF-16/UTF-32 (`_wide_encoding`); Windows-1252 only for bytes
    with no UTF-8 multi-byte sequence.

    One stray byte in an otherwise UTF-8 file must not turn every accented letter into
    mojibake, so a mixed file is refused naming where the bad byte is.
    """
    return _decode(content, filename)[0]


# Byte order marks of the UTF-16 and UTF-32 forms, longest first (UTF-32LE's starts as UTF-16LE's).
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_WIDE_SAMPLE = 4096  # bytes looked at for UTF-16 without a byte order mark


def _wide_encoding(content: bytes) -> str | None:
    """The codec of a UTF-16/UTF-32 file: by its byte order mark, or (UTF-16 without one, as
    some exports write it) by the NUL byte in every character of text that is mostly ASCII."""
    for bom, codec in _WIDE_BOMS:
        if content.startswith(bom):
            return codec
    sample = content[: _WIDE_SAMPLE - _WIDE_SAMPLE % 2]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd >= 0.9 * half and even <= 0.1 * half:
        return "utf-16-le"
    if even >= 0.9 * half and odd <= 0.1 * half:
        return "utf-16-be"
    return None


def _decode_wide(content: bytes, codec: str, filename: str) -> str:
    try:
        text = content.decode(codec).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise ReadError(
            [
                Problem(
                    filename,
                    content[: exc.start].decode(codec, "replace").count("\n") + 1,
                    None,
                    say(
                        "berkas ini {codec} tetapi byte {bad} bukan {codec} yang sah; simpan "
                        "ulang sebagai CSV UTF-8",
                        "the file is {codec} but byte {bad} is not valid {codec}; save it again "
                        "as CSV UTF-8",
                        codec=codec.upper().removesuffix("-LE").removesuffix("-BE"),
                        bad=exc.start,
                    ),
                    expectation="encoding",
                )
            ]
        ) from None
    if (nul := text.find("\x00")) >= 0:
        tail = text[nul:].encode(codec)
        tail = tail[{"utf-16": 2, "utf-32": 4}.get(codec, 0) :]  # without the BOM encode adds
        _refuse_nul(filename, text.count("\n", 0, nul) + 1, len(content) - len(tail))
    return text


def _decode(content: bytes, filename: str) -> tuple[str, int | None]:
    """`decode`, and where the UTF-8 text starts in the bytes (None for another encoding)."""
    wide = _wide_encoding(content)
    if wide is not None:
        return _decode_wide(content, wide, filename), None
    bom = content.startswith(b"\xef\xbb\xbf")
    body = content[3:] if bom else content
    try:
        return body.decode("utf-8"), (3 if bom else 0)
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
                    say(
                        "berkas ini UTF-8 tetapi byte {bad} (baris {line}) bukan UTF-8 yang sah "
                        "({byte}); berkas mencampur pengodean - simpan ulang sebagai CSV UTF-8",
                        "the file is UTF-8 but byte {bad} (line {line}) is not valid UTF-8 "
                        "({byte}); the file mixes encodings - save it again as CSV UTF-8",
                        bad=bad,
                        line=line,
                        byte=f"0x{content[bad]:02x}",
                    ),
                    expectation="encoding",
                )
            ]
        )
    try:
        return content.decode("cp1252"), None
    except UnicodeDecodeError:
        pass
    raise ReadError(
        [
            Problem(
                filename,
                None,
                None,
                say(
                    "berkas bukan teks UTF-8 maupun Windows-1252; simpan sebagai CSV UTF-8",
                    "file is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8",
                ),
                expectation="encoding",
            )
        ]
    )


def detect_delimiter(text: str) -> str:
    header = _first_non_blank_line(text)
    counts = {d: _count_outside_quotes(header, d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


_NON_SPACE = re.compile(r"\S")  # not `str.isspace`: what `str.strip` keeps
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # where `str.splitlines` splits
_LINE_BREAK = re.compile(f"[{_LINE_BREAKS}]")


def _first_non_blank_line(text: str) -> str:
    """The first line (as `str.splitlines` splits) that is not blank, without splitting it all."""
    found = _NON_SPACE.search(text)
    if found is None:
        return ""
    at = found.start()
    start = max(text.rfind(c, 0, at) for c in _LINE_BREAKS) + 1
    end = _LINE_BREAK.search(text, at)
    return text[start : end.start() if end else len(text)]


def _count_outside_quotes(line: str, char: str) -> int:
    # every `"` toggles quoting, so the even-numbered pieces between quotes lie outside them
    return sum(piece.count(char) for piece in line.split('"')[::2])


NO_HEADER = say("berkas kosong (tidak ada baris judul)", "the file is empty (no header row)")


class _Lines:
    """The text's lines for `csv.reader`, remembering where the line read next starts."""

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self.offset = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.offset += len(line)
        return line


def _csv_rows(text: str, filename: str) -> Rows:
    delimiter = detect_delimiter(text)
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    header: list[str] | None = None
    header_row = 1
    number = last_start = next_start = 0  # where the last record read starts, and the next
    try:
        for number, values in enumerate(reader, 1):
            last_start, next_start = next_start, lines.offset
            if not any(v.strip() for v in values):
                continue  # blank line; numbering still counts it
            if header is None:
                header, header_row = [h.strip() for h in values], number
            else:
                rows.append((number, values))
    except csv.Error as exc:
        # the csv module's reason stays in the English text only
        message = say(
            "baris CSV tidak dapat dibaca (misalnya tanda kutip tidak ditutup atau sel terlalu "
            "panjang)",
            "CSV error: {detail}",
            detail=str(exc),
        )
        raise ReadError([Problem(filename, number + 1, None, message)]) from exc
    if header is None:
        raise ReadError([Problem(filename, None, None, NO_HEADER)])
    if _quote_left_open(text[last_start:], delimiter):
        # csv ends a quoted cell that never closes at the end of the file: the rest of the
        # file would be one cell of the last record
        row = number
        message = say(
            "tanda kutip yang dibuka di baris {row} tidak pernah ditutup: sisa berkas akan "
            "menjadi satu sel; tutup tanda kutipnya lalu simpan ulang",
            "a quote opened in row {row} is never closed: the rest of the file would become "
            "one cell; close the quote and save the file again",
            row=row,
        )
        raise ReadError([Problem(filename, row, None, message, expectation="csv")])
    return Rows(header, rows, header_row)


def _quote_left_open(record: str, delimiter: str) -> bool:
    """True when the text of one record ends inside a quoted cell (what `csv`'s strict mode
    calls "unexpected end of data"; it is no error without it)."""
    if '"' not in record:
        return False
    try:
        for _ in csv.reader(io.StringIO(record, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


# CSV through pyarrow's parser. It splits rows and cells as Python's `csv` does for every row of
# the header's width; any other row comes back through `invalid_row_handler` and is split by
# `csv` itself. What the parser cannot reproduce sends the whole file to `_csv_rows`:
class _Fallback(Exception):
    """pyarrow cannot read this file exactly as `_csv_rows` does."""


ARROW_BLOCK_BYTES = 4 << 20  # a row longer than a block makes pyarrow fail: then `_csv_rows`


def _csv_columns(content: bytes, filename: str) -> Columns:
    check_is_text(content, filename)
    bom = 3 if content.startswith(b"\xef\xbb\xbf") else 0
    text: str | None = None  # ASCII is UTF-8: then no more than the header is decoded
    utf8_start: int | None = bom
    if _wide_encoding(content) or not (content.isascii() or (bom and content[bom:].isascii())):
        text, utf8_start = _decode(content, filename)
    try:
        return _arrow_csv(content, utf8_start, text, filename)
    except _Fallback:
        text = decode(content, filename) if text is None else text
        return columns_of(_csv_rows(text, filename))


def _may_end_in_open_quote(data: str | bytes, delimiter: str, begin: int = 0) -> bool:
    """Whether the file (its text, or its UTF-8 bytes) may end inside a quoted cell, which
    pyarrow, like `csv`, reads as a cell running to the end of the file.

    Inside a quote only `""` stands for `"` (any other quote closes it), so after the quote
    that opened such a cell every run of quotes is even, and that quote opens its run and
    starts a cell (after a delimiter, a line ending or `begin`, where the text starts after a
    BOM). Found from the end with
    `rfind`; a True may be wrong (a closing quote can look so), never a False: then
    `_csv_rows`, which knows, reads the file."""
    quote, starts = (
        ('"', (delimiter, "\n", "\r"))
        if isinstance(data, str)
        else (b'"', (delimiter.encode(), b"\n", b"\r"))
    )
    end = len(data)
    while (last := data.rfind(quote, 0, end)) >= 0:
        first = last
        while first > begin and data[first - 1 : first] == quote:
            first -= 1
        if (last - first + 1) % 2:  # an odd run: its first quote opened the cell, or closed one
            return first <= begin or data[first - 1 : first] in starts
        end = first
    return False


def _header_record(text: str, delimiter: str) -> tuple[list[str], int, int] | None:
    """(header cells, its row number, characters up to the end of it), as `_csv_rows` reads."""
    found = _NON_SPACE.search(text)
    if found is None:
        return None
    # the lines before the first character that is not a space are blank rows, one per line
    start = max(text.rfind("\n", 0, found.start()), text.rfind("\r", 0, found.start())) + 1
    skipped = text.count("\n", 0, start) + text.count("\r", 0, start)
    skipped -= text.count("\r\n", 0, start)
    lines = io.StringIO(text[start:], newline="")
    try:
        for number, values in enumerate(csv.reader(lines, delimiter=delimiter), skipped + 1):
            if any(v.strip() for v in values):
                # csv reads line by line and no further than the record it returns
                return [h.strip() for h in values], number, start + lines.tell()
    except csv.Error:
        raise _Fallback from None
    return None


def _find_header(
    head: Callable[[int], str], length: int, filename: str
) -> tuple[str, list[str], int, int]:
    """(delimiter, header, its row number, characters up to its end) of a text of `length`.

    `head(n)` is the text's first n characters; no more is read than the header needs. The
    first non-blank line ends within the header row, so a header ending before the end of
    the prefix was read from complete lines.
    """
    size = 1 << 16
    while True:
        text = head(size)
        delimiter = detect_delimiter(text)
        found = _header_record(text, delimiter)
        if found is not None and (size >= length or found[2] < len(text)):
            return (delimiter, *found)
        if size >= length:  # as `_csv_rows` says after reading the same rows
            raise ReadError([Problem(filename, None, None, NO_HEADER)])
        size *= 4


def _arrow_csv(content: bytes, utf8_start: int | None, text: str | None, filename: str) -> Columns:
    """The CSV read by pyarrow; `text` is the decoded file (None: ASCII after `utf8_start`)."""
    if text is None:
        start = utf8_start or 0
        delimiter, header, header_row, header_chars = _find_header(
            lambda n: content[start : start + n].decode("ascii"), len(content) - start, filename
        )
        body = pa.py_buffer(content).slice(start + header_chars)
    else:
        delimiter, header, header_row, header_chars = _find_header(
            lambda n: text[:n], len(text), filename
        )
        if utf8_start is None:  # Windows-1252: pyarrow reads UTF-8 only
            body = pa.py_buffer(text[header_chars:].encode("utf-8"))
        else:  # the bytes after the header, without a copy
            start = utf8_start + len(text[:header_chars].encode("utf-8"))
            body = pa.py_buffer(content).slice(start)
    if body[:3].to_pybytes() == b"\xef\xbb\xbf":
        raise _Fallback  # pyarrow would drop a BOM that opens the first data row
    whole, begin = (content, utf8_start or 0) if text is None else (text, 0)
    if _may_end_in_open_quote(whole, delimiter, begin):
        raise _Fallback  # `_csv_rows` says where the quote opened
    width = len(header)
    if not body.size:  # a header and nothing else (pyarrow calls that an empty file)
        empty = pa.chunked_array([], pa.string())
        return Columns(
            header, [Cells(empty, {}) for _ in header], pa.array([], pa.int64()), header_row, []
        )
    odd_cells: list[tuple[int, list[str]]] = []  # (record number after the header, cells)

    def split(text: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))

    def odd_row(row: Any) -> str:
        if row.number is None:
            return "error"
        cells = split(row.text)
        # `row.text` lacks the line ending, which a quote left open at the end of the file
        # keeps in its cell: such a row splits otherwise with a line ending added
        if len(cells) != 1 or split(row.text + "\n") != cells:
            return "error"
        odd_cells.append((row.number, cells[0]))
        return "skip"

    names = [f"c{i}" for i in range(width)]
    try:
        # Blocks parsed on every core; a row of another width stops it, since only a reader
        # in one thread knows which record a row is (`row.number`): then read in order.
        table = _parse_csv(body, names, delimiter, None)
    except pa.ArrowInvalid:
        try:
            table = _parse_csv(body, names, delimiter, odd_row)
        except (pa.ArrowInvalid, csv.Error):
            raise _Fallback from None
    limit = csv.field_size_limit()
    for column in table.columns:
        if column.nbytes <= limit:  # all its text together is shorter than the limit
            continue
        longest = pc.max(pc.binary_length(column)).as_py()  # bytes >= characters
        if longest > limit and pc.max(pc.utf8_length(column)).as_py() > limit:
            raise _Fallback  # `csv` refuses the cell: `_csv_rows` says where
    return _assemble(header, header_row, table, odd_cells)


def _parse_csv(
    body: pa.Buffer, names: list[str], delimiter: str, odd_row: Callable[[Any], str] | None
) -> pa.Table:
    """Every cell as text, exactly as written; with `odd_row`, in one thread (rows numbered)."""
    return pacsv.read_csv(
        body,
        read_options=pacsv.ReadOptions(
            column_names=names, use_threads=odd_row is None, block_size=ARROW_BLOCK_BYTES
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=odd_row,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            null_values=[],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _blank_rows(columns: Sequence[pa.ChunkedArray]) -> pa.Array:
    """Indices of the rows whose every cell is empty after trimming (as `str.strip` trims)."""
    rows = pc.indices_nonzero(_empty(columns[0]))  # few rows pass the first column
    for column in columns[1:]:
        if not len(rows):
            break
        rows = rows.filter(_empty(column.take(rows)))
    return rows


def _empty(cells: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    return pc.equal(pc.binary_length(pc.utf8_trim_whitespace(cells)), 0)


def _assemble(
    header: list[str], header_row: int, table: pa.Table, odd_cells: list[tuple[int, list[str]]]
) -> Columns:
    """The Arrow rows and the rows `csv` split, merged in file order, blank rows dropped."""
    width = len(header)
    records = table.num_rows + len(odd_cells)
    numbers = np.arange(header_row + 1, header_row + 1 + records, dtype=np.int64)
    if odd_cells:  # the parser's rows are the records the handler did not take
        taken = np.array([header_row + n for n, _ in odd_cells], dtype=np.int64)
        numbers = numbers[~np.isin(numbers, taken)]
    columns = table.columns
    row_numbers = pa.array(numbers)
    blank = _blank_rows(columns)
    if len(blank):
        keep = np.ones(table.num_rows, dtype=bool)
        keep[blank.to_numpy()] = False
        columns = [c.filter(pa.array(keep)) for c in columns]
        row_numbers = row_numbers.filter(pa.array(keep))
    odd = [(header_row + n, cells) for n, cells in odd_cells if any(c.strip() for c in cells)]
    if not odd:
        return Columns(header, [Cells(c, {}) for c in columns], row_numbers, header_row, [])
    # rows of another width go in between the parser's rows, by row number
    odd_numbers = np.array([n for n, _ in odd], dtype=np.int64)
    plain = row_numbers.to_numpy()
    position = np.searchsorted(plain, odd_numbers) + np.arange(len(odd))
    merged = np.empty(len(plain) + len(odd), dtype=np.int64)
    is_odd = np.zeros(len(merged), dtype=bool)
    is_odd[position] = True
    merged[is_odd], merged[~is_odd] = odd_numbers, plain
    order = np.empty(len(merged), dtype=np.int64)  # merged position -> index in parser + odd
    order[~is_odd] = np.arange(len(plain))
    order[is_odd] = len(plain) + np.arange(len(odd))
    cells: list[Cells] = []
    for i, column in enumerate(columns):
        extra = pa.array([c[i] if i < len(c) else None for _, c in odd], pa.string())
        combined = pa.chunked_array([*column.chunks, extra], pa.string())
        cells.append(Cells(combined.take(pa.array(order)), {}))
    odd_rows = [
        OddRow(int(p), len(c), any(v.strip() for v in c[width:]))
        for p, (_, c) in zip(position, odd, strict=True)
        if len(c) != width
    ]
    return Columns(header, cells, pa.array(merged), header_row, odd_rows)


# --------------------------------------------------------------------------- records and JSON


def _records_rows(
    records: list[dict[str, Any]], filename: str, row_numbers: list[int] | None = None
) -> Rows:
    header: dict[str, None] = {}
    for rec in records:
        header.update(dict.fromkeys(rec))
    names = list(header)
    if not row_numbers or len(row_numbers) != len(records):
        row_numbers = list(range(1, len(records) + 1))
    rows = [(n, [rec.get(k) for k in names]) for n, rec in zip(row_numbers, records, strict=True)]
    _refuse_surrogates(names, rows, filename)
    return Rows(names, rows, None)


SURROGATE = say(
    "berisi surrogate UTF-16 tunggal (escape JSON seperti \\ud800 tanpa pasangannya), yang "
    "bukan karakter; kirim teks Unicode yang sah",
    "holds a lone UTF-16 surrogate (a JSON escape such as \\ud800 without its pair), which "
    "is not a character; send valid Unicode text",
)


def _refuse_surrogates(header: list[Any], rows: list[tuple[int, list[Any]]], filename: str) -> None:
    """JSON can escape half a UTF-16 pair (`"\\ud800"`); no UTF-8 file or table can hold it."""
    for name in header:
        if isinstance(name, str) and (why := _not_text(name)):
            message = say("nama kolom {why}", "a column name {why}", why=why)
            raise ReadError([Problem(filename, None, None, message)])
    for number, cells in rows:
        for name, cell in zip(header, cells, strict=True):
            if isinstance(cell, str) and (why := _not_text(cell)):
                message = say("nilainya {why}", "the value {why}", why=why)
                raise ReadError([Problem(filename, number, str(name), message)])


HOLDS_NUL = say(
    "berisi karakter NUL (0x00), yang tidak dapat disimpan dalam tabel; hapus karakter itu",
    "holds a NUL character (0x00), which no table can store; remove it",
)


def _not_text(value: str) -> Said | None:
    """Why `value` cannot be published as text (a lone surrogate, a NUL), or None."""
    if "\x00" in value:
        return HOLDS_NUL
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE
    return None


class _JsonRefused(ValueError):
    """JSON that parses but cannot be read as one table without losing a value."""

    def __init__(self, said: Said) -> None:
        super().__init__(said.render("en"))
        self.said = said


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:  # json.loads would keep the last value and drop the first unread
            raise _JsonRefused(
                say(
                    "kunci {key!r} muncul dua kali dalam satu objek; nilai pertama akan hilang",
                    "the key {key!r} appears twice in one object; its first value would be lost",
                    key=mask_identifiers(key),
                )
            )
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise _JsonRefused(
        say(
            "{name} bukan angka JSON yang sah; tulis sel kosong (null) atau angka",
            "{name} is no valid JSON number; write an empty cell (null) or a number",
            name=name,
        )
    )


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _JsonRefused(
            say(
                "angka {number} di luar jangkauan angka desimal",
                "the number {number} is out of the range of a decimal number",
                number=mask_identifiers(text[:40]),
            )
        )
    return value


def _json_rows(content: bytes, filename: str) -> Rows:
    text = decode(content, filename)
    try:
        data = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_constant=_no_constant,
            parse_float=_finite,
        )
    except _JsonRefused as exc:
        raise ReadError([Problem(filename, None, None, exc.said)]) from None
    except json.JSONDecodeError as exc:
        raise ReadError([Problem(filename, exc.lineno, None, _not_json(exc.msg))]) from exc
    except (ValueError, RecursionError) as exc:  # a 5000-digit number, nesting past the stack
        raise ReadError([Problem(filename, None, None, _not_json(str(exc)))]) from None
    if isinstance(data, list) and any(isinstance(r, dict) for r in data):
        stray = next((i for i, r in enumerate(data, 1) if not isinstance(r, dict)), None)
        if stray is not None:
            message = say(
                "record {record} bukan objek JSON seperti record lainnya",
                "record {record} is not a JSON object like the other records",
                record=stray,
            )
            raise ReadError([Problem(filename, stray, None, message)])
    records = _find_records(data)
    if records is None:
        if not isinstance(data, dict | list):
            message = say(
                "diharapkan objek JSON, ditemukan satu nilai {kind} saja",
                "expected JSON objects, found a bare {kind}",
                kind=_json_kind(data),
            )
            raise ReadError([Problem(filename, None, None, message)])
        try:
            records = [dict(_leaves(data))]
        except RecursionError:
            message = say(
                "bukan JSON yang sah: bersarang terlalu dalam", "not valid JSON: nested too deeply"
            )
            raise ReadError([Problem(filename, None, None, message)]) from None
    return _records_rows(records, filename)


def _json_kind(value: Any) -> str:
    """The JSON name of a parsed value's type (`null`, `string`, `number`, `boolean`)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return "string" if isinstance(value, str) else "number"


def _not_json(detail: str) -> Said:
    """The parser's reason (`detail`, English) stays in the English text only."""
    return say("bukan JSON yang sah", "not valid JSON: {detail}", detail=detail)


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


def _xlsx_problem(filename: str, message: str | Said) -> ReadError:
    return ReadError([Problem(filename, None, None, message, expectation="xlsx")])


def _xlsx_rows(content: bytes, filename: str) -> Rows:
    """First worksheet; rows numbered as Excel shows them."""
    from tangerang_hub.sources import excel
    from tangerang_hub.sources.base import SourceError

    if len(content) > excel.DEFAULT_MAX_BYTES:
        raise _xlsx_problem(
            filename,
            say(
                "berkas XLSX berukuran {size} byte, melebihi batas {limit}",
                "the XLSX file is {size} bytes, over the limit of {limit}",
                size=len(content),
                limit=excel.DEFAULT_MAX_BYTES,
            ),
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
        empty = say("lembar kerja (worksheet) kosong", "the worksheet is empty")
        raise ReadError([Problem(filename, None, None, empty)])
    return Rows(header, rows, header_row, sheet.title)
