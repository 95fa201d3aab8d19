"""Raw batch -> typed `pyarrow.Table` in contract order, with every problem located.

The driver: `tangerang_hub.read` reads the batch into rows (decoding, delimiter, XLSX limits,
JSON records), `tangerang_hub.values` parses each cell (Indonesian numbers, dates, yes/no, codes);
this module matches the columns to the contract, converts every cell and collects the problems.
Rules (documented for stewards in schemas/README.md):

* Headers match field names ignoring case, spaces, `_` and `-`; the field title is also accepted.
  A required field without a column is a problem; an optional one becomes a null column; two
  columns matching one field are a problem; columns the contract does not name are dropped.
* Every value is trimmed; an empty value is null.
* A CSV row with fewer cells than the header is a problem (a truncated file); a blank row is
  skipped. An XLSX sheet has no row length: a missing cell there is an empty cell. A row with
  non-empty values beyond the header's width is a problem.
* Each cell is parsed by the field's type (`values`); a `number` column's `dot_convention` is
  decided over all its values first.
* `enum`: a value equal to an allowed value up to case and spacing takes the allowed spelling.
* `reference: kecamatan|kelurahan`: a Kemendagri code, BPS code or name in any known spelling
  becomes the Kemendagri code; a kelurahan is checked against the row's kecamatan.
* Every problem names the file, the row (as the file counts it) and the column (as the file
  names it). At most MAX_PROBLEMS are kept, then one line says how many more there were.
* Messages go to the public run report: a cell or header is quoted only as a short preview
  masked by the one identifier masker (`mask_identifiers`).
* The table's schema metadata records the file name (FILE_KEY) and the file row number of each
  table row (ROW_NUMBERS_KEY, a JSON list), so later stages locate problems the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from tangerang_hub import reference
from tangerang_hub.contracts import Contract, Field
from tangerang_hub.read import RawBatchLike, ReadError, Rows, read_rows
from tangerang_hub.values import (
    dot_convention,
    is_empty,
    parse_boolean,
    parse_date,
    parse_datetime,
    parse_integer,
    parse_number,
    parse_string,
    parse_year,
)
from tangerang_quality.masking import mask_identifiers
from tangerang_quality.problems import Problem
from tangerang_quality.table_metadata import FILE_KEY, ROW_NUMBERS_KEY

MAX_PROBLEMS = 1000

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("s", tz="Asia/Jakarta"),
    "year": pa.int32(),
}


class NormalizeError(ReadError):
    """The batch cannot be read or typed; `problems` lists every located problem."""


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


def column_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.casefold())


def normalize(batch: RawBatchLike, contract: Contract) -> pa.Table:
    """Typed table in contract order, or `NormalizeError` with every problem found."""
    filename = batch.filename
    try:
        data = read_rows(batch)
    except ReadError as exc:
        raise NormalizeError(exc.problems) from None
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
    data: Rows, contract: Contract, filename: str, problems: list[Problem]
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


def preview(value: Any) -> str:
    """A masked preview of a cell, at most PREVIEW_CHARS characters, quoted.

    Masked before it is cut, so a cut never leaves part of an identifier unmasked.
    """
    text = mask_identifiers(" ".join(str(value).split()))
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
    # Problem masks the whole message, the reason included
    return f"expected {_expected(field)}, got {shown}: {reason}"


def _show_header(header: Sequence[Any]) -> str:
    cells = [preview(h) for h in header[:MAX_HEADERS_SHOWN] if not is_empty(h)]
    more = len(header) - MAX_HEADERS_SHOWN
    return (", ".join(cells) or "(none)") + (f" and {more} more" if more > 0 else "")
