"""Content-addressed staging: `root/<dataset>/<sha256>.parquet` and `.csv`.

The key is the sha256 of the Parquet bytes, written with fixed options and without
table-level metadata, so the same data always gives the same key and re-staging is a no-op.
The Parquet footer records the pyarrow version (`created_by`), so upgrading pyarrow changes
every key once; the publish step then uploads each dataset one more time. Changing the writer
options (the zstd level went from 9 to 3) does the same.

The CSV is for spreadsheets: a text cell a spreadsheet could run is written defused
(`tangerang_quality.formula.defuse`, a leading `'`), such as `- Tidak ada data` that the gate
published with a formula warning. The Parquet file keeps every value as it is; the DataStore is
loaded from the CSV, so it carries the defused text too. Arrow's CSV writer writes it, beside
the Parquet bytes (two threads: neither writer holds the GIL), every text field quoted, so an
empty text (`""`) and a missing one (an empty field) stay apart in the DataStore.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from tangerang_hub.contracts import Contract
from tangerang_hub.normalize import FILE_KEY, ROW_NUMBERS_KEY
from tangerang_quality.candidates import formula_candidates, per_distinct
from tangerang_quality.formula import defuse
from tangerang_quality.table_metadata import UNKNOWN_COLUMNS_KEY

PARQUET_OPTIONS: dict[str, Any] = {
    "version": "2.6",
    "compression": "zstd",
    # zstd's default level: 9 took 2.3 s at 1M rows (level 3: 0.7 s) for a file 12% smaller
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "data_page_version": "1.0",
    "row_group_size": 1_000_000,
}


@dataclass(frozen=True)
class StagedBatch:
    sha256: str
    parquet_path: Path
    csv_path: Path
    rows: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form, to pass between Airflow tasks."""
        data = asdict(self)
        data["parquet_path"] = str(self.parquet_path)
        data["csv_path"] = str(self.csv_path)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StagedBatch:
        return cls(
            sha256=data["sha256"],
            parquet_path=Path(data["parquet_path"]),
            csv_path=Path(data["csv_path"]),
            rows=int(data["rows"]),
        )


def parquet_bytes(table: pa.Table) -> bytes:
    """Canonical Parquet bytes of `table` (table metadata dropped, fixed writer options)."""
    sink = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(None), sink, **PARQUET_OPTIONS)
    return sink.getvalue()


# Arrow's writer quotes every text field and no number, date or boolean ("needed"), and
# writes a null as an empty field, so a CSV reader gives back the same text.
CSV_OPTIONS = pa_csv.WriteOptions(quoting_style="needed", batch_size=100_000)


def write_csv(table: pa.Table, sink: Any) -> None:
    """UTF-8 CSV with a header, by Arrow's CSV writer, batch by batch: dates ISO, booleans
    `true`/`false`, floats in their shortest round-trip form, null empty, timestamps ISO 8601
    with their UTC offset (WIB stays WIB), and text a spreadsheet would run as a formula
    defused with a leading `'` (`formula.defuse`). `sink` is a path or an Arrow stream."""
    lonely = table.num_columns == 1  # a one-field row's empty line would read as no field
    columns = [_csv_column(column, lonely) for column in table.columns]
    pa_csv.write_csv(pa.table(columns, names=table.column_names), sink, CSV_OPTIONS)


def csv_bytes(table: pa.Table) -> bytes:
    """`write_csv` into memory."""
    sink = pa.BufferOutputStream()
    write_csv(table, sink)
    return sink.getvalue().to_pybytes()


def _csv_column(column: pa.ChunkedArray, lonely: bool) -> pa.ChunkedArray | pa.Array:
    """One column as the CSV writer gets it."""
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        # codes and kinds repeat: each distinct text is checked for a formula once
        column = pa.chunked_array(
            [per_distinct(chunk, _defused) for chunk in column.cast(pa.string()).chunks],
            pa.string(),
        )
    elif not (
        pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_date(kind)
    ):
        # Rarer types as Python writes them: Arrow would write a timestamp in UTC.
        column = pa.array([None if v is None else _iso(v) for v in column.to_pylist()], pa.string())
    if lonely:
        column = pc.fill_null(column.cast(pa.string()), "")  # written as ""
    return column


def _defused(text: pa.Array) -> pa.Array:
    """`text` with `formula.defuse` applied where a formula is possible at all
    (`candidates.formula_candidates`, vectorized), which is rare."""
    risky = np.flatnonzero(formula_candidates(text))
    if not len(risky):
        return text
    values = text.take(pa.array(risky)).to_pylist()
    defused = pa.array([None if v is None else defuse(v) for v in values], pa.string())
    mask = np.zeros(len(text), dtype=bool)
    mask[risky] = True
    return pc.replace_with_mask(text, pa.array(mask), defused)


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime | date | time) else str(value)


def stage(table: pa.Table, contract: Contract, root: Path) -> StagedBatch:
    folder = Path(root) / contract.id
    folder.mkdir(parents=True, exist_ok=True)
    # The CSV is written while the Parquet bytes are made: both writers run in Arrow's C++
    # without holding the GIL, so on two cores staging takes about as long as the CSV alone.
    with ThreadPoolExecutor(max_workers=1) as pool:
        csv_job = pool.submit(_temp_file, folder, partial(write_csv, table))
        try:
            data = parquet_bytes(table)
        except BaseException:
            _discard(csv_job)
            raise
        csv_tmp = csv_job.result()
    sha256 = hashlib.sha256(data).hexdigest()
    parquet_path = folder / f"{sha256}.parquet"
    csv_path = folder / f"{sha256}.csv"
    try:
        if not parquet_path.exists():
            _write_atomic(parquet_path, data)
        if not csv_path.exists():
            os.replace(csv_tmp, csv_path)
    finally:
        csv_tmp.unlink(missing_ok=True)
    # Where each row came from (and which source columns were left out), so validation
    # problems name the file's rows. Kept beside the Parquet file, not in it: the same data
    # from another file must keep the same key; rewritten each time, for the latest file.
    meta = table.schema.metadata or {}
    numbers = meta.get(ROW_NUMBERS_KEY)
    rows_path = folder / f"{sha256}.rows.json"
    if numbers:
        origin = {
            "file": meta.get(FILE_KEY, b"").decode(),
            "rows": json.loads(numbers),  # runs of rows (table_metadata.encode_row_numbers)
            "unknown_columns": json.loads(meta.get(UNKNOWN_COLUMNS_KEY, b"[]")),
        }
        _write_atomic(rows_path, json.dumps(origin).encode())
    return StagedBatch(sha256, parquet_path, csv_path, table.num_rows)


def read_staged(staged: StagedBatch) -> pa.Table:
    """The staged table, with the file row numbers restored when they were recorded."""
    table = pq.read_table(staged.parquet_path)
    rows_path = staged.parquet_path.with_suffix(".rows.json")
    if rows_path.exists():
        origin = json.loads(rows_path.read_bytes())
        table = table.replace_schema_metadata(
            {
                **(table.schema.metadata or {}),
                # as written: runs of rows, or a plain list in files staged before them
                ROW_NUMBERS_KEY: json.dumps(origin["rows"], separators=(",", ":")).encode(),
                FILE_KEY: origin["file"].encode(),
                UNKNOWN_COLUMNS_KEY: json.dumps(origin.get("unknown_columns", [])).encode(),
            }
        )
    return table


def _temp_file(folder: Path, write: Callable[[str], None]) -> Path:
    """A new hidden file in `folder`, written by `write(path)` and flushed to disk; deleted
    when writing fails. (Arrow writes to a path with its own file, without the GIL.)"""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        os.close(fd)
        write(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _discard(job: Future[Path]) -> None:
    """Wait for a temporary file that is no longer wanted, and delete it."""
    # when writing it failed too, the caller's error is the one to raise
    with contextlib.suppress(Exception):
        job.result().unlink(missing_ok=True)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = _temp_file(path.parent, lambda name: Path(name).write_bytes(data))
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
