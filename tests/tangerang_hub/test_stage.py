import csv
import hashlib
import io
import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tangerang_hub.contracts import load_contract
from tangerang_hub.normalize import FILE_KEY, ROW_NUMBERS_KEY, normalize
from tangerang_hub.sources.base import RawBatch
from tangerang_hub.stage import StagedBatch, csv_bytes, parquet_bytes, read_staged, stage

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def contract():
    return load_contract(REPO / "schemas" / "datasets" / "fasyankes.yaml")


@pytest.fixture(scope="module")
def table(contract) -> pa.Table:
    path = REPO / "stack" / "sample_agency" / "data" / "dinkes" / "fasyankes.csv"
    batch = RawBatch(
        records=None, content=path.read_bytes(), filename=path.name, media_type="text/csv"
    )
    return normalize(batch, contract)


def test_files_are_keyed_by_sha256_of_parquet_bytes(table, contract, tmp_path: Path) -> None:
    staged = stage(table, contract, tmp_path)
    data = staged.parquet_path.read_bytes()
    assert staged.sha256 == hashlib.sha256(data).hexdigest()
    assert staged.parquet_path == tmp_path / "fasyankes" / f"{staged.sha256}.parquet"
    assert staged.csv_path == tmp_path / "fasyankes" / f"{staged.sha256}.csv"
    assert staged.rows == table.num_rows
    assert not list((tmp_path / "fasyankes").glob("*.tmp"))


def test_same_data_same_bytes(table, contract, tmp_path: Path) -> None:
    first = stage(table, contract, tmp_path / "a")
    # a different source file name / row numbering must not change the key
    relabeled = table.replace_schema_metadata({ROW_NUMBERS_KEY: b"[9]", b"x": b"y"})
    second = stage(relabeled, contract, tmp_path / "b")
    assert first.sha256 == second.sha256
    assert first.parquet_path.read_bytes() == second.parquet_path.read_bytes()
    assert first.csv_path.read_bytes() == second.csv_path.read_bytes()


def test_restaging_is_a_no_op(table, contract, tmp_path: Path) -> None:
    first = stage(table, contract, tmp_path)
    mtime = first.parquet_path.stat().st_mtime_ns
    second = stage(table, contract, tmp_path)
    assert second == first
    assert first.parquet_path.stat().st_mtime_ns == mtime
    assert len(list((tmp_path / "fasyankes").glob("*.parquet"))) == 1


def test_different_data_different_key(table, contract, tmp_path: Path) -> None:
    first = stage(table, contract, tmp_path)
    second = stage(table.slice(1), contract, tmp_path)
    assert first.sha256 != second.sha256


def test_parquet_keeps_types_and_codes(table, contract, tmp_path: Path) -> None:
    staged = stage(table, contract, tmp_path)
    back = pq.read_table(staged.parquet_path)
    assert back.schema.field("kode_faskes").type == pa.string()
    assert back.column("kode_faskes").to_pylist() == table.column("kode_faskes").to_pylist()
    assert back.schema.field("tanggal_registrasi").type == pa.date32()
    assert back.schema.field("kode_faskes").metadata[b"title"] == b"Kode Faskes"


def test_read_staged_restores_row_numbers(table, contract, tmp_path: Path) -> None:
    staged = stage(table, contract, tmp_path)
    back = read_staged(staged)
    assert back.schema.metadata[FILE_KEY] == b"fasyankes.csv"
    assert json.loads(back.schema.metadata[ROW_NUMBERS_KEY]) == json.loads(
        table.schema.metadata[ROW_NUMBERS_KEY]
    )
    assert back.equals(table.replace_schema_metadata(back.schema.metadata))


def test_csv_is_utf8_with_header_and_plain_values() -> None:
    table = pa.table(
        {
            "kode": pa.array(["007", None]),
            "n": pa.array([1, None], pa.int64()),
            "x": pa.array([0.1, -6.25]),
            "d": pa.array([date(2024, 8, 17), None]),
            "b": pa.array([True, False]),
            "nama": pa.array(["Pondok Bahar – Karang Tengah", 'a "quoted"; value']),
        }
    )
    text = csv_bytes(table).decode("utf-8")
    assert text.splitlines() == [
        "kode,n,x,d,b,nama",
        "007,1,0.1,2024-08-17,true,Pondok Bahar – Karang Tengah",
        ',,-6.25,,false,"a ""quoted""; value"',
    ]


def test_parquet_bytes_deterministic_across_calls(table) -> None:
    assert parquet_bytes(table) == parquet_bytes(table)


def test_staged_batch_dict_round_trip(table, contract, tmp_path: Path) -> None:
    staged = stage(table, contract, tmp_path)
    data = json.loads(json.dumps(staged.to_dict()))
    assert StagedBatch.from_dict(data) == staged


def test_warned_text_is_defused_in_the_csv_and_kept_in_the_parquet(contract, tmp_path) -> None:
    values = ["- Tidak ada data", "+62 21 5523456", "buka 24 jam", "-12", None]
    table = pa.table({"kode": ["1", "2", "3", "4", "5"], "keterangan": values})
    staged = stage(table, contract, tmp_path)
    rows = list(csv.reader(io.StringIO(staged.csv_path.read_text(encoding="utf-8"))))
    assert [r[1] for r in rows[1:]] == [
        "'- Tidak ada data",
        "'+62 21 5523456",
        "buka 24 jam",
        "-12",
        "",
    ]
    assert pq.read_table(staged.parquet_path).column("keterangan").to_pylist() == values
    # the key is the Parquet's: defusing the CSV does not change it
    assert staged.sha256 == hashlib.sha256(parquet_bytes(table)).hexdigest()


def test_csv_defuses_formulas_too() -> None:
    table = pa.table({"x": ['+@HYPERLINK("http://contoh.test","Unduh")', "=1+1"]})
    assert csv_bytes(table).decode().splitlines()[1:] == [
        '"\'+@HYPERLINK(""http://contoh.test"",""Unduh"")"',
        "'=1+1",
    ]
