"""`table_scan`: a whole table scanned as `hub scan` scans it.

Its verdict must be the detectors' verdict on every cell: the candidate masks and the per-value
cache only save time. `reference_scan` below is the rule written out cell by cell (what
`scan_columns` did before it read Arrow and skipped cells), and generated tables of hostile
text, numbers and mixed values are scanned both ways, as Python lists and as Arrow arrays.
"""

from __future__ import annotations

import datetime

import pyarrow as pa
import pytest
from hostile_text import texts
from hypothesis import given, settings
from hypothesis import strategies as st

from tangerang_quality import table_scan
from tangerang_quality.column_names import header_kind, is_name_column
from tangerang_quality.masking import mask_date
from tangerang_quality.pii import (
    DIGIT_KINDS,
    Finding,
    cell_text,
    header_findings,
    is_numeric_column,
    scan_split,
    scan_text,
)
from tangerang_quality.table_scan import scan_column, scan_columns, split_hits

NIK_F = "3671014502900001"  # day 45 -> 5 Feb 1990, woman
NIK_M = "3671011205900003"  # 12 May 1990, man


def reference_scan(columns: dict[str, list]) -> list[Finding]:
    """Every cell read by the detectors, in the order `scan_columns` reports."""
    findings: list[Finding] = []
    has_name = any(is_name_column(c) for c in columns)
    for name, values in columns.items():
        column_kind = header_kind(name)
        numeric = is_numeric_column(values)
        per_row, long = [], 0
        for i, value in enumerate(values):
            text = cell_text(value)
            if text is None:
                continue
            long += sum(c.isdigit() for c in text) >= 9  # as long as an identifier
            per_row += [
                Finding(i, name, m.kind, m.masked) for m in scan_text(text, column_kind=column_kind)
            ]
        if numeric and column_kind is None:
            digit_rows = {f.row for f in per_row if f.kind in DIGIT_KINDS}
            if len(digit_rows) * 2 < max(long, 1):
                per_row = [f for f in per_row if f.kind not in DIGIT_KINDS]
        findings += header_findings(name) + per_row
        if has_name and column_kind == "dob":
            flagged = {f.row for f in per_row}
            findings += [
                Finding(i, name, "dob", mask_date(cell_text(v)))
                for i, v in enumerate(values)
                if cell_text(v) is not None and i not in flagged
            ]
    for hit in scan_split(columns):
        findings.append(Finding(hit.row, hit.columns[0], hit.kind, hit.masked, hit.columns))
    return findings


NAMES = ["nama", "keterangan", "no_hp", "nik", "tgl_lahir", "kode", "jumlah", "alamat"]
cells = texts | st.sampled_from([NIK_F, NIK_M, "0812 3456 7890", "3671 0145", "0290 0001", ""])


@st.composite
def text_tables(draw: st.DrawFn) -> dict[str, list[str | None]]:
    rows = draw(st.integers(1, 12))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    column = st.lists(cells | st.none(), min_size=rows, max_size=rows)
    return {name: draw(column) for name in names}


@settings(max_examples=400, deadline=None)
@given(text_tables())
def test_text_tables_as_lists_and_as_arrow_give_the_reference_findings(table) -> None:
    expected = reference_scan(table)
    arrow = {name: pa.chunked_array([pa.array(v, pa.string())]) for name, v in table.items()}
    for masked_from in (table_scan.MASK_FROM_ROWS, 0):  # short columns cell by cell, or masked
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(table_scan, "MASK_FROM_ROWS", masked_from)
            assert scan_columns(table) == expected
            assert scan_columns(arrow) == expected


values = (
    cells
    | st.none()
    | st.integers(-(10**17), 10**17)
    | st.sampled_from([int(NIK_F), 81234567890, 8.1234567890e10, 3671014502900001.0, True, 0.5])
    | st.dictionaries(st.sampled_from(["hp", "nik", "x"]), cells, max_size=2)
)


@settings(max_examples=300, deadline=None)
@given(st.lists(values, min_size=1, max_size=10), st.sampled_from(NAMES))
def test_columns_of_any_values_give_the_reference_findings(column, name) -> None:
    table = {name: column, "lain": [None] * len(column)}
    expected = reference_scan(table)
    for masked_from in (table_scan.MASK_FROM_ROWS, 0):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(table_scan, "MASK_FROM_ROWS", masked_from)
            assert scan_columns(table) == expected


def test_repeated_values_are_judged_once_and_reported_on_every_row() -> None:
    table = {"keterangan": [f"hp {NIK_F}", "ok", f"hp {NIK_F}"] * 3000}
    found = scan_columns(table)
    assert [f.row for f in found] == [i for i in range(9000) if i % 3 != 1]
    assert found == reference_scan(table)


def test_split_hits_read_only_candidate_rows_with_the_same_result() -> None:
    left = ["3671 0145", "Budi", "3671 0145", None, "12"] * 50
    right = ["0290 0001", "0290 0001", "0290 0001", "0290 0001", "7"] * 50
    columns = {"a": left, "b": right}
    expected = scan_split(columns)
    assert expected  # the pair splits a NIK on most rows where both are parts
    assert split_hits(columns) == expected
    arrow = {name: pa.array(v, pa.string()) for name, v in columns.items()}
    assert split_hits(arrow) == expected


def test_a_shorter_column_has_no_cells_in_the_rows_it_lacks() -> None:
    columns = {
        "a": ["x", "3671 0145", "3671 0145", "0812"],
        "b": ["y", "0290 0001", "0290 0001", "3456 7890"],
        "c": ["z", "1"],
    }
    assert split_hits(columns) == scan_split(columns)
    assert [h.row for h in split_hits(columns)] == [1, 2, 3]


def test_a_short_column_is_read_cell_by_cell_and_a_long_one_through_its_mask() -> None:
    from tangerang_quality.candidates import pii_candidates

    asked: list[int] = []

    def mask(values):
        asked.append(len(values))
        return pii_candidates(values)

    short = ["Budi", f"NIK {NIK_F}"]
    assert list(table_scan.candidate_rows(short, mask)) == [0, 1] and asked == []
    long = ["Budi"] * table_scan.MASK_FROM_ROWS + [f"NIK {NIK_F}"]
    assert list(table_scan.candidate_rows(long, mask)) == [len(long) - 1]
    assert asked == [len(long)]


def test_kk_column_labels_a_nik_shaped_number_as_kk() -> None:
    assert [f.kind for f in scan_column("no_kk", [NIK_M]) if f.row is not None] == ["kk"]


def test_numeric_column_of_totals_is_clean_even_when_one_total_looks_like_a_nik() -> None:
    totals = [1234567890123456, int(NIK_F), 9876543210987654, 2500000000000000]
    assert is_numeric_column(totals)
    assert scan_column("total_anggaran", totals) == []


def test_one_nik_among_small_counts_is_reported_but_not_among_big_totals() -> None:
    counts = [1, 2, 5, int(NIK_F), 3, 12, 7]  # a JSON `nomor` column with a NIK in it
    assert [f.row for f in scan_column("nomor", counts)] == [3]
    as_text = [str(v) for v in counts]
    assert [f.row for f in scan_column("nomor", as_text)] == [3]
    # rupiah totals of 9-12 digits: one happens to read as a mobile number (62 8...)
    totals = [150_000_000, 2_500_000_000, 62_812_345_678, 980_000_000, 1_250_000_000]
    assert scan_column("anggaran", totals) == []


def test_numeric_column_of_niks_is_reported() -> None:
    values = [int(NIK_F), int(NIK_M), 3671015507850002]
    assert [f.row for f in scan_column("identitas", values)] == [0, 1, 2]


def test_column_named_nik_reports_header_and_values() -> None:
    findings = scan_column("nik", [NIK_F, None, ""])
    assert findings == [
        Finding(None, "nik", "nik", "(column name)"),
        Finding(0, "nik", "nik", "3671********0001"),
    ]


def test_birth_date_column_beside_name_column() -> None:
    findings = scan_columns(
        {"nama": ["Budi", "Siti"], "tgl_lahir": [datetime.date(1990, 5, 12), "03/08/1985"]}
    )
    rows = sorted((f.row, f.kind) for f in findings if f.row is not None)
    assert rows == [(0, "dob"), (1, "dob")]
    assert all("1990" not in f.masked for f in findings)
