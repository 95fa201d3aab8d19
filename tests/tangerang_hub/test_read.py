"""tangerang_hub.read: the one file reader (normalize and `hub scan` both read through it)."""

import json
from pathlib import Path
from typing import Any

import pytest

from tangerang_hub.read import (
    OddRow,
    ReadError,
    Rows,
    columns_of,
    decode,
    detect_delimiter,
    file_batch,
    read_columns,
    read_rows,
)
from tangerang_hub.sources import excel as excel_module
from tangerang_hub.sources.base import RawBatch

HEADER = "kode;kecamatan;kelurahan;jumlah;rasio;tanggal;aktif;tahun;jenis"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_batch(content: bytes, name: str = "uji.csv") -> RawBatch:
    return RawBatch(records=None, content=content, filename=name, media_type="text/csv")


# --------------------------------------------------------------------------- text files


@pytest.mark.parametrize(
    ("header", "expected"),
    [("a;b;c", ";"), ("a,b,c", ","), ("a\tb\tc", "\t"), ('"a;x",b,c', ","), ("a", ",")],
)
def test_detect_delimiter(header: str, expected: str) -> None:
    assert detect_delimiter(header + "\n1;2;3\n") == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"Kecamatan Cipondoh", "Kecamatan Cipondoh"),
        ("\ufeffkode".encode(), "kode"),  # UTF-8 BOM dropped
        ("Rp 1.000 – biaya".encode("cp1252"), "Rp 1.000 – biaya"),
    ],
)
def test_decode(raw: bytes, expected: str) -> None:
    assert decode(raw, "x.csv") == expected


def test_undecodable_file_names_the_file() -> None:
    with pytest.raises(ReadError) as info:
        decode(b"kode\n\x81\x8d\x8f", "rusak.csv")
    assert info.value.problems[0].file == "rusak.csv"
    assert "UTF-8" in info.value.problems[0].message


def test_stray_byte_in_utf8_file_is_refused() -> None:
    content = (HEADER + "\n1;Benda;Benda;1;1;2024-01-01;ya;2024;Negeri – baru\n").encode()
    content += b"2;Benda;Benda;1;1;2024-01-01;ya;2024;Caf\xe9\n"
    with pytest.raises(ReadError) as info:
        read_rows(RawBatch(None, content, "campur.csv", "text/csv"))
    [problem] = info.value.problems
    assert problem.file == "campur.csv" and problem.row == 3
    bad = content.index(b"\xe9")
    assert f"byte {bad} " in problem.message


def test_stray_byte_after_bom_is_refused() -> None:
    with pytest.raises(ReadError, match="byte 6 "):  # counted in the file, BOM included
        decode(b"\xef\xbb\xbfab\n\xff", "x.csv")


def test_pure_cp1252_still_decodes() -> None:
    assert decode("Café – km²".encode("cp1252"), "x.csv") == "Café – km²"


UNICODE_TEXT = "kode\tnama\n3671010\tCipondoh – Kel. Ketapang\n3671020\tCiledug\n"


@pytest.mark.parametrize(
    ("raw", "read_as"),
    [
        (UNICODE_TEXT.encode("utf-16"), "UTF-16 with its BOM (Excel's Unicode Text)"),
        (b"\xfe\xff" + UNICODE_TEXT.encode("utf-16-be"), "UTF-16 big-endian with its BOM"),
        (UNICODE_TEXT.encode("utf-16-le"), "UTF-16 little-endian without a BOM"),
        (UNICODE_TEXT.encode("utf-16-be"), "UTF-16 big-endian without a BOM"),
        (UNICODE_TEXT.encode("utf-32"), "UTF-32 with its BOM"),
    ],
)
def test_wide_unicode_files_are_read_as_what_they_are(raw: bytes, read_as: str) -> None:
    expected = Rows(
        ["kode", "nama"],
        [(2, ["3671010", "Cipondoh – Kel. Ketapang"]), (3, ["3671020", "Ciledug"])],
        1,
    )
    assert read_rows(csv_batch(raw)) == expected, read_as
    columns = read_columns(csv_batch(raw))
    assert [c.text.to_pylist() for c in columns.columns] == [
        ["3671010", "3671020"],
        ["Cipondoh – Kel. Ketapang", "Ciledug"],
    ], read_as


def test_utf16_json_is_read() -> None:
    raw = json.dumps([{"kode": "3671010", "nama": "Cipondoh"}]).encode("utf-16")
    rows = read_rows(RawBatch(None, raw, "data.json", "application/json"))
    assert rows.header == ["kode", "nama"] and rows.rows == [(1, ["3671010", "Cipondoh"])]


def test_cut_utf16_file_is_refused_naming_the_byte() -> None:
    raw = UNICODE_TEXT.encode("utf-16")[:-1]  # a file cut in the middle of a character
    with pytest.raises(ReadError) as info:
        read_rows(csv_batch(raw, "potong.csv"))
    [problem] = info.value.problems
    assert problem.file == "potong.csv" and problem.row == 3  # the line the cut character ends
    assert f"byte {len(raw) - 1} is not valid UTF-16" in problem.describe("en")
    assert "bukan UTF-16 yang sah" in problem.describe("id")


@pytest.mark.parametrize(
    "content", [b'a;b\n1;"x""y"\n', b'a;b\n1;2"3\n', b'a;b\n"1\n2";3\n', b'a;b\n1;"x"""']
)
def test_closed_quotes_are_no_open_quote(content: bytes) -> None:
    assert read_rows(csv_batch(content)).rows[0][0] == 2
    assert read_columns(csv_batch(content)).num_rows == 1


def test_a_quoted_cell_over_the_limit_is_named_by_the_row_it_starts_in() -> None:
    # 70,000 lines inside one quoted cell: the row is the record, not the line csv gave up on
    content = b'a;b\n1;2\n3;"' + b"xx\n" * 70_000 + b'"\n4;5\n'
    for read in (read_rows, read_columns):
        with pytest.raises(ReadError) as info:
            read(csv_batch(content))
        assert "row 3: CSV error: field larger than field limit" in str(info.value)


def test_csv_rows_carry_their_line_numbers() -> None:
    text = "\n\n a \tb\tc\n1\t2\t3\n\n4\t 5\n"
    rows = read_rows(csv_batch(text.encode()))
    assert rows == Rows(["a", "b", "c"], [(4, ["1", "2", "3"]), (6, ["4", " 5"])], 3)


def test_empty_file_is_refused() -> None:
    with pytest.raises(ReadError, match="empty"):
        read_rows(csv_batch(b"\n\n"))


# --------------------------------------------------------------------------- records and JSON


def test_records_count_from_one_unless_the_connector_says() -> None:
    records = [{"a": 1}, {"b": 2, "a": 3}]
    rows = read_rows(RawBatch(records, None, "api.json", "application/json"))
    assert rows == Rows(["a", "b"], [(1, [1, None]), (2, [3, 2])], None)
    sheet_rows = RawBatch(records, None, "x.xlsx", XLSX_TYPE, meta={"row_numbers": [6, 9]})
    assert [n for n, _ in read_rows(sheet_rows).rows] == [6, 9]


@pytest.mark.parametrize(
    "wrap",
    [
        lambda r: r,
        lambda r: {"help": "x", "success": True, "result": {"records": r, "fields": [{}]}},
        lambda r: {"data": r},
        lambda r: {"Infogempa": {"gempa": r}},
        lambda r: {"status": "OK", "data": [{"page": 1}, r]},  # BPS: pagination, then items
    ],
)
def test_json_records_are_found_inside_the_document(wrap) -> None:
    records = [{"kode": "007", "jumlah": 3}, {"kode": "008"}]
    content = json.dumps(wrap(records)).encode()
    rows = read_rows(RawBatch(None, content, "data.json", "application/json"))
    assert rows.header == ["kode", "jumlah"]
    assert rows.rows == [(1, ["007", 3]), (2, ["008", None])]


def test_json_without_a_record_list_is_one_record_of_dotted_paths() -> None:
    content = json.dumps({"kontak": {"email": "x@example.org", "hp": ["1", "2"]}}).encode()
    rows = read_rows(RawBatch(None, content, "profil.json", "application/json"))
    assert rows.header == ["kontak.email", "kontak.hp.0", "kontak.hp.1"]
    assert rows.rows == [(1, ["x@example.org", "1", "2"])]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"5", "found a bare number"),
        (b"null", "found a bare null"),
        # parses, but a value would be lost or be no number
        (b'[{"nik": "3671014502900001", "nik": "-"}]', "the key 'nik' appears twice in one object"),
        (b'[{"a": NaN}]', "NaN is no valid JSON number"),
        (b'[{"a": -Infinity}]', "-Infinity is no valid JSON number"),
        (b'[{"a": 1e400}]', "the number 1e400 is out of the range"),
        (b'[{"a": 1}, 2, "x"]', "row 2: record 2 is not a JSON object like the other records"),
        (b"[" * 100_000, "not valid JSON"),  # nested past the stack
        (b"1" * 5000, "not valid JSON"),  # past Python's integer digit limit
    ],
)
def test_bad_json_is_refused(content: bytes, message: str) -> None:
    with pytest.raises(ReadError, match=message) as info:
        read_rows(RawBatch(None, content, "rusak.json", "application/json"))
    assert info.value.problems[0].file == "rusak.json"


def test_half_a_surrogate_pair_is_refused_where_it_is() -> None:
    content = b'[{"kode": "1", "nama": "\\ud83d\\ude00"}, {"kode": "2", "nama": "x\\ud83d"}]'
    with pytest.raises(ReadError, match="lone UTF-16 surrogate") as info:
        read_rows(RawBatch(None, content, "api.json", "application/json"))
    [problem] = info.value.problems
    assert (problem.file, problem.row, problem.column) == ("api.json", 2, "nama")
    with pytest.raises(ReadError, match="a column name holds"):
        read_rows(RawBatch([{"\udfff": 1}], None, "api", ""))
    pair = read_rows(RawBatch(None, content[: content.index(b", {")] + b"]", "a.json", ""))
    assert pair.rows == [(1, ["1", "\U0001f600"])]  # a whole pair is one character


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "a ZIP archive (an XLSX, perhaps)"),
        (b"\x1f\x8b\x08\x00", "gzip-compressed"),
        (b"%PDF-1.7\n", "a PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (XLS)"),
        (b"\n  <!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>", "a web page (HTML)"),
        (b"<HTML>\n<title>Error</title>", "a web page (HTML)"),
    ],
)
@pytest.mark.parametrize("name", ["ekspor.csv", "ekspor.json"])
def test_a_file_of_another_kind_is_named_for_what_it_is(
    content: bytes, says: str, name: str
) -> None:
    batch = RawBatch(None, content, name, "application/octet-stream")
    for read in (read_rows, read_columns):
        with pytest.raises(ReadError) as info:
            read(batch)
        assert says in str(info.value) and info.value.problems[0].file == name


@pytest.mark.parametrize(
    ("content", "name", "row", "says"),
    [
        (
            b"kode;nama\n1;Budi\n2;Bu\x00di\n",
            "nul.csv",
            3,
            f"byte {len(b'kode;nama|1;Budi|2;Bu')} (line 3) holds a NUL",
        ),
        (
            "kode\tnama\n1\tBu\x00di\n".encode("utf-16"),
            "nul.csv",
            2,
            f"byte {2 + 2 * len('kode|nama|1|Bu')} (line 2) holds",
        ),
        (b'[{"kode": "1", "nama": "Bu\\u0000di"}]', "nul.json", 1, "the value holds a NUL"),
    ],
)
def test_a_nul_character_is_refused_where_it_is(
    content: bytes, name: str, row: int, says: str
) -> None:
    # PostgreSQL's text cannot hold one: refused before anything is staged or uploaded
    batch = RawBatch(None, content, name, "application/octet-stream")
    for read in (read_rows, read_columns):
        with pytest.raises(ReadError) as info:
            read(batch)
        [problem] = info.value.problems
        assert (problem.file, problem.row) == (name, row) and says in problem.describe("en")


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipa.csv"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        file_batch(fifo)  # reading it would block until a writer came


def test_file_batch_is_what_a_run_reads(tmp_path: Path) -> None:
    path = tmp_path / "data.tsv"
    path.write_bytes(b"a\tb\n1\t2\n")
    batch = file_batch(path)
    assert (batch.filename, batch.content, batch.records) == ("data.tsv", b"a\tb\n1\t2\n", None)
    assert read_rows(batch).rows == [(2, ["1", "2"])]
    with pytest.raises(OSError):
        file_batch(tmp_path / "tidak_ada.csv")


# --------------------------------------------------------------------------- XLSX


def xlsx_batch(
    tmp_path: Path, rows: list[list[Any]], sheets: int = 1, name: str = "uji.xlsx"
) -> RawBatch:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    for i in range(1, sheets):
        book.create_sheet(f"s{i}")
    path = tmp_path / name
    book.save(path)
    return RawBatch(None, path.read_bytes(), name, XLSX_TYPE)


XLSX_ROWS = [["Kode Unit", "Jumlah Penduduk"], ["0099", 1500], ["0100"]]


def test_xlsx_missing_cells_are_empty(tmp_path: Path) -> None:
    rows = read_rows(xlsx_batch(tmp_path, [[], *XLSX_ROWS]))
    assert rows == Rows(
        ["Kode Unit", "Jumlah Penduduk"], [(3, ["0099", 1500]), (4, ["0100", None])], 2, "Sheet"
    )


def test_xlsm_is_read_as_a_workbook(tmp_path: Path) -> None:
    batch = xlsx_batch(tmp_path, XLSX_ROWS, name="makro.xlsm")
    batch = RawBatch(None, batch.content, "makro.xlsm", "application/octet-stream")
    assert read_rows(batch).header == ["Kode Unit", "Jumlah Penduduk"]


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_xlsx_hidden_first_sheet_is_skipped_for_the_one_a_steward_sees(
    tmp_path: Path, state: str
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "lama"
    book.active.append(["nik", "catatan"])
    book.active.sheet_state = state
    seen = book.create_sheet("Data")
    for row in XLSX_ROWS:
        seen.append(row)
    book.active = 1
    path = tmp_path / "tersembunyi.xlsx"
    book.save(path)
    rows = read_rows(RawBatch(None, path.read_bytes(), path.name, XLSX_TYPE))
    assert (rows.sheet, rows.header) == ("Data", ["Kode Unit", "Jumlah Penduduk"])


def test_xlsx_over_20_mb_is_refused() -> None:
    batch = RawBatch(None, b"PK" + b"\0" * (20 * 1024 * 1024), "besar.xlsx", XLSX_TYPE)
    with pytest.raises(ReadError, match="over the limit") as info:
        read_rows(batch)
    assert info.value.problems[0].file == "besar.xlsx"


def test_xlsx_with_too_many_sheets_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="21 sheets"):
        read_rows(xlsx_batch(tmp_path, XLSX_ROWS, sheets=21))


def test_xlsx_zip_bomb_is_refused(tmp_path, monkeypatch) -> None:
    batch = xlsx_batch(tmp_path, XLSX_ROWS)
    monkeypatch.setattr(excel_module, "DEFAULT_MAX_UNCOMPRESSED", 1000)
    with pytest.raises(ReadError, match="unpacks to"):
        read_rows(batch)


def test_xlsx_needs_defusedxml(tmp_path, monkeypatch) -> None:
    from openpyxl import xml as openpyxl_xml

    batch = xlsx_batch(tmp_path, XLSX_ROWS)
    monkeypatch.setattr(openpyxl_xml, "DEFUSEDXML", False)
    with pytest.raises(ReadError, match="defusedxml"):
        read_rows(batch)


def test_xlsx_dimension_is_not_trusted(tmp_path, monkeypatch) -> None:
    # a forged <dimension ref="A1:XFD1048576"> would make read-only openpyxl pad every row
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    calls: list[object] = []
    original = ReadOnlyWorksheet.reset_dimensions

    def spy(self: ReadOnlyWorksheet) -> None:
        calls.append(self)
        original(self)

    monkeypatch.setattr(ReadOnlyWorksheet, "reset_dimensions", spy)
    assert len(read_rows(xlsx_batch(tmp_path, XLSX_ROWS)).rows) == 2
    assert len(calls) == 1


def test_xlsx_row_cap(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(excel_module, "DEFAULT_MAX_ROWS", 2)
    with pytest.raises(ReadError, match="more than 2 rows"):
        read_rows(xlsx_batch(tmp_path, XLSX_ROWS))


def test_xlsx_too_many_columns_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(excel_module, "DEFAULT_MAX_COLUMNS", 3)
    with pytest.raises(ReadError, match="over the limit of 3"):
        read_rows(xlsx_batch(tmp_path, [[*XLSX_ROWS[0], "a", "b", "c"]]))


def test_xlsx_cell_cap(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(excel_module, "DEFAULT_MAX_CELLS", 3)
    with pytest.raises(ReadError, match="more than 3 cells"):
        read_rows(xlsx_batch(tmp_path, XLSX_ROWS))


def test_xlsx_from_a_newer_zip_version_is_refused(tmp_path: Path) -> None:
    content = bytearray(xlsx_batch(tmp_path, XLSX_ROWS).content or b"")
    entry = content.index(b"PK\x01\x02")  # first central directory entry
    content[entry + 6 : entry + 8] = (99).to_bytes(2, "little")  # version needed: 9.9
    with pytest.raises(ReadError, match="not a valid .xlsx"):
        read_rows(RawBatch(None, bytes(content), "baru.xlsx", XLSX_TYPE))


# --------------------------------------------------------------------------- columns


def test_columns_are_read_by_pyarrow_with_the_rows_row_numbers(monkeypatch) -> None:
    from tangerang_hub import read as module

    content = b'a;b;c\r\n"x\r\ny";2;3\r\n\r\n;;\r\n4;5\r\n6;7;8;;\r\n9;10;11;12\r\n \r\n'
    expected = columns_of(read_rows(csv_batch(content)))

    def no_python_reader(*args: Any) -> None:
        raise AssertionError("pyarrow should have read this file")

    monkeypatch.setattr(module, "_csv_rows", no_python_reader)
    columns = read_columns(csv_batch(content))
    assert columns.header == ["a", "b", "c"]
    assert [c.text.to_pylist() for c in columns.columns] == [
        ["x\r\ny", "4", "6", "9"],
        ["2", "5", "7", "10"],
        ["3", None, "8", "11"],
    ]
    assert columns.row_numbers.to_pylist() == [2, 5, 6, 7]  # blank rows counted, not kept
    assert columns.odd_rows == [OddRow(1, 2, False), OddRow(2, 5, False), OddRow(3, 4, True)]
    assert [c.text.to_pylist() for c in expected.columns] == [
        c.text.to_pylist() for c in columns.columns
    ]
    assert expected.odd_rows == columns.odd_rows
    assert expected.row_numbers.to_pylist() == columns.row_numbers.to_pylist()


@pytest.mark.parametrize(
    ("content", "shows"),
    [
        # over csv's field limit: csv says where
        (b"a;b\n1;" + b"x" * 131_073 + b"\n", "uji.csv row 2: CSV error: field larger than"),
        (b"a;b\n\xef\xbb\xbf1;2\n", r"'\ufeff1'"),  # a BOM opening a data row: pyarrow drops it
        # a quote left open: refused where it opened, not read as one cell to the end
        (b'a;b\n1;2\n3;"4\n', "uji.csv row 3: a quote opened in row 3 is never closed"),
        (b'a;b\n1;"x\n3;y\n5;z\n', "uji.csv row 2: a quote opened in row 2 is never closed"),
        (b'a;"b\n', "uji.csv row 1: a quote opened in row 1 is never closed"),
    ],
)
def test_python_reader_answers_where_pyarrow_cannot(content: bytes, shows: str) -> None:
    def outcome(read: Any) -> Any:
        try:
            columns = read()
        except ReadError as exc:
            return [p.describe("en") for p in exc.problems]
        return [c.text.to_pylist() for c in columns.columns], columns.row_numbers.to_pylist()

    raw = csv_batch(content)
    found = outcome(lambda: read_columns(raw))
    assert found == outcome(lambda: columns_of(read_rows(raw)))
    assert shows in repr(found)
