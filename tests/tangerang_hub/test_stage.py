import csv
import hashlib
import io
import json
import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from tangerang_hub.contracts import load_contract
from tangerang_hub.normalize import FILE_KEY, ROW_NUMBERS_KEY, normalize
from tangerang_hub.sources.base import RawBatch
from tangerang_hub.stage import StagedBatch, csv_bytes, parquet_bytes, read_staged, stage
from tangerang_quality.formula import defuse

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
        '"kode","n","x","d","b","nama"',
        '"007",1,0.1,2024-08-17,true,"Pondok Bahar – Karang Tengah"',
        ',,-6.25,,false,"a ""quoted""; value"',
    ]


def test_csv_tells_empty_text_from_null_as_copy_reads_it() -> None:
    """PostgreSQL's COPY (the DataStore load) reads an unquoted empty field as NULL and a
    quoted one as the empty text."""
    table = pa.table({"a": ["", None, "x"], "n": pa.array([1, 2, None])})
    assert csv_bytes(table).decode() == '"a","n"\n"",1\n,2\n"x",\n'


def test_csv_keeps_a_timestamp_in_its_own_time_zone() -> None:
    wib = timezone(timedelta(hours=7))
    table = pa.table(
        {
            "t": pa.array(
                [datetime(2024, 8, 17, 10, 5, 1, tzinfo=wib), None],
                pa.timestamp("s", tz="Asia/Jakarta"),
            )
        }
    )
    assert csv_bytes(table).decode().splitlines() == ['"t"', '"2024-08-17T10:05:01+07:00"', '""']


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
        '"\'=1+1"',
    ]


def _python_csv(table: pa.Table) -> str:
    """The CSV as Python's csv module writes it value by value: csv_bytes reads back as the
    same fields."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.column_names)
    for row in table.to_pylist():
        writer.writerow(
            [
                ""
                if v is None
                else ("true" if v else "false")
                if isinstance(v, bool)
                else defuse(v)
                if isinstance(v, str)
                else v.isoformat()
                if isinstance(v, date | datetime)
                else v
                for v in row.values()
            ]
        )
    return out.getvalue()


@pytest.mark.parametrize("seed", range(5))
def test_csv_reads_back_as_python_csv_writes_it(seed: int) -> None:
    """Field by field the same text as Python's csv module gives (floats: the same number),
    with its quoting, on text with commas, quotes, line breaks, formulas and non-ASCII."""
    rng = random.Random(seed)
    words = [
        "Puskesmas",
        "a,b",
        'kata "kutip"',
        "baris\nbaru",
        "=SUM(A1)",
        "- Tidak ada",
        "+62 21",
        "Café",
        "",
        " spasi",
        "@x",
        "'sudah",
    ]
    n = 300
    table = pa.table(
        {
            "teks": pa.array([rng.choice([*words, None]) for _ in range(n)]),
            "n": pa.array([rng.choice([None, rng.randint(-(10**12), 10**12)]) for _ in range(n)]),
            "x": pa.array(
                [
                    rng.choice(
                        [
                            None,
                            rng.uniform(-1e6, 1e6),
                            rng.random() * 10 ** rng.randint(-9, 17),
                            100.0,
                        ]
                    )
                    for _ in range(n)
                ]
            ),
            "b": pa.array([rng.choice([None, True, False]) for _ in range(n)]),
            "d": pa.array([rng.choice([None, date(2024, 8, 17), date(1, 1, 1)]) for _ in range(n)]),
            "t": pa.array(
                [rng.choice([None, datetime(2024, 8, 17, 10, 5, 1, 250)]) for _ in range(n)],
                pa.timestamp("us"),
            ),
        }
    )
    got = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8"), newline="")))
    want = list(csv.reader(io.StringIO(_python_csv(table), newline="")))
    assert len(got) == len(want) == n + 1
    assert got[0] == want[0] == table.column_names
    for got_row, want_row in zip(got[1:], want[1:], strict=True):
        assert got_row[:2] + got_row[3:] == want_row[:2] + want_row[3:]
        assert (float(got_row[2]) if got_row[2] else None) == (
            float(want_row[2]) if want_row[2] else None
        )


def _fields(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_quotes_every_text_field_and_no_number() -> None:
    table = pa.table({"a": ["x", "a,b", None], "b": ['q"', "line\nbreak", "plain"], "n": [1, 2, 3]})
    assert csv_bytes(table).decode() == (
        '"a","b","n"\n"x","q""",1\n"a,b","line\nbreak",2\n,"plain",3\n'
    )
    assert _fields(csv_bytes(table).decode()) == _fields(_python_csv(table))
    # a one-column row is never an empty line (a reader would see no field at all)
    lonely = pa.table({"a": ["", None, "x"]})
    assert csv_bytes(lonely).decode() == '"a"\n""\n""\n"x"\n'
    assert _fields(csv_bytes(lonely).decode()) == _fields(_python_csv(lonely))
    assert csv_bytes(table.slice(0, 0)).decode() == '"a","b","n"\n'
    # Python 3.11's csv leaves a lone carriage return unquoted, which splits the row for a
    # reader; it is quoted here.
    carriage = pa.table({"a": ["x\ry", "z"], "b": ["1", "2"]})
    assert _fields(csv_bytes(carriage).decode()) == [["a", "b"], ["x\ry", "1"], ["z", "2"]]


def test_a_repeating_text_column_is_written_once_per_value_as_python_csv_writes_it(
    monkeypatch,
) -> None:
    """Codes and kinds repeat: each distinct text is defused once, and the fields read back
    as what Python's csv module writes for every row."""
    rng = random.Random(36)
    words = ["Puskesmas", "a,b", 'kata "kutip"', "baris\nbaru", "=SUM(A1)", "- Tidak", "", None]
    rows = 10_000
    table = pa.table(
        {
            "jenis": pa.array([rng.choice(words) for _ in range(rows)]),
            "n": pa.array(range(rows)),
        }
    )
    encoded = []
    encode = pc.dictionary_encode
    monkeypatch.setattr(pc, "dictionary_encode", lambda a: encoded.append(a) or encode(a))
    assert _fields(csv_bytes(table).decode()) == _fields(_python_csv(table))
    assert len(encoded) == 1, "the text column went per distinct value"


@pytest.mark.parametrize("failing", ["parquet_bytes", "write_csv"])
def test_a_failed_staging_leaves_no_file_behind(
    table, contract, tmp_path: Path, monkeypatch, failing: str
) -> None:
    """The CSV is written beside the Parquet bytes: whichever writer fails, nothing stays,
    not even the other one's temporary file."""
    import tangerang_hub.stage as staging

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(staging, failing, broken)
    with pytest.raises(OSError, match="disk full"):
        stage(table, contract, tmp_path)
    assert list((tmp_path / contract.id).iterdir()) == []
