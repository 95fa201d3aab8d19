"""Raw batch -> typed `pyarrow.Table` in contract order, with every problem located.

The driver: `tangerang_hub.read` reads the batch into Arrow columns (decoding, delimiter, XLSX
limits, JSON records), `tangerang_hub.values` parses cells (Indonesian numbers, dates, yes/no,
codes); this module matches the columns to the contract, types every column and collects the
problems. Rules (documented for stewards in schemas/README.md):

* Headers match field names ignoring case, spaces, `_` and `-`; the field title is also accepted.
  A required field without a column is a problem; an optional one becomes a null column; two
  columns matching one field are a problem; columns the contract does not name are dropped
  (and named in the table's metadata, UNKNOWN_COLUMNS_KEY).
* Every value is trimmed; an empty value is null.
* A CSV row with fewer cells than the header is a problem (a truncated file); a blank row is
  skipped. An XLSX sheet has no row length: a missing cell there is an empty cell. A row with
  non-empty values beyond the header's width is a problem.
* Each cell is parsed by the field's type (`values`); a `number` column's `dot_convention` is
  decided over all its values. The result is the same as parsing cell by cell, but a column is
  typed in Arrow: trimming and empty cells by pyarrow, the commonest spellings by
  `values.parse_arrow`, and every other rule once per distinct trimmed text (a kelurahan: per
  distinct text and kecamatan), mapped back to the rows with `take`.
* `enum`: a value equal to an allowed value up to case and spacing takes the allowed spelling.
* `reference: kecamatan|kelurahan`: a Kemendagri code, BPS code or name in any known spelling
  becomes the Kemendagri code; a kelurahan is checked against the row's kecamatan.
* Every problem names the file, the row (as the file counts it) and the column (as the file
  names it). At most MAX_PROBLEMS are kept, then one line says how many more there were.
* Messages go to the public run report, in Bahasa Indonesia and English (`texts.say`): a cell
  or header is quoted only as a short preview masked by the one identifier masker
  (`mask_identifiers`).
* The table's schema metadata records the file name (FILE_KEY) and the file row number of each
  table row (ROW_NUMBERS_KEY, runs of rows in JSON), so later stages locate problems the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tangerang_hub import reference
from tangerang_hub.contracts import Contract, Field
from tangerang_hub.read import Cells, Columns, RawBatchLike, ReadError, read_columns
from tangerang_hub.values import (
    DATE_FORMS,
    DATETIME_FORMS,
    depends_on_dots,
    dot_convention_arrow,
    is_empty,
    parse_arrow,
    parse_boolean,
    parse_date,
    parse_datetime,
    parse_integer,
    parse_number,
    parse_string,
    parse_year,
    string_as_written,
)
from tangerang_quality.masking import mask_identifiers
from tangerang_quality.problems import Problem
from tangerang_quality.table_metadata import (
    FILE_KEY,
    ROW_NUMBERS_KEY,
    UNKNOWN_COLUMNS_KEY,
    decode_row_numbers,
    encode_row_numbers,
)
from tangerang_quality.texts import Said, SaidError, say

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
    return decode_row_numbers(raw) if raw else None


def column_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.casefold())


def normalize(batch: RawBatchLike, contract: Contract) -> pa.Table:
    """Typed table in contract order, or `NormalizeError` with every problem found."""
    filename = batch.filename
    try:
        data = read_columns(batch)
    except ReadError as exc:
        raise NormalizeError(exc.problems) from None
    header_problems: list[Problem] = []
    columns = _match_columns(data, contract, filename, header_problems)
    header_of = {name: data.header[i] for name, i in columns.items()}
    width = len(data.header)

    def row(index: int) -> int:
        return data.row_numbers[index].as_py()

    located: list[tuple[int, int, Problem]] = []  # (table row, field order or -1, problem)
    for odd in data.odd_rows:
        if odd.cells < width:
            message = short_row(odd.cells, width)
        elif odd.extra:
            message = long_row(odd.cells, width)
        else:
            continue
        located.append(
            (
                odd.index,
                -1,
                Problem(filename, row(odd.index), None, message, expectation="row_width"),
            )
        )
    count = len(header_problems) + len(located)

    typed: dict[str, pa.ChunkedArray] = {}
    done = _convert_columns(data, columns, contract)
    for order, fld in enumerate(contract.fields):
        converted = done.get(fld.name)
        if converted is None:
            typed[fld.name] = pa.chunked_array([pa.nulls(data.num_rows, arrow_type(fld))])
            continue
        typed[fld.name] = converted.values
        count += converted.failures
        column = header_of.get(fld.name, fld.name)
        expectation = "reference" if fld.reference else f"type:{fld.type}"
        located += [
            (i, order, Problem(filename, row(i), column, message, expectation=expectation))
            for i, message in converted.first_failures(MAX_PROBLEMS)
        ]

    if count:
        located.sort(key=lambda item: item[:2])
        problems = header_problems + [p for _, _, p in located]
        if count > MAX_PROBLEMS:
            problems = problems[:MAX_PROBLEMS]
            problems.append(Problem(filename, None, None, more_problems(count - MAX_PROBLEMS)))
        raise NormalizeError(problems)

    schema = arrow_schema(contract)
    table = pa.Table.from_arrays([typed[f.name] for f in contract.fields], schema=schema)
    used = set(columns.values())
    unknown = [
        [data.header_row, str(name)]
        for i, name in enumerate(data.header)
        if i not in used and name is not None and str(name).strip()
    ]
    return table.replace_schema_metadata(
        {
            ROW_NUMBERS_KEY: encode_row_numbers(data.row_numbers),
            FILE_KEY: filename,
            UNKNOWN_COLUMNS_KEY: json.dumps(unknown, ensure_ascii=False).encode(),
        }
    )


# --------------------------------------------------------------------------- columns
# Python rules run once per distinct value of a column (a kelurahan: per distinct pair of value
# and the row's kecamatan code), and the results are mapped back to the rows by Arrow.


# Columns are typed this many at a time: Arrow's kernels release the GIL, and a column's Python
# rules run while another column is in Arrow (1M rows, 10 columns: 1.0 s alone, 0.6 s in two).
CONVERT_THREADS = 2


def _convert_columns(
    data: Columns, columns: dict[str, int], contract: Contract
) -> dict[str, Converted]:
    """`convert_column` of every field the file has a column for, by field name. A kelurahan
    column is typed once its kecamatan column is, wherever the contract lists the two."""
    kecamatan = next((f.name for f in contract.fields if f.reference == "kecamatan"), None)
    present = [f for f in contract.fields if f.name in columns]
    # the kelurahan jobs last: each waits for a job queued before it, never the other way
    present.sort(key=lambda f: f.reference == "kelurahan")
    jobs: dict[str, Future[Converted]] = {}

    def run(fld: Field) -> Converted:
        parent = None
        if fld.reference == "kelurahan" and kecamatan in jobs:
            parent = jobs[kecamatan].result().values
        return convert_column(data.columns[columns[fld.name]], fld, parent)

    with ThreadPoolExecutor(CONVERT_THREADS, thread_name_prefix="normalize") as pool:
        for fld in present:
            jobs[fld.name] = pool.submit(run, fld)
        return {name: job.result() for name, job in jobs.items()}


@dataclass(frozen=True)
class Converted:
    """One column typed, and which of its cells failed."""

    values: pa.ChunkedArray  # the field's Arrow type; null where empty or failed
    failed_rows: pa.Array  # table rows of failed text cells, ascending
    failed_codes: pa.Array  # for each failed row, its index in `messages`
    messages: list[Said]
    other_failures: list[tuple[int, Said]]  # (table row, message) of failed non-text cells

    @property
    def failures(self) -> int:
        return len(self.failed_rows) + len(self.other_failures)

    def first_failures(self, limit: int) -> list[tuple[int, Said]]:
        """The first `limit` failures in row order: (table row, message)."""
        rows = self.failed_rows[:limit].to_pylist()
        codes = self.failed_codes[:limit].to_pylist()
        found = [(r, self.messages[c]) for r, c in zip(rows, codes, strict=True)]
        # a row fails once per column (a text cell or another one): rows never tie
        return sorted(found + self.other_failures[:limit], key=lambda f: f[0])[:limit]


def convert_column(cells: Cells, field: Field, parent: pa.ChunkedArray | None = None) -> Converted:
    """Every cell of a column typed as `convert` types one; `parent` is the rows' kecamatan.

    `convert` runs once per distinct trimmed text that `values.parse_arrow` (or, for text
    kept as written, `values.string_as_written`) does not settle in Arrow.
    """
    text = _trimmed(cells.text)
    arrow = arrow_type(field)
    as_written = field.type == "string" and not field.reference
    pending: np.ndarray | None = None  # key -> index in `typed`, when not every key is pending
    dots = None
    if as_written:  # the value is the text, except where parse_string may refuse or respell
        unsure = pc.unique(text.filter(pc.invert(string_as_written(text, field)))).drop_null()
        keys = [(v, None) for v in unsure.to_pylist()]
        codes = pc.index_in(text, value_set=unsure) if keys else None
        typed = pa.nulls(len(keys), arrow)
    else:
        encoded = pc.dictionary_encode(text.combine_chunks())  # one hash pass for both
        distinct, codes = encoded.dictionary, encoded.indices
        fast = parse_arrow(distinct, field) if parent is None else None
        if parent is not None:
            keys, codes = _pairs(codes, distinct, parent)
            typed = pa.nulls(len(keys), arrow)
        elif fast is None:
            keys = [(v, None) for v in distinct.to_pylist()]
            typed = pa.nulls(len(keys), arrow)
        else:
            typed, done = fast
            pending = pc.indices_nonzero(pc.invert(done)).to_numpy()
            keys = [(v, None) for v in distinct.take(pending).to_pylist()]
    if field.type == "number" and any(depends_on_dots(v) for v, _ in keys):
        dots = dot_convention_arrow(distinct)  # decided over all the column's values
    results: list[Any] = []
    messages: list[Said] = []
    failed: list[int] = []
    for key, (value, parent_code) in enumerate(keys):
        try:
            results.append(convert(value, field, parent_code, dots))
        except ValueError as exc:
            results.append(None)
            failed.append(key)
            messages.append(_cell_message(value, exc, field))
    if keys:
        mask = np.zeros(len(typed), dtype=bool)
        mask[pending if pending is not None else slice(None)] = True
        typed = pc.replace_with_mask(typed, pa.array(mask), pa.array(results, arrow))
    if codes is None:
        values = text
    elif as_written:
        values = pc.if_else(pc.is_null(codes), text, pc.take(typed, codes))
    else:
        values = pc.take(typed, codes)
    failed_rows: pa.Array = pa.array([], pa.int64())
    failed_codes: pa.Array = pa.array([], pa.int32())
    if failed:
        where = np.asarray(failed) if pending is None else pending[failed]
        failed_keys = pa.array(where, pa.int32())
        failed_rows = pc.indices_nonzero(pc.is_in(codes, value_set=failed_keys))
        failed_codes = pc.index_in(pc.take(codes, failed_rows), value_set=failed_keys)
        if isinstance(failed_codes, pa.ChunkedArray):
            failed_codes = failed_codes.combine_chunks()
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    other: list[tuple[int, Said]] = []
    if cells.values:
        values, other = _convert_others(values, cells.values, field, parent, dots)
    return Converted(values, failed_rows, failed_codes, messages, other)


def _trimmed(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """Every cell trimmed as `str.strip` trims; an empty one null."""
    text = pc.utf8_trim_whitespace(text)
    return pc.if_else(pc.equal(pc.binary_length(text), 0), pa.scalar(None, pa.string()), text)


def _pairs(
    codes: pa.Array, distinct: pa.Array, parent: pa.ChunkedArray
) -> tuple[list[tuple[str, str | None]], pa.Array]:
    """The distinct (value, parent code) pairs of a column, and each row's index among them.

    `codes` is each row's index in `distinct`, the column's distinct values.
    """
    values = distinct.to_pylist()
    parents = pc.unique(parent).drop_null()
    parent_values = [*parents.to_pylist(), None]
    stride = len(parent_values)
    parent_codes = pc.fill_null(pc.index_in(parent, value_set=parents), len(parents))
    pair = pc.add(
        pc.multiply(pc.cast(codes, pa.int64()), stride), pc.cast(parent_codes, pa.int64())
    )
    pairs = pc.unique(pair).drop_null()
    keys = [(values[p // stride], parent_values[p % stride]) for p in pairs.to_pylist()]
    return keys, pc.index_in(pair, value_set=pairs)


def _convert_others(
    values: pa.ChunkedArray,
    others: dict[int, Any],
    field: Field,
    parent: pa.ChunkedArray | None,
    dots: str | None,
) -> tuple[pa.ChunkedArray, list[tuple[int, Said]]]:
    """Cells that are not text (JSON/Excel numbers, dates...), converted once per distinct value."""
    done: dict[Any, tuple[Any, Said | None]] = {}
    rows = sorted(others)
    results: list[Any] = []
    failures: list[tuple[int, Said]] = []
    for index in rows:
        cell = others[index]
        parent_code = parent[index].as_py() if parent is not None else None
        try:
            key: Any = (type(cell), cell, parent_code)
            hash(key)
        except TypeError:
            key = None  # a nested list or object: converted on its own
        if key is None or key not in done:
            try:
                outcome = (
                    None if is_empty(cell) else convert(cell, field, parent_code, dots),
                    None,
                )
            except ValueError as exc:
                outcome = (None, _cell_message(cell, exc, field))
            if key is not None:
                done[key] = outcome
        else:
            outcome = done[key]
        results.append(outcome[0])
        if outcome[1] is not None:
            failures.append((index, outcome[1]))
    mask = np.zeros(len(values), dtype=bool)
    mask[rows] = True
    replaced = pc.replace_with_mask(
        values.combine_chunks(), pa.array(mask), pa.array(results, arrow_type(field))
    )
    return pa.chunked_array([replaced]), failures


def convert(value: Any, field: Field, parent: str | None = None, dots: str | None = None) -> Any:
    """One non-empty cell to the Python value of the field's type, or ValueError (the reason).

    The reason a person reads is a `SaidError`; any other ValueError is a plain text.
    """
    if isinstance(value, str):
        value = value.strip()
    match field.type:
        case "string":
            text = parse_string(value, field)
            if field.reference:
                try:
                    return reference.resolve(text, field.reference, parent)
                except reference.WilayahLookupError as exc:
                    raise SaidError(exc.said) from exc
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
    data: Columns, contract: Contract, filename: str, problems: list[Problem]
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
                    say(
                        "beberapa kolom cocok dengan kolom kontrak {field}: {names}",
                        "several columns match field {field}: {names}",
                        field=repr(fld.name),
                        names=names,
                    ),
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
                    say(
                        "kolom wajib {field} ({title}) tidak ada; kolom yang ditemukan: {found}",
                        "required column {field} ({title}) is missing; columns found: {found}",
                        field=repr(fld.name),
                        title=fld.title,
                        found=_show_header(data.header),
                    ),
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
    "string": say("teks", "text"),
    "integer": say("bilangan bulat (1234 atau 1.234.567)", "a whole number (1234 or 1.234.567)"),
    "number": say(
        "angka (1234,5 atau 1.234,5 atau 1234.5)", "a number (1234,5 or 1.234,5 or 1234.5)"
    ),
    "date": say("tanggal ({forms})", "a date ({forms})", forms=DATE_FORMS),
    "datetime": say("tanggal-waktu ({forms})", "a date-time ({forms})", forms=DATETIME_FORMS),
    "boolean": say("ya/tidak atau true/false", "ya/tidak or true/false"),
    "year": say("tahun empat digit", "a four-digit year"),
}
TYPE_WORDS = {"date": "tanggal", "datetime": "tanggal-waktu"}  # a type in Bahasa Indonesia


def short_row(cells: int, width: int) -> Said:
    """A data row with fewer cells than the header's `width`."""
    return say(
        "baris berisi {cells} sel, baris judul berisi {width} (baris terpotong atau rusak)",
        "row has {cells} cells, header has {width} (a truncated or broken row)",
        cells=cells,
        width=width,
    )


def long_row(cells: int, width: int) -> Said:
    """A data row with non-empty values beyond the header's `width`."""
    return say(
        "baris berisi {cells} nilai, tetapi baris judul hanya berisi {width} kolom",
        "the row has {cells} values but the header has {width} columns",
        cells=cells,
        width=width,
    )


def more_problems(count: int) -> Said:
    """The last line of a list of problems cut at MAX_PROBLEMS."""
    return say("... dan {count} masalah lainnya", "... and {count} more problems", count=count)


def preview(value: Any) -> str:
    """A masked preview of a cell, at most PREVIEW_CHARS characters, quoted.

    Masked before it is cut, so a cut never leaves part of an identifier unmasked.
    """
    text = mask_identifiers(" ".join(str(value).split()))
    if len(text) > PREVIEW_CHARS:
        text = text[: PREVIEW_CHARS - 3] + "..."
    return f"'{text}'"


def _expected(field: Field) -> Said:
    if field.reference:
        return say(
            "kode atau nama {level} di Kota Tangerang",
            "a {level} code or name of Kota Tangerang",
            level=field.reference,
        )
    if field.type in ("date", "datetime") and field.format:
        return say(
            "{kind} dengan format {format}",
            "a {type} in the format {format}",
            kind=TYPE_WORDS[field.type],
            type=field.type,
            format=field.format,
        )
    if field.type == "string" and field.format == "id":
        return say("kode yang ditulis sebagai teks", "a code written as text")
    return EXPECTED.get(field.type) or say("{type}", "{type}", type=field.type)


def _cell_message(cell: Any, exc: Exception, field: Field) -> Said:
    """Why `cell` is refused: what the field expects, the cell's preview and the reason."""
    reason: Said | str = exc.said if isinstance(exc, SaidError) else str(exc)
    raw = str(cell).strip()
    shown = preview(cell)
    if raw:  # a reason quoting the value (reference lookups do) quotes the preview instead
        reason = _requote(reason, repr(raw), shown)
    # Problem masks the whole message, the reason included
    return say(
        "diharapkan {expected}, ditemukan {shown}: {reason}",
        "expected {expected}, got {shown}: {reason}",
        expected=_expected(field),
        shown=shown,
        reason=reason,
    )


def _requote(text: Said | str, old: str, new: str) -> Said | str:
    """`text` with `old` replaced by `new` wherever it is quoted (a `Said` quotes its params)."""
    if isinstance(text, str):
        return text.replace(old, new)
    params = tuple(
        (k, _requote(v, old, new) if isinstance(v, Said | str) else v) for k, v in text.params
    )
    return Said(text.id, text.en, params)


def _show_header(header: Sequence[Any]) -> Said:
    cells = ", ".join(preview(h) for h in header[:MAX_HEADERS_SHOWN] if not is_empty(h))
    shown = cells or say("(tidak ada)", "(none)")
    more = len(header) - MAX_HEADERS_SHOWN
    if more > 0:
        return say("{cells} dan {more} lainnya", "{cells} and {more} more", cells=shown, more=more)
    return say("{cells}", "{cells}", cells=shown)
