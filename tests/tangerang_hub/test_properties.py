"""Property tests of the reader and the normalizer (hypothesis).

Hostile input never escapes as anything but the engine's own errors (`ReadError` from the
reader, `NormalizeError` from the normalizer, which is a `ReadError`). The fast paths are held
equal to the plain ones they stand for: pyarrow's CSV reading to Python's `csv`, the Arrow forms
of `values` to its Python parsers, and the vectorized `normalize` to a per-cell driver (the
one this module keeps as `per_cell`). Examples found by these properties stay as `@example`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import string
from datetime import date, datetime
from typing import Any
from unittest.mock import patch

import pyarrow as pa
import pyarrow.compute as pc
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tangerang_hub import read
from tangerang_hub.contracts import Contract, Field, load_contract
from tangerang_hub.normalize import (
    MAX_PROBLEMS,
    NormalizeError,
    _cell_message,
    _match_columns,
    arrow_schema,
    convert,
    long_row,
    more_problems,
    normalize,
    row_numbers,
    short_row,
)
from tangerang_hub.read import ReadError, columns_of, read_columns, read_rows
from tangerang_hub.reference import units
from tangerang_hub.sources.base import RawBatch
from tangerang_hub.values import (
    DECIMAL,
    MONTHS,
    THOUSANDS,
    depends_on_dots,
    dot_convention,
    dot_convention_arrow,
    is_empty,
    parse_arrow,
    parse_number,
    parse_string,
    string_as_written,
)
from tangerang_quality.problems import Problem

FAST = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
FEW = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FIELDS: list[dict[str, Any]] = [
    {
        "name": "kode",
        "type": "string",
        "format": "id",
        "title": "Kode Unit",
        "constraints": {"required": True, "pattern": "^[0-9]{4}$"},
    },
    {"name": "kecamatan", "type": "string", "title": "Kecamatan", "reference": "kecamatan"},
    {"name": "kelurahan", "type": "string", "title": "Kelurahan", "reference": "kelurahan"},
    {"name": "jumlah", "type": "integer", "title": "Jumlah Penduduk"},
    {"name": "rasio", "type": "number", "title": "Rasio"},
    {"name": "tanggal", "type": "date", "title": "Tanggal"},
    {"name": "waktu", "type": "datetime", "title": "Waktu"},
    {"name": "aktif", "type": "boolean", "title": "Aktif"},
    {"name": "tahun", "type": "year", "title": "Tahun"},
    {
        "name": "jenis",
        "type": "string",
        "title": "Jenis",
        "constraints": {"enum": ["Negeri", "Swasta"]},
    },
    {"name": "catatan", "type": "string", "title": "Catatan"},
]
NAMES = [f["name"] for f in FIELDS]


@pytest.fixture(scope="module")
def contract(tmp_path_factory: pytest.TempPathFactory) -> Contract:
    data = {
        "id": "uji-sifat",
        "title": "Dataset uji sifat",
        "description": "Kontrak untuk menguji sifat normalisasi.",
        "producer": "diskominfo",
        "dimensions": ["governance"],
        "frequency": "tahunan",
        "level": "kelurahan",
        "schedule": "@daily",
        "source": {"type": "http_csv", "conn_id": "x", "params": {}},
        "fields": FIELDS,
        "primary_key": ["kode"],
    }
    path = tmp_path_factory.mktemp("contracts") / "uji-sifat.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_contract(path)


def batch(content: bytes, name: str = "uji.csv", media_type: str = "text/csv") -> RawBatch:
    return RawBatch(records=None, content=content, filename=name, media_type=media_type)


# --------------------------------------------------------------------------- the per-cell driver
# `normalize` as it was before it was vectorized: every cell through `convert`, row by row.
# The vectorized driver must give the same table, or the same problems in the same order.


def per_cell(raw: RawBatch, contract: Contract) -> tuple[pa.Table, list[int]]:
    filename = raw.filename
    try:
        data = read_rows(raw)
    except ReadError as exc:
        raise NormalizeError(exc.problems) from None
    problems: list[Problem] = []
    columns = _match_columns(data, contract, filename, problems)  # type: ignore[arg-type]
    header_of = {name: data.header[i] for name, i in columns.items()}
    width = len(data.header)
    values: dict[str, list[Any]] = {f.name: [] for f in contract.fields}
    kecamatan = next((f.name for f in contract.fields if f.reference == "kecamatan"), None)
    dots = {
        f.name: dot_convention(
            raw_row[columns[f.name]] for _, raw_row in data.rows if columns[f.name] < len(raw_row)
        )
        for f in contract.fields
        if f.type == "number" and f.name in columns
    }
    for number, cells in data.rows:
        if len(cells) < width and data.header_row is not None:
            message = short_row(len(cells), width)
            problems.append(Problem(filename, number, None, message, expectation="row_width"))
        if len(cells) > width and any(not is_empty(v) for v in cells[width:]):
            message = long_row(len(cells), width)
            problems.append(Problem(filename, number, None, message, expectation="row_width"))
        row: dict[str, Any] = {}
        for fld in contract.fields:
            idx = columns.get(fld.name)
            cell = cells[idx] if idx is not None and idx < len(cells) else None
            parent = row.get(kecamatan) if fld.reference == "kelurahan" else None
            try:
                row[fld.name] = (
                    None if is_empty(cell) else convert(cell, fld, parent, dots.get(fld.name))
                )
            except ValueError as exc:
                row[fld.name] = None
                problems.append(
                    Problem(
                        filename,
                        number,
                        header_of.get(fld.name, fld.name),
                        _cell_message(cell, exc, fld),
                        expectation="reference" if fld.reference else f"type:{fld.type}",
                    )
                )
        for name, value in row.items():
            values[name].append(value)
    if problems:
        if len(problems) > MAX_PROBLEMS:
            rest = len(problems) - MAX_PROBLEMS
            problems = problems[:MAX_PROBLEMS]
            problems.append(Problem(filename, None, None, more_problems(rest)))
        raise NormalizeError(problems)
    schema = arrow_schema(contract)
    arrays = [pa.array(values[f.name], type=schema.field(f.name).type) for f in contract.fields]
    table = pa.Table.from_arrays(arrays, schema=schema)
    return table, [n for n, _ in data.rows]


def outcome(run: Any) -> Any:
    """What a driver gives: the rows and their file row numbers, or every problem."""
    try:
        result = run()
    except NormalizeError as exc:
        return ("problems", [p.to_dict() for p in exc.problems])
    if isinstance(result, tuple):
        table, numbers = result
    else:
        table, numbers = result, row_numbers(result)
    return ("table", table.to_pylist(), numbers)


def assert_same_as_per_cell(raw: RawBatch, contract: Contract) -> Any:
    fast = outcome(lambda: normalize(raw, contract))
    assert repr(fast) == repr(outcome(lambda: per_cell(raw, contract)))  # repr: NaN == NaN
    if fast[0] == "table":  # a table that normalizes has the contract's schema
        table = normalize(raw, contract)
        assert table.schema.equals(arrow_schema(contract))
        assert len(row_numbers(table) or []) == table.num_rows
    return fast


# --------------------------------------------------------------------------- spreadsheet cells

TRICKY = ";,\t\"'\n\r \x00\x0b\x0c\x1c\x85\xa0\u2028\u200b\ufeff\u2212.-+/:eE٣١٢߁०"
WILAYAH = [u.name for u in units()] + [u.code for u in units()] + [u.bps_code for u in units()]


def indonesian_thousands(n: int) -> str:
    sign, digits = ("-" if n < 0 else ""), f"{abs(n):,}".replace(",", ".")
    return sign + digits


integers = st.integers(-(10**12), 10**12)
number_texts = st.one_of(
    integers.map(str),
    integers.map(indonesian_thousands),
    integers.map(lambda n: f"{n:,}"),
    st.floats(-1e9, 1e9, allow_nan=False).map(lambda x: f"{x:.6f}"),
    st.floats(-1e9, 1e9, allow_nan=False).map(lambda x: f"{x:.2f}".replace(".", ",")),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: f"{x:,.2f}".translate({44: 46, 46: 44})),
    st.integers(1, 999).map(lambda n: f"{n}.{n % 1000:03d}"),  # ambiguous `10.234`
    st.from_regex(r"\A[+\-\u2212]?[0-9٣١]{1,20}([.,][0-9]{0,20}){0,3}([eE][+-]?[0-9]{1,4})?\Z"),
)
days = st.dates(date(1800, 1, 1), date(2200, 12, 31))
MONTH_NAMES = sorted(MONTHS)
date_texts = st.one_of(
    days.map(date.isoformat),
    days.map(lambda d: d.strftime("%d/%m/%Y")),
    days.map(lambda d: d.strftime("%d-%m-%Y")),
    days.map(lambda d: d.strftime("%d.%m.%Y")),
    st.tuples(days, st.sampled_from(MONTH_NAMES)).map(lambda t: f"{t[0].day} {t[1]} {t[0].year}"),
    days.map(lambda d: f"Sabtu, {d.day} Agustus {d.year}"),
    st.from_regex(r"\A[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}\Z"),
)
datetime_texts = st.one_of(
    st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31)).map(datetime.isoformat),
    st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30)).map(
        lambda d: d.strftime("%d/%m/%Y %H:%M")
    ),
    st.from_regex(
        r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?([+-][0-9]{2}:[0-9]{2}|Z)?\Z"
    ),
)
cells = st.one_of(
    st.just(""),
    st.sampled_from(["ya", "tidak", "TRUE", "n", "Negeri", " swasta ", "NEGERI", "2024", "24"]),
    st.sampled_from(WILAYAH),
    number_texts,
    date_texts,
    datetime_texts,
    st.text(alphabet=TRICKY + string.ascii_letters + string.digits, max_size=12),
    st.text(max_size=8),  # any unicode, control characters and surrogate-free planes
)
padded = st.tuples(st.sampled_from(["", " ", "\t", "\xa0"]), cells, st.sampled_from(["", " "]))
padded_cells = padded.map(lambda t: t[0] + t[1] + t[2])


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    """A header (contract names and titles in any spelling, unknown and repeated columns) and
    rows of about its width, some blank, short or long."""
    spellings = [n for f in FIELDS for n in (f["name"], f["title"], f["title"].upper())]
    header = draw(
        st.lists(
            st.sampled_from([*spellings, "ekstra", "", "kode_unit", "KODE-UNIT"]),
            min_size=1,
            max_size=12,
        )
    )
    if draw(st.booleans()):
        header = ["kode", *header]
    rows = draw(
        st.lists(
            st.one_of(
                st.lists(padded_cells, min_size=len(header), max_size=len(header)),
                st.lists(padded_cells, max_size=len(header) + 2),
                st.lists(st.sampled_from(["", " ", "\t"]), max_size=len(header)),
            ),
            max_size=12,
        )
    )
    return header, rows


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A table written as CSV in any dialect and encoding, or its cells joined unquoted."""
    header, rows = draw(tables())
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    ending = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    out = io.StringIO(newline="")
    if draw(st.booleans()):
        quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
        writer = csv.writer(out, delimiter=delimiter, lineterminator=ending, quoting=quoting)
        writer.writerow(header)
        writer.writerows(rows)
    else:  # a hand-made export: no quoting at all
        out.write(ending.join(delimiter.join(r) for r in [header, *rows]))
        if draw(st.booleans()):
            out.write(ending)
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    try:
        content = text.encode(encoding)
    except UnicodeEncodeError:
        content = text.encode("utf-8")
    if draw(st.integers(0, 9)) == 0:  # a stray byte
        at = draw(st.integers(0, len(content)))
        content = content[:at] + bytes([draw(st.integers(0x80, 0xFF))]) + content[at:]
    return content


KELURAHAN = [u for u in units("kelurahan")]
KECAMATAN = {u.code: u for u in units("kecamatan")}


def spelled(unit: Any, pick: int) -> str:
    """A wilayah as agencies write it: name in any case, prefixed or not, or either code."""
    forms = [unit.name, unit.name.upper(), f" {unit.name.lower()} ", unit.code, unit.bps_code]
    return forms[pick % len(forms)]


clean_cells: dict[str, st.SearchStrategy[str]] = {
    "kode": st.integers(0, 9999).map(lambda n: f"{n:04d}"),
    "jumlah": st.one_of(integers.map(str), integers.map(indonesian_thousands)),
    "rasio": st.one_of(
        st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: f"{x:.4f}"),
        st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: f"{x:.2f}".replace(".", ",")),
    ),
    "tanggal": date_texts,
    "waktu": datetime_texts,
    "aktif": st.sampled_from(["ya", "Tidak", "TRUE", "false", "1", "0", "y", "N"]),
    "tahun": st.integers(1800, 2200).map(str),
    "jenis": st.sampled_from(["Negeri", "swasta", " NEGERI ", "Swasta"]),
    "catatan": st.text(alphabet=TRICKY + string.ascii_letters, max_size=10),
}


@st.composite
def clean_csv_files(draw: st.DrawFn) -> bytes:
    """An export as an agency's system writes it: valid values in their many spellings."""
    names = ["kode", *draw(st.lists(st.sampled_from(NAMES[1:]), max_size=10, unique=True))]
    rows = []
    for _ in range(draw(st.integers(0, 15))):
        kelurahan = draw(st.sampled_from(KELURAHAN))
        row = []
        for name in names:
            if name == "kecamatan":
                row.append(spelled(KECAMATAN[kelurahan.parent], draw(st.integers(0, 4))))
            elif name == "kelurahan":
                row.append(spelled(kelurahan, draw(st.integers(0, 4))))
            elif name != "kode" and draw(st.integers(0, 9)) == 0:
                row.append(draw(st.sampled_from(["", " "])))
            else:
                row.append(draw(clean_cells[name]))
        rows.append(row)
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    out = io.StringIO(newline="")
    writer = csv.writer(
        out, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\r\n", "\n"]))
    )
    writer.writerows([names, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig"]))
    return out.getvalue().encode(encoding)


# --------------------------------------------------------------------------- the reader


def view(columns: read.Columns) -> Any:
    return (
        columns.header,
        [(c.text.to_pylist(), c.values) for c in columns.columns],
        columns.row_numbers.to_pylist(),
        columns.header_row,
        columns.odd_rows,
        columns.sheet,
    )


def read_outcome(run: Any) -> Any:
    try:
        return ("columns", view(run()))
    except ReadError as exc:
        return ("problems", [p.to_dict() for p in exc.problems])


LONG_CELL = ("a;b\n1;" + "x" * (csv.field_size_limit() + 1) + "\n").encode()


@FAST
@given(csv_files())
@example(b'a;b\n1;2\n"x')  # a quote left open at the end of the file
@example(b'a;b\n1;2;"x')  # ... in a row of another width
@example(b'a;b\n1;x"\n2;"y')  # ... after a stray quote: an even count of quotes
@example(b'a;"b\n')  # ... in the header
@example(b'\xef\xbb\xbf"a;b\n')  # ... in the header, right after a BOM
@example(b'a;b\n1;2;3;"x')  # ... in a cell beyond the header's width
@example(b'a;b;c;d\nx;y";"\n')  # found: ... after a quote inside a cell
@example(b"a;b\n;;\n \n\n1")  # blank rows of every width, a short last row
@example(LONG_CELL)  # a cell over csv's limit: the Python reader says where
@example("\ufeffa;b\r\n\u00e9;\u2028\r\n".encode())
def test_pyarrow_reads_csv_as_python_csv_does(content: bytes) -> None:
    raw = batch(content)
    assert read_outcome(lambda: read_columns(raw)) == read_outcome(
        lambda: columns_of(read_rows(raw))
    )


@FAST
@given(st.text(alphabet=TRICKY + "ab1", max_size=60), st.booleans())
@example("1\r\ufeff1", False)  # found: pyarrow drops a BOM that opens the first data row
@example("a;b", False)  # a header alone: pyarrow calls that an empty file
@example("\n \r\n\r", True)  # no header at all
def test_pyarrow_path_itself_matches_csv(text: str, bom: bool) -> None:
    """The pyarrow reading, when it answers at all, is Python's `csv` exactly."""
    content = ("\ufeff" if bom else "") + text
    raw = batch(content.encode())
    data = raw.content or b""
    decoded, start = read._decode(data, raw.filename)  # UTF-8 text: decodes

    def arrow() -> Any:
        read.check_is_text(data, raw.filename)  # as `read_columns` does first
        return read._arrow_csv(data, start, decoded, raw.filename)

    try:
        fast = read_outcome(arrow)
    except read._Fallback:
        return
    assert fast == read_outcome(lambda: columns_of(read_rows(raw)))


MULTI_LINE_BLOCKS = (
    'kode;catatan\n1;"baris\nkedua"\n2;biasa\n\n3;"a;b\r\nc"\n4;""\n5;x\n' * 6
).encode()


@FAST
@given(csv_files())
@example(MULTI_LINE_BLOCKS)  # quoted line breaks and blank lines on many block edges
@example(MULTI_LINE_BLOCKS + b"6;7;8\n9;x\n")  # ... then a row of another width
def test_pyarrow_in_many_small_blocks_reads_as_python_csv_does(content: bytes) -> None:
    """Blocks are parsed on every core: a file cut into 40-byte blocks, so quoted line breaks
    and rows of another width fall on block edges, still reads as Python's `csv` reads it (a
    row longer than a block goes to the Python reader, as it always does)."""
    raw = batch(content)
    with patch.object(read, "ARROW_BLOCK_BYTES", 40):
        fast = read_outcome(lambda: read_columns(raw))
    assert fast == read_outcome(lambda: columns_of(read_rows(raw)))


@FAST
@given(st.binary(max_size=300), st.sampled_from(["x.csv", "x.json", "x.xlsx", "x.tsv"]))
@example(b"\xef\xbb\xbf", "x.csv")
@example(b"[" * 100_000, "x.json")
@example(b"PK\x05\x06" + b"\0" * 18, "x.xlsx")  # an empty zip
def test_any_bytes_are_read_or_refused(content: bytes, name: str) -> None:
    raw = batch(content, name, "application/octet-stream")
    for run in (lambda: read_rows(raw), lambda: read_columns(raw)):
        try:
            run()
        except ReadError as exc:
            assert exc.problems and all(p.file == name for p in exc.problems)


@FAST
@given(st.binary(max_size=300), st.sampled_from(["x.csv", "x.json", "x.xlsx"]))
def test_any_bytes_normalize_or_fail_with_problems(contract, content: bytes, name: str) -> None:
    assert_same_as_per_cell(batch(content, name, "application/octet-stream"), contract)


# --------------------------------------------------------------------------- the normalizer


@FAST
@given(csv_files())
@example(b"kode;rasio\n1;10.234\n2;6,5\n")  # the column settles the dot
@example(b"kode;rasio\n1;10.234\n2;1\n")  # ... or does not
@example(b"kode;kecamatan;kelurahan\n1;Benda;Sukasari\n2;Tangerang;Sukasari\n")
@example(b"kode;waktu\n1;0001-01-01T00:00:00\n2;9999-12-31T23:59:59-12:00\n")  # out of range
@example(b"kode;rasio\n1;" + b"9" * 400 + b"\n")  # past the largest float
def test_normalize_is_the_per_cell_driver(contract, content: bytes) -> None:
    assert_same_as_per_cell(batch(content), contract)


@FAST
@given(clean_csv_files())
def test_clean_exports_normalize_as_the_per_cell_driver_does(contract, content: bytes) -> None:
    assert_same_as_per_cell(batch(content), contract)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(alphabet=TRICKY + "ab1\ud800\udfff"),  # JSON can escape half a UTF-16 pair
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(NAMES), children, max_size=3)
    ),
    max_leaves=8,
)
records = st.lists(
    st.dictionaries(st.sampled_from([*NAMES, "ekstra"]), json_values | cells, max_size=8),
    max_size=8,
)


@FAST
@given(records, st.booleans())
@example([{"kode": 1234.5}, {"kode": float("nan")}, {"rasio": float("inf")}], False)
@example([{"kode": "1", "catatan": {"a": [[[[]]]]}}], True)
@example([{"kode": "1"}, {"kode": "2", "catatan": "\ud83d"}], True)  # found: pyarrow refused it
@example([{"kode": "1", "\udfff": 1}], False)
def test_records_with_nested_values(contract, recs: list[dict[str, Any]], as_file: bool) -> None:
    if as_file:
        try:
            content = json.dumps({"result": {"records": recs}}).encode()
        except ValueError:
            return
        raw = batch(content, "api.json", "application/json")
    else:
        raw = RawBatch(records=recs, content=None, filename="api", media_type="")
    assert_same_as_per_cell(raw, contract)


xlsx_cells = st.one_of(
    st.none(),
    st.integers(-(10**15), 10**15),
    st.floats(-1e12, 1e12, allow_nan=False),
    st.booleans(),
    st.datetimes(datetime(1900, 3, 1), datetime(2200, 1, 1)),
    cells.filter(lambda s: not any(ord(c) < 32 and c not in "\t\n\r" for c in s)),
)


@FEW
@given(
    st.lists(st.sampled_from(NAMES), min_size=1, max_size=6, unique=True),
    st.lists(st.lists(xlsx_cells, max_size=7), max_size=6),
)
def test_xlsx_is_the_per_cell_driver(
    contract, tmp_path_factory: pytest.TempPathFactory, header: list[str], rows: list[list[Any]]
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    for row in [header, *rows]:
        book.active.append(row)
    path = tmp_path_factory.mktemp("xlsx") / "uji.xlsx"
    book.save(path)
    content = path.read_bytes()
    assert_same_as_per_cell(batch(content, "uji.xlsx", XLSX_TYPE), contract)
    cut = content[: len(content) // 2] + content[len(content) // 2 + 7 :]  # a damaged file
    assert_same_as_per_cell(batch(cut, "uji.xlsx", XLSX_TYPE), contract)


# --------------------------------------------------------------------------- round trips


def one_column_csv(name: str, texts: list[str]) -> bytes:
    lines = ["kode;" + name] + [f"{i:04d};{t}" for i, t in enumerate(texts)]
    return "\n".join(lines).encode()


@FAST
@given(st.lists(st.integers(-(10**15), 10**15), min_size=1, max_size=30))
def test_integers_as_indonesian_thousands_come_back(contract, numbers: list[int]) -> None:
    texts = [indonesian_thousands(n) for n in numbers]
    table = normalize(batch(one_column_csv("jumlah", texts)), contract)
    assert table.column("jumlah").to_pylist() == numbers


@FAST
@given(st.lists(st.floats(-1e9, 1e9, allow_nan=False), min_size=1, max_size=30))
def test_decimal_commas_come_back(contract, numbers: list[float]) -> None:
    texts = [f"{x:.6f}" for x in numbers]
    commas = [t.replace(".", ",") for t in texts]
    table = normalize(batch(one_column_csv("rasio", commas)), contract)
    assert table.column("rasio").to_pylist() == [float(t) for t in texts]


def month_names(month: int) -> list[str]:
    """Every spelling `values` knows for a month, in any case: `Agustus`, `agt`, `AUG`..."""
    names = [n for n in MONTH_NAMES if MONTHS[n] == month]
    return [*names, *(n.upper() for n in names), *(n.title() for n in names)]


@FAST
@given(st.lists(st.tuples(days, st.integers(0, 50), st.booleans()), min_size=1, max_size=30))
def test_indonesian_dates_come_back(contract, written: list[tuple[date, int, bool]]) -> None:
    texts = []
    for day, pick, weekday in written:
        names = month_names(day.month)
        text = f"{day.day} {names[pick % len(names)]} {day.year}"
        texts.append(f"Sabtu, {text}" if weekday else text)
    table = normalize(batch(one_column_csv("tanggal", texts)), contract)
    assert table.column("tanggal").to_pylist() == [day for day, _, _ in written]


# --------------------------------------------------------------------------- Arrow forms of values


def same_number(a: Any, b: Any) -> bool:
    """Equal, of one type, and for floats of one sign (-0.0 is not 0.0)."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return a == b and type(a) is type(b)


@FAST
@given(
    st.lists(st.one_of(number_texts, date_texts), min_size=1, max_size=40),
    st.sampled_from(["integer", "number", "date"]),
)
@example(["-0", "0", "-0,0", "007", "1,234", "0.234", "99999999999999999"], "number")
@example(["2023-02-29", "31/04/2024", "00/01/2024", "29-02-2024", "1000-02-29"], "date")
def test_arrow_forms_are_the_parser(texts: list[str], type_: str) -> None:
    fld = Field(name="f", type=type_, title="F")
    trimmed = sorted({t.strip() for t in texts if t.strip()})
    forms = parse_arrow(pa.array(trimmed, pa.string()), fld)
    assert forms is not None
    typed, done = forms
    for text, value, settled in zip(trimmed, typed.to_pylist(), done.to_pylist(), strict=True):
        if settled:
            assert same_number(value, convert(text, fld)), text


@FAST
@given(st.lists(number_texts, max_size=30))
@example(["10.234", "6,5", "\u22121.234.567"])
@example(["٣,٥", "10.234"])
def test_dot_convention_in_arrow_is_the_rule(texts: list[str]) -> None:
    trimmed = [t.strip() for t in texts if t.strip()]
    assert dot_convention_arrow(pa.array(trimmed, pa.string())) == dot_convention(texts)


def parsed(text: str, dots: str | None) -> Any:
    try:
        return parse_number(text, dots)
    except ValueError as exc:
        return str(exc)


@FAST
@given(number_texts)
def test_only_a_lone_dot_group_depends_on_the_column(text: str) -> None:
    results = {repr(parsed(text, dots)) for dots in (None, THOUSANDS, DECIMAL)}
    if not depends_on_dots(text):
        assert len(results) == 1


@FAST
@given(cells, st.sampled_from([{}, {"format": "id"}, {"enum": ("Negeri", "Swasta")}]))
def test_text_kept_as_written_is_what_parse_string_gives(text: str, extra: dict) -> None:
    fld = Field(name="f", type="string", title="F", **extra)
    trimmed = text.strip()
    if trimmed and string_as_written(pa.array([trimmed]), fld)[0].as_py():
        assert parse_string(trimmed, fld) == trimmed


def test_arrow_trims_as_python_strips() -> None:
    """Every code point: `utf8_trim_whitespace` strips exactly what `str.strip` strips."""
    points = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    trimmed = pc.utf8_trim_whitespace(pa.array([f"{c}x{c}" for c in points])).to_pylist()
    assert [t for t, c in zip(trimmed, points, strict=True) if t != f"{c}x{c}".strip()] == []
