"""Untrusted workbooks are read lazily under caps: a few KB cannot claim a million rows."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tangerang_hub.sources.base import SourceError
from tangerang_hub.sources.excel import (
    DEFAULT_MAX_UNCOMPRESSED,
    ExcelHook,
    read_rows,
    read_sheet_rows,
)


def workbook(
    dimension: str | None = None, stray: str | None = None, rows: list[list[object]] | None = None
) -> bytes:
    """A small workbook whose sheet XML claims `dimension` and holds a `stray` cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in rows or [["kecamatan", "jumlah"], ["36.71.01", 1]]:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                if dimension:
                    xml = re.sub(
                        r'<dimension ref="[^"]*" ?/>', f'<dimension ref="{dimension}"/>', xml
                    )
                if stray:
                    number = re.sub(r"[A-Z]+", "", stray)
                    cell = f'<c r="{stray}" t="inlineStr"><is><t>x</t></is></c>'
                    xml = xml.replace("</sheetData>", f'<row r="{number}">{cell}</row></sheetData>')
                data = xml.encode()
            target.writestr(item, data)
    return out.getvalue()


def test_a_claimed_dimension_does_not_pad_rows() -> None:
    content = workbook(dimension="A1:XFD3")
    rows = read_sheet_rows(content, "lebar.xlsx")
    assert rows == [["kecamatan", "jumlah"], ["36.71.01", 1]]


def test_the_million_row_bomb_is_refused_quickly() -> None:
    content = workbook(dimension="A1:XFD1048576", stray="A1048576")
    assert len(content) < 10_000
    with pytest.raises(SourceError, match=r"bom\.xlsx, sheet 'Data': more than 200000 rows"):
        read_sheet_rows(content, "bom.xlsx")


def test_row_column_and_cell_caps_name_file_and_sheet() -> None:
    content = workbook(rows=[[1, 2, 3, 4, 5]] * 10)
    with pytest.raises(SourceError, match=r"f\.xlsx, sheet 'Data': more than 5 rows"):
        read_rows(content, "f.xlsx", None, max_rows=5)
    with pytest.raises(SourceError, match=r"f\.xlsx, sheet 'Data': row 1 has 5 columns"):
        read_rows(content, "f.xlsx", None, max_columns=4)
    with pytest.raises(SourceError, match=r"f\.xlsx, sheet 'Data': more than 20 cells"):
        read_rows(content, "f.xlsx", None, max_cells=20)
    assert len(read_rows(content, "f.xlsx", "Data", max_rows=10, max_columns=5)) == 10


def test_a_far_away_stray_cell_is_over_the_column_cap() -> None:
    content = workbook(stray="XFD3")
    with pytest.raises(SourceError, match="row 3 has 16384 columns, over the limit of 200"):
        read_sheet_rows(content, "f.xlsx")


def test_rows_padded_with_blank_cells_to_xfd_are_read_as_their_cells() -> None:
    # every row ends with an empty `<c r="XFD…"/>`: openpyxl pads each row to 16,384 cells
    content = workbook(rows=[["kecamatan", "jumlah"], ["36.71.01", 1], ["36.71.02", 2]])
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        parts = {item.filename: source.read(item.filename) for item in source.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    xml = re.sub(r'(<row r="(\d+)"[^>]*>)(.*?)</row>', r'\1\3<c r="XFD\2"/></row>', xml)
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    assert xml.count('"XFD') == 3
    rows = read_sheet_rows(out.getvalue(), "f.xlsx")
    assert rows == [["kecamatan", "jumlah"], ["36.71.01", 1], ["36.71.02", 2]]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (("a", None, *([None] * 300)), ["a"]),
        (("a", "b", *([" "] * 150), *([None] * 150)), ["a", "b"]),  # blank text is empty too
        (("a", *([None] * 250), "x", None), ["a", *([None] * 250), "x"]),  # kept: over the cap
        (("a", *([" "] * 250), 0, " "), ["a", *([" "] * 250), 0]),
    ],
    ids=["none", "blank-text", "value-far-away", "zero-far-away"],
)
def test_trimming_checks_the_cells_past_the_cap_at_once(row, expected) -> None:
    from tangerang_hub.sources.excel import _trimmed

    assert _trimmed(row, 200) == expected


def test_trailing_empty_cells_are_trimmed() -> None:
    content = workbook(rows=[["a", "b", None, " "], ["1", None, "", None]])
    assert read_sheet_rows(content, "f.xlsx") == [["a", "b"], ["1"]]


def test_a_huge_styles_part_is_refused_before_openpyxl_reads_it(monkeypatch) -> None:
    from tangerang_hub.sources import excel

    # A real styles.xml is a few KB; this one carries 200 KB of `<xf/>`, as a styles bomb does.
    monkeypatch.setattr(excel, "MAX_PART_BYTES", 100_000)
    source, padded = io.BytesIO(workbook()), io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/styles.xml":
                data = data.replace(
                    b"</styleSheet>", b"<!--" + b"<xf/>" * 40_000 + b"--></styleSheet>"
                )
            dst.writestr(item, data)
    with pytest.raises(
        SourceError, match=r"its part xl/styles\.xml is 19\d\.\d KB, over the limit"
    ):
        read_sheet_rows(padded.getvalue(), "f.xlsx")
    read_sheet_rows(workbook(), "f.xlsx")  # the same workbook unpadded is read


def test_a_big_workbook_says_its_size_in_mb_unmasked() -> None:
    from tangerang_hub.sources.excel import _megabytes

    assert _megabytes(total=158_334_344) == {"total_id": "151,0 MB", "total_en": "151.0 MB"}
    assert _megabytes(limit=DEFAULT_MAX_UNCOMPRESSED)["limit_en"] == "100.0 MB"  # as documented


def test_read_sheet_rows_checks_the_archive_first() -> None:
    content = workbook()
    with pytest.raises(SourceError, match="unpacks to"):
        read_sheet_rows(content, "f.xlsx", max_uncompressed=1000)
    with pytest.raises(SourceError, match="not a valid .xlsx"):
        read_sheet_rows(b"not a zip", "f.xlsx")


def test_hook_params_set_the_caps(tmp_path: Path) -> None:
    (tmp_path / "besar.xlsx").write_bytes(workbook(rows=[["a", "b"]] + [[1, 2]] * 20))
    params = {"folder": str(tmp_path), "archive_dir": str(tmp_path / "arc"), "max_rows": 10}
    with pytest.raises(SourceError, match=r"besar\.xlsx, sheet 'Data': more than 10 rows"):
        ExcelHook(None, params).fetch()
