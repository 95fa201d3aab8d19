"""excel_table reads Indonesian number text with the one parser and its ambiguity rule."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tangerang_hub.contracts import Contract, Field, get_contract
from tangerang_hub.normalize import NormalizeError, normalize
from tangerang_hub.sources.base import RawBatch
from tangerang_hub.sources.excel_table import read_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def column(*cells: Any) -> list[Any]:
    """The records' `nilai` after read_table, one sheet row per cell."""
    rows: list[list[Any]] = [["Kecamatan", "Nilai"]]
    rows += [[f"Kec {i}", cell] for i, cell in enumerate(cells)]
    return [r["Nilai"] for r in read_table(rows).records]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["1.234.567", "0,5", 3], [1234567, 0.5, 3]),  # several dots, decimal comma: numbers
        (["21.874", "6,5"], [21874, 6.5]),  # the decimal comma says dots group thousands
        (["21.874", "1.234.567"], [21874, 1234567]),
        (["21.874", "2.25", 1.5], [21.874, "2.25", 1.5]),  # "2.25" says the dot is decimal
        (["1.234,0", "-6,5"], [1234.0, -6.5]),
        (["0.234", "1,5"], [0.234, 1.5]),  # a leading zero is never a thousands group
        (["0012", 5], ["0012", 5]),  # plain digits may be codes: text stays text
        (["0012", "0013"], ["0012", "0013"]),
        (["Ciledug", "1.234,5"], ["Ciledug", "1.234,5"]),  # not a number column
    ],
)
def test_number_text(cells: list[Any], expected: list[Any]) -> None:
    assert column(*cells) == expected


@pytest.mark.parametrize(
    "cells",
    [["21.874", "4.012"], ["21.874", 2875], ["21.874", "6,5", "2.25", 1]],  # last: contradictory
)
def test_ambiguous_column_is_left_as_typed(cells: list[Any]) -> None:
    assert column(*cells) == cells


def contract(type_: str) -> Contract:
    """The DLH Excel contract with one field, `nilai`, of the given type."""
    dlh = get_contract("dlh-volume-sampah-kecamatan")
    return replace(dlh, fields=(Field(name="nilai", type=type_, title="Nilai"),), primary_key=())


def test_normalize_decides_what_the_sheet_left_open() -> None:
    rows = [["Kecamatan", "Nilai"], ["A", "21.874"], ["B", 2875]]
    batch = RawBatch(read_table(rows).records, None, "uji.xlsx", XLSX)
    table = normalize(batch, contract("integer"))
    assert table.column("nilai").to_pylist() == [21874, 2875]
    with pytest.raises(NormalizeError, match="ambiguous"):
        normalize(batch, contract("number"))
