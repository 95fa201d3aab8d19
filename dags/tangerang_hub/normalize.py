"""Raw batch -> typed `pyarrow.Table` in contract order, with every problem located.

Rules (documented for stewards in schemas/README.md):

* Text: decoded as UTF-8 (with or without BOM). Windows-1252 only when the bytes hold no valid
  UTF-8 multi-byte sequence at all; a file mixing both is refused naming the byte offset/line.
  The delimiter is `;`, `,` or tab, whichever the header line uses most.
* Headers match field names ignoring case, spaces, `_` and `-`; the field title is also accepted.
* Every value is trimmed; an empty value is null.
* A CSV row with fewer cells than the header is a problem (a truncated file); a blank row is
  skipped. An XLSX sheet has no row length: a missing cell there is an empty cell.
* `string`: kept as text, never through a number, so `0012` and 16-digit NIK/NIB survive. A
  `format: id` value that arrives as a number (JSON/Excel) is a problem, except an integer of at
  most 15 digits that satisfies the field's `pattern` (if any).
* `integer`: `1234`, `1.234.567` (Indonesian thousands), `1,234,567`, `1234.0`. A single dot
  followed by exactly three digits (`1.234`) is a thousands separator.
* `number`: `1234.5`, `1.234.567,89`, `1,234,567.89`, `-6,1789` (decimal comma). When both `.`
  and `,` appear the last one is the decimal mark. Several `.` are thousands separators
  (`1.234.567`). A single `.` followed by exactly three digits (`10.234`) is ambiguous; the
  column decides: another value with a decimal comma (`6,5`, `1.234,5`) or several dots
  (`1.234.567`) -> dots are thousands; another value with a `.` followed by other than three
  digits (`2.25`) -> the dot is a decimal point. Undecided or contradictory -> a problem.
* `date`: `2024-08-17`, `17/08/2024`, `17-08-2024`, `17 Agustus 2024`, `17 Agt 2024`,
  `Sabtu, 17 Agustus 2024`; numeric dates are always day first. A contract `format`
  (`%m/%d/%Y`) replaces the guessing.
* `datetime`: ISO 8601 or `dd/mm/yyyy HH:MM[:SS]`; without a zone it is WIB (Asia/Jakarta).
* `boolean`: ya/tidak, true/false, y/n, 1/0, benar/salah.
* `year`: four digits.
* `enum`: a value equal to an allowed value up to case and spacing takes the allowed spelling.
* `reference: kecamatan|kelurahan`: a Kemendagri code, BPS code or name in any known spelling
  becomes the Kemendagri code; a kelurahan is checked against the row's kecamatan.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import pyarrow as pa

from tangerang_hub import reference
from tangerang_hub.contracts import Contract, Field
from tangerang_hub.problems import Problem

WIB = ZoneInfo("Asia/Jakarta")
MAX_PROBLEMS = 1000
# Schema metadata key: JSON list of the file row number of every table row.
ROW_NUMBERS_KEY = b"tangerang_hub.row_numbers"
FILE_KEY = b"tangerang_hub.file"
INT64_MAX = 2**63 - 1

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("s", tz="Asia/Jakarta"),
    "year": pa.int32(),
}


class RawBatchLike(Protocol):
    records: list[dict[str, Any]] | None
    content: bytes | None
    filename: str
    media_type: str


class NormalizeError(ValueError):
    """The batch cannot be typed; `problems` lists every located problem."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.problems)} problem(s) in the batch:\n{shown}{tail}")


def arrow_type(field: Field) -> pa.DataType:
    return ARROW_TYPES[field.type]


def arrow_schema(contract: Contract) -> pa.Schema:
    return pa.schema(
        [
            pa.field(
                f.name,
                arrow_type(f),
                nullable=True,
                metadata={"title": f.title, "description": f.description},
            )
            for f in contract.fields
        ]
    )


def row_numbers(table: pa.Table) -> list[int] | None:
    """File row number of each table row, as recorded by `normalize` (None if absent)."""
    meta = table.schema.metadata or {}
    raw = meta.get(ROW_NUMBERS_KEY)
    return json.loads(raw) if raw else None


# --------------------------------------------------------------------------- reading


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
        raise NormalizeError(
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
    raise NormalizeError(
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


@dataclass
class _Rows:
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number in file, values)
    header_row: int | None  # row of the header in the file (None for records)


def read_rows(batch: RawBatchLike) -> _Rows:
    if batch.records is not None:
        # Connectors that read files (the Excel inbox) say which sheet row each
        # record came from, so problems point at the row a steward sees.
        meta = getattr(batch, "meta", None) or {}
        return _records_rows(batch.records, meta.get("row_numbers"))
    if batch.content is None:
        raise NormalizeError([Problem(batch.filename, None, None, "the batch has no data")])
    if "json" in (batch.media_type or "") or batch.filename.lower().endswith(".json"):
        return _json_rows(batch.content, batch.filename)
    if "spreadsheetml" in (batch.media_type or "") or batch.filename.lower().endswith(".xlsx"):
        return _xlsx_rows(batch.content, batch.filename)
    return _csv_rows(decode(batch.content, batch.filename), batch.filename)


def _records_rows(records: list[dict[str, Any]], row_numbers: list[int] | None = None) -> _Rows:
    header: dict[str, None] = {}
    for rec in records:
        header.update(dict.fromkeys(rec))
    names = list(header)
    if not row_numbers or len(row_numbers) != len(records):
        row_numbers = list(range(1, len(records) + 1))
    rows = [(n, [rec.get(k) for k in names]) for n, rec in zip(row_numbers, records, strict=True)]
    return _Rows(names, rows, None)


def _json_rows(content: bytes, filename: str) -> _Rows:
    try:
        data = json.loads(decode(content, filename))
    except json.JSONDecodeError as exc:
        raise NormalizeError(
            [Problem(filename, exc.lineno, None, f"invalid JSON: {exc.msg}")]
        ) from exc
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise NormalizeError([Problem(filename, None, None, "JSON must be a list of objects")])
    return _records_rows(data)


MB = 1024 * 1024
# Limits for .xlsx content arriving outside the Excel inbox (http_csv, --source-file); the
# sheet is read by `sources.excel.read_sheet_rows` (zip bomb, sheet count, defusedxml,
# <dimension> reset, row/column/cell caps); the file size is checked here first.
XLSX_MAX_BYTES = 20 * MB
XLSX_MAX_UNCOMPRESSED = 100 * MB
XLSX_MAX_SHEETS = 20
XLSX_MAX_ROWS = 200_000
XLSX_MAX_COLUMNS = 200


def _xlsx_problem(filename: str, message: str) -> NormalizeError:
    return NormalizeError([Problem(filename, None, None, message, expectation="xlsx")])


def _xlsx_rows(content: bytes, filename: str) -> _Rows:
    """First worksheet; rows numbered as Excel shows them."""
    from tangerang_hub.sources.base import SourceError
    from tangerang_hub.sources.excel import read_sheet_rows

    if len(content) > XLSX_MAX_BYTES:
        raise _xlsx_problem(
            filename, f"the XLSX file is {len(content)} bytes, over the limit of {XLSX_MAX_BYTES}"
        )
    try:
        sheet_rows = read_sheet_rows(
            content,
            filename,
            None,
            max_sheets=XLSX_MAX_SHEETS,
            max_uncompressed=XLSX_MAX_UNCOMPRESSED,
            max_rows=XLSX_MAX_ROWS,
            max_columns=XLSX_MAX_COLUMNS,
        )
    except SourceError as exc:
        raise _xlsx_problem(filename, str(exc)) from None
    rows: list[tuple[int, list[Any]]] = []
    header: list[str] | None = None
    header_row: int | None = None
    for number, values in enumerate(sheet_rows, 1):
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
        raise NormalizeError([Problem(filename, None, None, "the worksheet is empty")])
    return _Rows(header, rows, header_row)


def _csv_rows(text: str, filename: str) -> _Rows:
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
        raise NormalizeError(
            [Problem(filename, reader.line_num, None, f"CSV error: {exc}")]
        ) from exc
    if header is None:
        raise NormalizeError([Problem(filename, None, None, "the file is empty (no header row)")])
    return _Rows(header, rows, header_row)


# --------------------------------------------------------------------------- values


def column_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.casefold())


_GROUPED_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_GROUPED_COMMAS = re.compile(r"^\d{1,3}(,\d{3})+$")
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")
# `10.234` in a number column: ten thousand or ten point two? (`0.234` is never thousands)
_AMBIGUOUS_DOT = re.compile(r"^[1-9]\d{0,2}\.\d{3}$")
# values that show the column's convention (matched without sign)
_DOTS_ARE_THOUSANDS = re.compile(r"^\d+,\d+$|^\d{1,3}(\.\d{3})+,\d+$|^\d{1,3}(\.\d{3}){2,}$")
_DOT_IS_DECIMAL = re.compile(r"^\d+\.\d+([eE][+-]?\d+)?$|^\d{1,3}(,\d{3})+\.\d+$")
THOUSANDS, DECIMAL = "thousands", "decimal"


class AmbiguousNumber(ValueError):
    """`10.234` in a number column whose other values do not say what the dot means."""


def _unsigned(text: str) -> str:
    s = text.strip().replace("\u2212", "-")
    return s[1:].strip() if s[:1] in "+-" else s


def dot_convention(values: Any) -> str | None:
    """What a lone `.` + three digits means in a number column: THOUSANDS, DECIMAL or None.

    None when no value settles it, or when values contradict each other.
    """
    thousands = decimal = False
    for value in values:
        if not isinstance(value, str):
            continue
        s = _unsigned(value)
        if _AMBIGUOUS_DOT.match(s):
            continue
        if _DOTS_ARE_THOUSANDS.match(s):
            thousands = True
        elif _DOT_IS_DECIMAL.match(s):
            decimal = True
    if thousands == decimal:
        return None
    return THOUSANDS if thousands else DECIMAL


def parse_decimal(text: str, *, integer: bool, dots: str | None = None) -> Decimal:
    """Parse a number written the Indonesian or the plain way; see the module docstring.

    `dots` is the column's `dot_convention`; without it `10.234` in a number column raises
    `AmbiguousNumber`.
    """
    s = text.strip().replace("\u2212", "-")
    sign = ""
    if s[:1] in "+-":
        sign, s = ("-" if s[0] == "-" else ""), s[1:].strip()
    has_dot, has_comma = "." in s, "," in s
    if re.fullmatch(r"\d+", s):
        body = s
    elif has_dot and has_comma:
        if s.rfind(",") > s.rfind("."):  # 1.234.567,89
            whole, _, frac = s.rpartition(",")
            if not _GROUPED_DOTS.match(whole) or not frac.isdigit():
                raise ValueError("badly grouped number (expected like 1.234.567,89)")
        else:  # 1,234,567.89
            whole, _, frac = s.rpartition(".")
            if not _GROUPED_COMMAS.match(whole) or not frac.isdigit():
                raise ValueError("badly grouped number (expected like 1,234,567.89)")
        body = f"{whole.replace('.', '').replace(',', '')}.{frac}"
    elif has_comma:
        if s.count(",") >= 2 and _GROUPED_COMMAS.match(s):
            body = s.replace(",", "")
        elif re.fullmatch(r"\d+,\d+", s):
            body = s.replace(",", ".")
        else:
            raise ValueError("not a number")
    elif has_dot:
        # several dots, or one dot + three digits in an integer column: thousands separators
        if _GROUPED_DOTS.match(s) and (integer or s.count(".") >= 2 or dots == THOUSANDS):
            body = s.replace(".", "")
        elif _AMBIGUOUS_DOT.match(s) and dots != DECIMAL:
            raise AmbiguousNumber(
                "ambiguous number: the '.' may be a thousands separator or a decimal point and "
                "no other value in the column settles it; write it unambiguously "
                "(10234 or 10.234,0 for ten thousand two hundred thirty-four, "
                "10,234 for ten point two three four)"
            )
        elif re.fullmatch(r"\d+\.\d+", s) or (not integer and _SCIENTIFIC.match(s)):
            body = s
        else:
            raise ValueError("not a number")
    elif not integer and _SCIENTIFIC.match(s):
        body = s
    else:
        raise ValueError("not a number")
    try:
        return Decimal(sign + body)
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc


def parse_integer(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("a true/false value is not a whole number")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        number = parse_decimal(str(value), integer=True)
    if number != number.to_integral_value():
        raise ValueError("not a whole number")
    result = int(number)
    if abs(result) > INT64_MAX:
        raise ValueError("number too large for an integer column; declare it as string")
    return result


def parse_number(value: Any, dots: str | None = None) -> float:
    if isinstance(value, bool):
        raise ValueError("a true/false value is not a number")
    if isinstance(value, int | float):
        return float(value)
    return float(parse_decimal(str(value), integer=False, dots=dots))


MONTHS = {
    **dict.fromkeys(["januari", "jan", "january"], 1),
    **dict.fromkeys(["februari", "pebruari", "feb", "peb", "february"], 2),
    **dict.fromkeys(["maret", "mar", "march"], 3),
    **dict.fromkeys(["april", "apr"], 4),
    **dict.fromkeys(["mei", "may"], 5),
    **dict.fromkeys(["juni", "jun", "june"], 6),
    **dict.fromkeys(["juli", "jul", "july"], 7),
    **dict.fromkeys(["agustus", "agu", "agt", "ags", "aug", "august"], 8),
    **dict.fromkeys(["september", "sep", "sept"], 9),
    **dict.fromkeys(["oktober", "okt", "oct", "october"], 10),
    **dict.fromkeys(["november", "nov", "nop", "nopember"], 11),
    **dict.fromkeys(["desember", "des", "dec", "december"], 12),
}
_WEEKDAY = re.compile(r"^(senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad)\s*,?\s*", re.I)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
_D_MONTH_Y = re.compile(r"^(\d{1,2})[\s.-]+([A-Za-z]+)\.?[\s.,-]+(\d{4})$")


def parse_date(value: Any, fmt: str | None = None) -> date:
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise ValueError("has a time of day; the column holds dates only")
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()
    if fmt:
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError as exc:
            raise ValueError(f"not a date in the format {fmt}") from exc
    s = _WEEKDAY.sub("", s)
    if m := _ISO_DATE.match(s):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY.match(s):
        d, mo, y = int(m[1]), int(m[3]), int(m[4])
    elif m := _D_MONTH_Y.match(s):
        month = MONTHS.get(m[2].casefold())
        if month is None:
            raise ValueError(f"unknown month name {m[2]!r}")
        d, mo, y = int(m[1]), month, int(m[3])
    else:
        raise ValueError("not a date (use 2024-08-17, 17/08/2024 or 17 Agustus 2024)")
    try:
        return date(y, mo, d)
    except ValueError as exc:
        raise ValueError(f"no such date: {exc}") from exc


_DMY_TIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_datetime(value: Any, fmt: str | None = None) -> datetime:
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime(value.year, value.month, value.day)
    else:
        s = str(value).strip()
        if fmt:
            try:
                result = datetime.strptime(s, fmt)
            except ValueError as exc:
                raise ValueError(f"not a date-time in the format {fmt}") from exc
        elif m := _DMY_TIME.match(s):
            d, mo, y, hh, mm, ss = (int(x) if x else 0 for x in m.groups())
            try:
                result = datetime(y, mo, d, hh, mm, ss)
            except ValueError as exc:
                raise ValueError(f"no such date-time: {exc}") from exc
        else:
            try:
                result = datetime.fromisoformat(s.replace("Z", "+00:00"))
            except ValueError as exc:
                raise ValueError(
                    "not a date-time (use 2024-08-17T13:45:00+07:00 or 17/08/2024 13:45)"
                ) from exc
    if result.tzinfo is None:
        result = result.replace(tzinfo=WIB)
    return result.astimezone(timezone(timedelta(hours=7))).replace(microsecond=0)


TRUE = {"true", "ya", "y", "1", "benar", "t", "yes", "iya", "ada"}
FALSE = {"false", "tidak", "n", "0", "salah", "f", "no", "tdk", "tidak ada"}


def parse_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    s = str(value).strip().casefold()
    if s in TRUE:
        return True
    if s in FALSE:
        return False
    raise ValueError("not a yes/no value (use ya/tidak or true/false)")


def parse_year(value: Any) -> int:
    year = parse_integer(value)
    if not 1800 <= year <= 2200:
        raise ValueError("not a four-digit year")
    return year


_SPREADSHEET_NUMBER = re.compile(r"^\d+(\.\d+)?[eE]\+\d+$")


ID_MAX_DIGITS = 15  # float64 and Excel keep at most 15 significant digits


def parse_string(value: Any, field: Field) -> str:
    if field.format == "id" and isinstance(value, int | float) and not isinstance(value, bool):
        _check_numeric_id(value, field)
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value).strip()
    if field.format == "id" and _SPREADSHEET_NUMBER.match(text):
        raise ValueError(
            "looks like a code turned into a number by a spreadsheet (1.23E+15); "
            "format the column as text and export again"
        )
    if field.enum:
        text = _canonical_enum(text, field.enum)
    return text


def _check_numeric_id(value: int | float, field: Field) -> None:
    """A code sent as a JSON/Excel number may have lost leading zeros or digits.

    Accepted only as an integer of at most 15 digits that satisfies the field's pattern (a
    pattern such as `^[0-9]{7}$` tells that a short number lost its leading zeros).
    """
    ask = "send the code as text (a JSON string, an Excel text cell) so no digit is lost"
    if isinstance(value, float):
        raise ValueError(f"a code arrived as a decimal number, which loses digits; {ask}")
    digits = str(abs(value))
    if len(digits) > ID_MAX_DIGITS:
        raise ValueError(f"a code of {len(digits)} digits arrived as a number; {ask}")
    if field.pattern and not re.search(field.pattern, str(value)):
        raise ValueError(
            f"a code arrived as a number and does not match {field.pattern} "
            f"(leading zeros lost?); {ask}"
        )


def _canonical_enum(text: str, allowed: tuple[str, ...]) -> str:
    key = " ".join(text.split()).casefold()
    matches = [a for a in allowed if a.casefold() == key]
    return matches[0] if len(matches) == 1 else text


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --------------------------------------------------------------------------- normalize


def normalize(batch: RawBatchLike, contract: Contract) -> pa.Table:
    """Typed table in contract order, or `NormalizeError` with every problem found."""
    filename = batch.filename
    data = read_rows(batch)
    problems: list[Problem] = []
    columns = _match_columns(data, contract, filename, problems)
    header_of = {name: data.header[i] for name, i in columns.items()}
    width = len(data.header)

    values: dict[str, list[Any]] = {f.name: [] for f in contract.fields}
    kecamatan_field = next((f.name for f in contract.fields if f.reference == "kecamatan"), None)
    dots = {
        f.name: dot_convention(
            raw[columns[f.name]] for _, raw in data.rows if columns[f.name] < len(raw)
        )
        for f in contract.fields
        if f.type == "number" and f.name in columns
    }
    for number, raw in data.rows:
        if len(raw) < width and data.header_row is not None:
            problems.append(
                Problem(
                    filename,
                    number,
                    None,
                    f"row has {len(raw)} cells, header has {width} (a truncated or broken row)",
                    expectation="row_width",
                )
            )
        if len(raw) > width and any(not is_empty(v) for v in raw[width:]):
            problems.append(
                Problem(
                    filename,
                    number,
                    None,
                    f"the row has {len(raw)} values but the header has {width} columns",
                    expectation="row_width",
                )
            )
        row_values: dict[str, Any] = {}
        for fld in contract.fields:
            idx = columns.get(fld.name)
            cell = raw[idx] if idx is not None and idx < len(raw) else None
            parent = row_values.get(kecamatan_field) if fld.reference == "kelurahan" else None
            try:
                row_values[fld.name] = (
                    None if is_empty(cell) else convert(cell, fld, parent, dots.get(fld.name))
                )
            except ValueError as exc:
                row_values[fld.name] = None
                problems.append(
                    Problem(
                        filename,
                        number,
                        header_of.get(fld.name, fld.name),
                        _cell_message(cell, exc, fld),
                        expectation="reference" if fld.reference else f"type:{fld.type}",
                    )
                )
        for name, value in row_values.items():
            values[name].append(value)

    if problems:
        if len(problems) > MAX_PROBLEMS:
            rest = len(problems) - MAX_PROBLEMS
            problems = problems[:MAX_PROBLEMS]
            problems.append(Problem(filename, None, None, f"... and {rest} more problems"))
        raise NormalizeError(problems)

    schema = arrow_schema(contract)
    arrays = [pa.array(values[f.name], type=arrow_type(f)) for f in contract.fields]
    table = pa.Table.from_arrays(arrays, schema=schema)
    rows = json.dumps([n for n, _ in data.rows], separators=(",", ":")).encode()
    return table.replace_schema_metadata({ROW_NUMBERS_KEY: rows, FILE_KEY: filename})


def convert(value: Any, field: Field, parent: str | None = None, dots: str | None = None) -> Any:
    """One non-empty cell to the Python value of the field's type, or ValueError (the reason)."""
    if isinstance(value, str):
        value = value.strip()
    match field.type:
        case "string":
            text = parse_string(value, field)
            if field.reference:
                try:
                    return reference.resolve(text, field.reference, parent)
                except reference.WilayahLookupError as exc:
                    raise ValueError(str(exc)) from exc
            return text
        case "integer":
            return parse_integer(value)
        case "number":
            return parse_number(value, dots)
        case "boolean":
            return parse_boolean(value)
        case "date":
            return parse_date(value, field.format)
        case "datetime":
            return parse_datetime(value, field.format)
        case "year":
            return parse_year(value)
    raise ValueError(f"unknown type {field.type}")


def _match_columns(
    data: _Rows, contract: Contract, filename: str, problems: list[Problem]
) -> dict[str, int]:
    """Field name -> column index in the file."""
    by_key: dict[str, list[int]] = {}
    for i, header in enumerate(data.header):
        if header is not None:
            by_key.setdefault(column_key(str(header)), []).append(i)
    found: dict[str, int] = {}
    for fld in contract.fields:
        hits = by_key.get(column_key(fld.name)) or by_key.get(column_key(fld.title)) or []
        if len(hits) > 1:
            names = ", ".join(preview(data.header[i]) for i in hits)
            problems.append(
                Problem(
                    filename,
                    data.header_row,
                    fld.name,
                    f"several columns match field {fld.name!r}: {names}",
                    expectation="header",
                )
            )
        elif hits:
            found[fld.name] = hits[0]
        elif fld.required:
            problems.append(
                Problem(
                    filename,
                    data.header_row,
                    fld.name,
                    f"required column {fld.name!r} ({fld.title}) is missing; "
                    f"columns found: {_show_header(data.header)}",
                    expectation="required_column",
                )
            )
    return found


# --------------------------------------------------------------------------- messages
# Problem messages go to the public run report: never echo a raw value that may be personal
# data (NIK, phone, e-mail). A value is shown only as a short masked preview.

PREVIEW_CHARS = 30
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LONG_DIGITS = re.compile(r"\d(?:[ -]?\d){5,}")  # 6+ digits, also written 3671 0145 ...
MAX_HEADERS_SHOWN = 20

EXPECTED = {
    "string": "text",
    "integer": "a whole number (1234 or 1.234.567)",
    "number": "a number (1234,5 or 1.234,5 or 1234.5)",
    "date": "a date (2024-08-17, 17/08/2024 or 17 Agustus 2024)",
    "datetime": "a date-time (2024-08-17T13:45:00+07:00 or 17/08/2024 13:45)",
    "boolean": "ya/tidak or true/false",
    "year": "a four-digit year",
}


def mask(text: str) -> str:
    """E-mails become `***@***`; runs of 6+ digits keep only their first and last two."""

    def digits(m: re.Match[str]) -> str:
        run = re.sub(r"\D", "", m[0])
        return run[:2] + "*" * (len(run) - 4) + run[-2:]

    return _LONG_DIGITS.sub(digits, _EMAIL.sub("***@***", text))


def preview(value: Any) -> str:
    """A masked preview of a cell, at most PREVIEW_CHARS characters, quoted."""
    text = " ".join(str(value).split())
    text = mask(text)
    if len(text) > PREVIEW_CHARS:
        text = text[: PREVIEW_CHARS - 3] + "..."
    return f"'{text}'"


def _expected(field: Field) -> str:
    if field.reference:
        return f"a {field.reference} code or name of Kota Tangerang"
    if field.type in ("date", "datetime") and field.format:
        return f"a {field.type} in the format {field.format}"
    if field.type == "string" and field.format == "id":
        return "a code written as text"
    return EXPECTED.get(field.type, field.type)


def _cell_message(cell: Any, exc: Exception, field: Field) -> str:
    reason = str(exc)
    raw = str(cell).strip()
    shown = preview(cell)
    if raw:  # a reason quoting the value (reference lookups do) quotes the preview instead
        reason = reason.replace(repr(raw), shown)
    return f"expected {_expected(field)}, got {shown}: {mask(reason)}"


def _show_header(header: Sequence[Any]) -> str:
    cells = [preview(h) for h in header[:MAX_HEADERS_SHOWN] if not is_empty(h)]
    more = len(header) - MAX_HEADERS_SHOWN
    return (", ".join(cells) or "(none)") + (f" and {more} more" if more > 0 else "")
