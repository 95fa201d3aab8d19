"""copy_halves.split_point: where the second half of a CSV may start."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from ckanext.tangerang import copy_halves


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "data.csv"
    path.write_bytes(data)
    return path


def _records(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_the_halves_are_whole_records_that_make_the_file(tmp_path, newline):
    rows = [b"kode,nama"] + [
        b'%d,"Klinik ""%d""%sBaru"' % (n, n, newline) if n % 3 == 0 else b"%d,Puskesmas" % n
        for n in range(200)
    ]
    data = newline.join(rows) + newline
    split = copy_halves.split_point(_write(tmp_path, data), min_bytes=0)
    assert split is not None and len(data) // 2 <= split < len(data)
    assert data[split - 1 : split] == b"\n"
    first, second = _records(data[:split]), _records(data[split:])
    assert first + second == _records(data)
    assert first[0] == ["kode", "nama"]


def test_a_line_break_inside_quotes_at_the_middle_is_not_a_split(tmp_path):
    # One quoted cell spans the middle of the file with line breaks in it.
    cell = b'"' + b"x\n" * 100 + b'"'
    data = b"kode,nama\n1," + cell + b"\n2,Puskesmas\n"
    split = copy_halves.split_point(_write(tmp_path, data), min_bytes=0)
    assert split == len(data) - len(b"2,Puskesmas\n")


def test_no_split_for_a_small_file_or_one_without_a_later_record(tmp_path):
    assert copy_halves.split_point(_write(tmp_path, b"kode\n1\n2\n"), min_bytes=1 << 20) is None
    one_record = b"kode,nama\n1," + b'"' + b"x" * 100 + b'"\n'
    assert copy_halves.split_point(_write(tmp_path, one_record), min_bytes=0) is None


def test_a_header_longer_than_half_the_file_makes_a_first_half_of_the_header(tmp_path):
    header = b",".join(b"kolom_%d" % n for n in range(100))
    data = header + b"\n" + b"1" + b",1" * 99 + b"\n"
    assert copy_halves.split_point(_write(tmp_path, data), min_bytes=0) == len(header) + 1


def test_head_reads_no_further_than_its_limit(tmp_path):
    path = _write(tmp_path, b"0123456789")
    with path.open("rb") as fh:
        head = copy_halves.Head(fh, 4)
        assert head.read(3) + head.read(3) + head.read() == b"0123"
