"""The vectorized pre-filter never hides a cell a detector would flag (`candidates`).

For every generated or hostile value: where a mask says False, the detector it stands for finds
nothing. And the gate's expectations, which use the masks, agree cell by cell with the
detectors called on every cell.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hostile_text import texts
from hypothesis import given, settings
from hypothesis import strategies as st

from tangerang_quality import candidates
from tangerang_quality.formula import is_formula_injection, starts_with_sign
from tangerang_quality.pii import scan_number, scan_value, split_part

NIK = "3671014502900001"
numbers = st.integers(-(10**17), 10**17) | st.floats(allow_nan=True, allow_infinity=False)


def _mask(fn, values) -> np.ndarray:
    return fn(pd.Series(values, dtype=object))


@settings(max_examples=1500, deadline=None)
@given(st.lists(texts, min_size=1, max_size=20))
def test_a_text_cell_left_out_gives_no_hit(values: list[str]) -> None:
    pii = _mask(candidates.pii_candidates, values)
    formula = _mask(candidates.formula_candidates, values)
    part = _mask(candidates.split_part_candidates, values)
    for value, may_pii, may_formula, may_part in zip(values, pii, formula, part, strict=True):
        for kind in (None, "phone", "nik", "kk"):
            if not may_pii:
                assert scan_value(value, column_kind=kind) == [], (value, kind)
        if not may_formula:
            assert not is_formula_injection(value) and not starts_with_sign(value), value
        if not may_part:
            assert split_part(value) is None, value


@settings(max_examples=500, deadline=None)
@given(st.lists(numbers, min_size=1, max_size=20))
def test_a_number_left_out_gives_no_hit(values: list[float]) -> None:
    for value, may in zip(values, _mask(candidates.number_candidates, values), strict=True):
        if not may:
            for kind in (None, "phone", "kk"):
                assert scan_number(value, column_kind=kind) is None, value


@pytest.mark.parametrize(
    "value",
    [
        NIK,
        "3671 0145 0290 0001",
        "3671/0145/0290/0001",
        "0812-3456-7890",
        "(+62) 812-3456-7890",
        "hp 812 3456 789",
        "budi@example.com",
        "budi [at] example [dot] com",
        "lahir 17-08-1990",
        '{"nik": "x"}',
        "8.1234567890E+10",
        "٣٦٧١٠١٤٥٠٢٩٠٠٠٠١",
        "3671\u200b0145\u200b0290\u200b0001",
        "0812      3456      7890",
        "0812 - 3456 - 7890",
        "3671 / 0145 / 0290 / 0001",
        "[3671014502900001]",
        "[ 0812 ( 3456 ) 7890 ]",
    ],
)
def test_every_form_of_personal_data_is_a_candidate(value: str) -> None:
    # Guards the masks from the other side: these must reach the detector.
    assert _mask(candidates.pii_candidates, [value, "bersih"]).tolist() == [True, False]


@pytest.mark.parametrize("value", ["812345678", "812 345 678", "hp 812345678"])
def test_the_shortest_phone_number_is_a_candidate(value: str) -> None:
    # Nine digits: a mobile number whose leading 0 a spreadsheet dropped, in a phone column.
    assert scan_value(value, column_kind="phone")
    assert _mask(candidates.pii_candidates, [value]).tolist() == [True]


def test_clean_everyday_cells_are_left_out() -> None:
    # The point of the masks: addresses, names and Kemendagri codes need no per-cell scan.
    values = ["Jl. KH. Hasyim Ashari No. 286, RT 001/RW 012", "Puskesmas Cibodas", "36.71.10"]
    assert not _mask(candidates.pii_candidates, values).any()
    assert not _mask(candidates.formula_candidates, values).any()
    assert not _mask(candidates.split_part_candidates, values).any()


def test_signed_numbers_are_no_formula_candidates_but_look_alikes_are() -> None:
    # a column of latitudes (`-6,2152`) made every cell a candidate of the formula check
    values = ["-6,2152", " +12 ", "-0,5", "-05", "-6,2152+A1", "-6.17,106.63", "- 6", "-6,"]
    may = list(_mask(candidates.formula_candidates, values))
    assert may == [False, False, False, True, True, True, True, True]
    for value, candidate in zip(values, may, strict=True):
        if not candidate:
            assert not is_formula_injection(value) and not starts_with_sign(value)


def test_mixed_or_unhashable_columns_are_read_in_full() -> None:
    values = ["a", 5, {"nik": NIK}]
    assert _mask(candidates.pii_candidates, values).all()
    is_clean = candidates.map_candidates(
        pd.Series(values, dtype=object), np.ones(3, dtype=bool), lambda v: not scan_value(v)
    )
    assert is_clean.tolist() == [True, True, False]


def test_map_candidates_reads_each_distinct_value_once() -> None:
    seen: list[object] = []

    def is_clean(value: object) -> bool:
        seen.append(value)
        return value != "x"

    column = pd.Series(["x", "y", "x", None, "y"], dtype=object)
    result = candidates.map_candidates(column, np.ones(5, dtype=bool), is_clean)
    assert result.tolist() == [False, True, False, True, True]
    assert sorted(seen) == ["x", "y"]


@pytest.mark.parametrize(
    "mask_of",
    [
        candidates.pii_candidates,
        candidates.formula_candidates,
        candidates.split_part_candidates,
    ],
)
def test_repeating_columns_matched_per_distinct_value_give_the_same_mask(
    mask_of, monkeypatch
) -> None:
    kinds = [
        "36.71.01",
        "=HYPERLINK(1)",
        "0812 3456 7890",
        "Puskesmas",
        None,
        "+62 812-3456",
        "3671",
    ]
    rng = random.Random(7)
    values = pa.chunked_array(
        [[rng.choice(kinds) for _ in range(5000)], [rng.choice(kinds) for _ in range(5000)]]
    )
    encodings = []
    encode = pc.dictionary_encode
    monkeypatch.setattr(pc, "dictionary_encode", lambda a: encodings.append(a) or encode(a))
    per_distinct = mask_of(values)
    assert len(encodings) == 1, "a column of 7 distinct values is matched per distinct value"
    monkeypatch.setattr(candidates, "REPEATS", 10**9)  # never per distinct value
    per_cell = mask_of(values)
    assert len(encodings) == 1
    assert per_distinct.tolist() == per_cell.tolist()
    assert per_cell.any() and not per_cell.all()


@pytest.mark.parametrize(
    "mask_of",
    [
        candidates.pii_candidates,
        candidates.formula_candidates,
        candidates.split_part_candidates,
        candidates.region_code_candidates,
    ],
)
def test_a_long_column_matched_in_slices_gives_the_same_mask(mask_of, monkeypatch) -> None:
    """The slices run in threads and are put back in order: each cell keeps its own verdict."""
    rng = random.Random(11)
    forms = ["Puskesmas {n}", "0812 3456 {n:04d}", "=HYPERLINK({n})", "36.71.{n:02d}", "{n}"]
    values = pa.chunked_array(
        [[rng.choice(forms).format(n=rng.randrange(10**4)) for _ in range(3001)] for _ in range(3)]
    )
    whole = mask_of(values)
    sliced = []
    match_slices = candidates.in_slices
    monkeypatch.setattr(candidates, "SLICE_FROM", 1)
    monkeypatch.setattr(candidates, "SLICES", 3)
    monkeypatch.setattr(
        candidates, "in_slices", lambda m, t: sliced.append(len(t)) or match_slices(m, t)
    )
    assert mask_of(values).tolist() == whole.tolist()
    assert sliced and whole.any() and not whole.all()
