"""The benchmark's data: fasyankes-shaped, valid, and the same bytes on every run."""

from __future__ import annotations

from bench.fasyankes_data import HEADER, fasyankes_csv, known_code, raw_batch, write_fasyankes_csv
from tangerang_hub.contracts import get_contract
from tangerang_hub.normalize import normalize


def test_generated_csv_is_fasyankes_shaped_and_normalizes_cleanly():
    content = fasyankes_csv(300)
    assert content.decode().splitlines()[0] == ";".join(HEADER)
    table = normalize(raw_batch(content), get_contract("fasyankes"))
    assert table.num_rows == 300
    assert table.column("kode_faskes")[0].as_py() == "0000000"
    assert known_code(300) in table.column("kode_faskes").to_pylist()
    assert all(code.startswith("36.71.") for code in table.column("kelurahan").to_pylist())
    assert fasyankes_csv(300) == content, "the data must be the same in every run"


def test_written_file_is_reused(tmp_path):
    path = write_fasyankes_csv(50, tmp_path)
    assert path.read_bytes() == fasyankes_csv(50)
    path.write_bytes(b"kept")
    assert write_fasyankes_csv(50, tmp_path).read_bytes() == b"kept"
