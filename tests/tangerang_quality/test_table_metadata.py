"""Row numbers in the schema metadata: compact runs that decode to the same numbers."""

from __future__ import annotations

import json
import random

import pyarrow as pa
import pytest

from tangerang_quality.table_metadata import decode_row_numbers, encode_row_numbers


def test_a_file_without_gaps_is_one_run_whatever_its_size() -> None:
    numbers = pa.array(range(2, 1_000_002), pa.int64())
    raw = encode_row_numbers(numbers)
    assert raw == b"[[2,1000000]]"
    assert decode_row_numbers(raw) == list(range(2, 1_000_002))


def test_blank_lines_and_multi_line_cells_break_the_runs() -> None:
    # rows 2-4, a blank line, 6, a cell over two lines, 9-10
    numbers = [2, 3, 4, 6, 8, 9, 10]
    raw = encode_row_numbers(numbers)
    assert json.loads(raw) == [[2, 3], 6, [8, 3]]
    assert decode_row_numbers(raw) == numbers


@pytest.mark.parametrize("seed", range(20))
def test_any_increasing_rows_decode_to_themselves(seed: int) -> None:
    rng = random.Random(seed)
    numbers, row = [], 1
    for _ in range(rng.randint(0, 400)):
        row += rng.choice([1, 1, 1, 2, 5])
        numbers.append(row)
    assert decode_row_numbers(encode_row_numbers(numbers)) == numbers


def test_a_plain_list_written_before_the_runs_still_decodes() -> None:
    assert decode_row_numbers(b"[2,3,5]") == [2, 3, 5]
    assert decode_row_numbers(b"[]") == []
    assert encode_row_numbers([]) == b"[]"
