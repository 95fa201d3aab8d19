"""Find the table inside a government spreadsheet: skip title rows, flatten a merged
multi-level header, drop "Jumlah" rows and footnotes, read Indonesian number text.

Works on plain rows of cell values, so it serves openpyxl's read-only mode, which does
not expose merged ranges: a merged header label sits in its first cell and the cells it
spans are empty, which is what the flattening relies on.

Number text: in a column that holds Excel numbers, or whose text cells all look like
Indonesian numbers (``1.234.567``, ``21.874``, ``1.234,5``, ``-6,5``), such text becomes a
number through the one parser, `tangerang_hub.values`, with the column's `dot_convention`.
When a ``21.874`` in the column stays ambiguous (no other value says whether the dot groups
thousands or marks decimals), the column's text is left as it is, for `normalize` to decide
with the contract's type: an integer column reads it as thousands, a number column asks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from tangerang_hub.values import dot_convention, parse_decimal
from tangerang_quality.texts import SaidError, say

TOTAL = re.compile(r"^\s*(jumlah|total|grand\s*total|jml\.?|sub\s*total)\b", re.IGNORECASE)
FOOTNOTE = re.compile(
    r"^\s*(sumber|source|keterangan|ket\s*[.:]|catatan|note|\*+|\d+\)|[a-z]\))", re.IGNORECASE
)
# Text that looks like a number written the Indonesian way: dot-grouped thousands, or a
# decimal comma. Plain digits (``0012``) stay text: they may be codes.
NUMBER_TEXT = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+,\d+$")
MAX_HEADER_ROWS = 3


class TableError(SaidError):
    """The sheet holds no recognisable table (worded in both languages; `str()` English)."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    records: list[dict[str, Any]]
    header_row: int  # 1-based row of the first header row in the sheet
    first_data_row: int
    row_numbers: list[int]  # sheet row of each record


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _filled(row: Sequence[Any]) -> list[int]:
    return [i for i, v in enumerate(row) if not _blank(v)]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if not _blank(value) else ""


def detect_header(rows: Sequence[Sequence[Any]]) -> int:
    """Index of the first header row: the first row with at least two filled text cells
    and as many filled cells as half the widest row of the sheet."""
    widest = max((len(_filled(r)) for r in rows), default=0)
    for index, row in enumerate(rows):
        filled = _filled(row)
        texts = [i for i in filled if isinstance(row[i], str)]
        if len(filled) >= max(2, widest // 2) and len(texts) >= len(filled) * 0.6:
            return index
    raise TableError(
        say(
            "baris judul kolom tidak ditemukan (baris dengan paling sedikit dua judul kolom)",
            "no header row found (a row of at least two column titles)",
        )
    )


def header_depth(rows: Sequence[Sequence[Any]], start: int) -> int:
    """How many rows the header spans: lower rows hold only text and leave empty the
    cells under labels that were merged downwards (``No``, ``Kecamatan``)."""
    depth = 1
    top = rows[start]
    while depth < MAX_HEADER_ROWS and start + depth < len(rows):
        row = rows[start + depth]
        filled = _filled(row)
        if not filled or any(not isinstance(row[i], str) for i in filled):
            break
        under_label = [i for i in _filled(top) if i < len(row) and _blank(row[i])]
        if not under_label:
            break
        depth += 1
    return depth


def flatten_header(rows: Sequence[Sequence[Any]], separator: str = " / ") -> list[str]:
    """One name per column from a multi-row header (``Volume / Organik``)."""
    width = max(len(r) for r in rows)
    grid = [[_text(r[i]) if i < len(r) else "" for i in range(width)] for r in rows]
    # A label merged across columns only fills its first cell: carry it right over the
    # columns that have a sub-label below.
    for level in range(len(grid) - 1):
        current = ""
        for i in range(width):
            if grid[level][i]:
                current = grid[level][i]
            elif current and any(grid[lower][i] for lower in range(level + 1, len(grid))):
                grid[level][i] = current
            else:
                current = ""
    names = []
    for i in range(width):
        parts: list[str] = []
        for level in range(len(grid)):
            if grid[level][i] and grid[level][i] not in parts:
                parts.append(grid[level][i])
        names.append(separator.join(parts) or f"kolom_{i + 1}")
    return names


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


def _number_text(text: str, dots: str | None) -> int | float:
    """Indonesian number text (NUMBER_TEXT) as a number: ``1.234.567`` -> 1234567,
    ``1.234,5`` -> 1234.5; `AmbiguousNumber` for ``21.874`` when `dots` is None."""
    number = parse_decimal(text, integer=False, dots=dots)
    exponent = number.as_tuple().exponent
    written_whole = isinstance(exponent, int) and exponent >= 0  # no decimals written
    return int(number) if written_whole else float(number)


def _numbers_in_column(cells: list[Any]) -> list[Any] | None:
    """The column's cells with its number text parsed, or None to leave the column as is."""
    texts = [v for v in cells if isinstance(v, str) and not _blank(v)]
    if not (
        any(_is_number(v) for v in cells) or (texts and all(NUMBER_TEXT.match(v) for v in texts))
    ):
        return None
    dots = dot_convention(texts)
    try:
        return [
            _number_text(v, dots) if isinstance(v, str) and NUMBER_TEXT.match(v) else v
            for v in cells
        ]
    except ValueError:  # AmbiguousNumber: normalize decides with the contract's type
        return None


def read_table(
    rows: Sequence[Sequence[Any]],
    *,
    header_row: int | None = None,
    header_rows: int | None = None,
    columns: Mapping[str, str] | None = None,
    names: Sequence[str] | None = None,
    total_pattern: str | None = None,
    footnote_pattern: str | None = None,
) -> Table:
    """The data rows of a sheet as records. ``header_row`` is 1-based when given."""
    rows = [list(r) for r in rows]
    if not any(_filled(r) for r in rows):
        raise TableError(say("lembar kerja kosong", "the sheet is empty"))
    start = header_row - 1 if header_row else detect_header(rows)
    depth = header_rows or header_depth(rows, start)
    header = flatten_header(rows[start : start + depth])
    if names:
        if len(names) > len(header):
            raise TableError(
                say(
                    "{given} nama kolom diberikan, tetapi tabel memiliki {found} kolom",
                    "{given} column names given but the table has {found}",
                    given=len(names),
                    found=len(header),
                )
            )
        header = list(names) + header[len(names) :]
    if columns:
        lookup = {" ".join(k.casefold().split()): v for k, v in columns.items()}
        header = [lookup.get(" ".join(h.casefold().split()), h) for h in header]
    total = re.compile(total_pattern, re.IGNORECASE) if total_pattern else TOTAL
    footnote = re.compile(footnote_pattern, re.IGNORECASE) if footnote_pattern else FOOTNOTE

    body = list(enumerate(rows[start + depth :], start + depth + 1))
    # Footer: the trailing block of empty rows, one-cell text rows and footnotes.
    end = len(body)
    while end > 0:
        _, row = body[end - 1]
        filled = _filled(row)
        single_text = len(filled) == 1 and isinstance(row[filled[0]], str)
        if not filled or single_text or footnote.match(_text(row[filled[0]])):
            end -= 1
        else:
            break
    kept: list[tuple[int, list[Any]]] = []
    for number, row in body[:end]:
        filled = _filled(row)
        if not filled:
            continue
        first_texts = [_text(row[i]) for i in filled[:2] if isinstance(row[i], str)]
        if any(total.match(t) for t in first_texts):
            continue
        if len(filled) == 1 and footnote.match(_text(row[filled[0]])):
            continue
        kept.append((number, [_cell(v) for v in row]))
    if not kept:
        raise TableError(
            say(
                "tidak ada baris data di bawah judul kolom pada baris {row}",
                "no data rows under the header at row {row}",
                row=start + 1,
            )
        )

    width = len(header)
    for column in range(width):
        cells = [row[column] if column < len(row) else None for _, row in kept]
        parsed = _numbers_in_column(cells)
        if parsed is not None:
            for (_, row), value in zip(kept, parsed, strict=True):
                if column < len(row):
                    row[column] = value
    records = [
        {header[i]: (row[i] if i < len(row) else None) for i in range(width)} for _, row in kept
    ]
    return Table(
        header=header,
        records=records,
        header_row=start + 1,
        first_data_row=start + depth + 1,
        row_numbers=[n for n, _ in kept],
    )
