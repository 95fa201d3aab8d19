"""Raw batch -> typed `pyarrow.Table` in contract order, with every problem located.

Rules (documented for stewards in schemas/README.md):

* Text: decoded as UTF-8 (with or without BOM), else Windows-1252; anything else fails.
  The delimiter is `;`, `,` or tab, whichever the header line uses most.
* Headers match field names ignoring case, spaces, `_` and `-`; the field title is also accepted.
* Every value is trimmed; an empty value is null.
* `string`: kept as text, never through a number, so `0012` and 16-digit NIK/NIB survive.
* `integer`: `1234`, `1.234.567` (Indonesian thousands), `1,234,567`, `1234.0`. A single dot
  followed by exactly three digits (`1.234`) is a thousands separator.
* `number`: `1234.5`, `1.234.567,89`, `1,234,567.89`, `-6,1789` (decimal comma). When both `.`
  and `,` appear the last one is the decimal mark; a single `.` is always a decimal point, so
  `1.234` is one point two three four (write `1.234,0` or `1234` for one thousand two hundred...).
  Several `.` are thousands separators (`1.234.567`).
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


def decode(content: bytes, filename: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
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
        return _records_rows(batch.records)
    if batch.content is None:
        raise NormalizeError([Problem(batch.filename, None, None, "the batch has no data")])
    if "json" in (batch.media_type or "") or batch.filename.lower().endswith(".json"):
        return _json_rows(batch.content, batch.filename)
    if "spreadsheetml" in (batch.media_type or "") or batch.filename.lower().endswith(".xlsx"):
        return _xlsx_rows(batch.content, batch.filename)
    return _csv_rows(decode(batch.content, batch.filename), batch.filename)


def _records_rows(records: list[dict[str, Any]]) -> _Rows:
    header: dict[str, None] = {}
    for rec in records:
        header.update(dict.fromkeys(rec))
    names = list(header)
    return _Rows(
        names, [(i, [rec.get(n) for n in names]) for i, rec in enumerate(records, 1)], None
    )


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


def _xlsx_rows(content: bytes, filename: str) -> _Rows:
    """First worksheet; rows numbered as Excel shows them."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a bad file
        raise NormalizeError(
            [Problem(filename, None, None, f"not a readable XLSX file: {exc}")]
        ) from exc
    rows: list[tuple[int, list[Any]]] = []
    header: list[str] | None = None
    header_row: int | None = None
    for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
        if all(is_empty(v) for v in values):
            continue
        if header is None:
            header = ["" if v is None else str(v).strip() for v in values]
            header_row = number
        else:
            rows.append((number, list(values)))
    book.close()
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


def parse_decimal(text: str, *, integer: bool) -> Decimal:
    """Parse a number written the Indonesian or the plain way; see the module docstring."""
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
        if _GROUPED_DOTS.match(s) and (integer or s.count(".") >= 2):
            body = s.replace(".", "")
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


def parse_number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("a true/false value is not a number")
    if isinstance(value, int | float):
        return float(value)
    return float(parse_decimal(str(value), integer=False))


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


def parse_string(value: Any, field: Field) -> str:
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value).strip()
    if field.format == "id" and _SPREADSHEET_NUMBER.match(text):
        raise ValueError(
            f"{text!r} looks like a code turned into a number by a spreadsheet; "
            "format the column as text and export again"
        )
    if field.enum:
        text = _canonical_enum(text, field.enum)
    return text


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
    for number, raw in data.rows:
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
                row_values[fld.name] = None if is_empty(cell) else convert(cell, fld, parent)
            except ValueError as exc:
                row_values[fld.name] = None
                problems.append(
                    Problem(
                        filename,
                        number,
                        header_of.get(fld.name, fld.name),
                        _cell_message(cell, exc),
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


def convert(value: Any, field: Field, parent: str | None = None) -> Any:
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
            return parse_number(value)
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
            names = ", ".join(repr(data.header[i]) for i in hits)
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
                    f"columns found: {', '.join(map(str, data.header)) or '(none)'}",
                    expectation="required_column",
                )
            )
    return found


def _cell_message(cell: Any, exc: Exception) -> str:
    shown, reason = _show(cell), str(exc)
    return reason if shown in reason else f"{shown}: {reason}"


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else repr(value.strip())
    return text if len(text) <= 60 else text[:57] + "...'"
