"""Raw batches as files between the DAG's tasks (tangerang_hub.raw_store)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tangerang_hub.raw_store import load_raw, save_raw
from tangerang_hub.sources.base import RawBatch


def test_records_batch_round_trips_through_raw_file(tmp_path: Path) -> None:
    from datetime import date

    batch = RawBatch(
        records=[{"a": 1, "d": date(2024, 1, 2)}],
        content=None,
        filename="x.json",
        media_type="application/json",
    )
    loaded = load_raw(save_raw(batch, tmp_path))
    assert loaded.records == [{"a": 1, "d": "2024-01-02"}]
    assert loaded.content is None


def test_sheet_row_numbers_survive_between_tasks(tmp_path: Path) -> None:
    """The Excel inbox hands over records with the sheet row of each one; a problem
    must point at that row, after the raw batch went through save_raw/load_raw."""
    from tangerang_hub.contracts import get_contract
    from tangerang_hub.normalize import NormalizeError, normalize

    contract = get_contract("dlh-volume-sampah-kecamatan")
    good = {f.name: "1" for f in contract.fields}
    good["kecamatan"] = "Tangerang"
    bad = {**good, "kecamatan": "Kecamatan Antah Berantah"}
    batch = RawBatch(
        records=[good, bad],
        content=None,
        filename="sampah.xlsx",
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        meta={"row_numbers": [5, 6]},
    )

    reloaded = load_raw(save_raw(batch, tmp_path / "raw"))
    with pytest.raises(NormalizeError) as caught:
        normalize(reloaded, contract)

    assert [(p.row, p.column) for p in caught.value.problems] == [(6, "kecamatan")]


@pytest.mark.parametrize(
    "batch",
    [
        RawBatch(records=None, content=b"a,b\n1,2\n", filename="x.csv", media_type="text/csv"),
        RawBatch(
            records=[{"nama": "Puskesmas Cibodas", "n": 1}],
            content=None,
            filename="sheet.xlsx",
            media_type="application/octet-stream",
            meta={"row_numbers": [7]},
        ),
    ],
    ids=["content", "records"],
)
def test_the_fingerprinted_bytes_are_the_bytes_written(batch: RawBatch, tmp_path: Path) -> None:
    from tangerang_hub.raw_store import RawFiles

    files = RawFiles.of(batch)
    ref = save_raw(batch, tmp_path)

    written = [Path(ref[key]).read_bytes() for key in ("path", "row_numbers") if ref[key]]
    assert written == files.parts()
