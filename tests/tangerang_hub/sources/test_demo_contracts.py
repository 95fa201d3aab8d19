"""Every connector's demo contract extracts from the sample server and normalizes cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from tangerang_hub.contracts import load_contract
from tangerang_hub.normalize import normalize
from tangerang_hub.sources import get_hook

DATASETS = Path(__file__).resolve().parents[3] / "schemas" / "datasets"
EXPECTED_ROWS = {
    "bps-penduduk-kecamatan": 13 * 6,
    "bmkg-gempa-terkini": 15,
    "aspirasi-rekap-kategori": 12 * 13 * 10,
    "dlh-volume-sampah-kecamatan": 13,
    "satudata-ipm-kabupaten-kota-banten": 8 * 6,
}


@pytest.mark.parametrize("dataset", sorted(EXPECTED_ROWS))
def test_contract_extracts_and_normalizes(
    dataset: str, agency: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_INBOX_ARCHIVE", str(tmp_path))
    contract = load_contract(DATASETS / f"{dataset}.yaml")
    assert contract.sample and contract.source.conn_id == "agency_sample"
    table = normalize(get_hook(contract.source).fetch(), contract)
    assert table.num_rows == EXPECTED_ROWS[dataset]
    assert table.column_names == [f.name for f in contract.fields]
    for name in contract.primary_key:
        assert table.column(name).null_count == 0


def test_forecast_contract_covers_every_kelurahan(agency: str) -> None:
    contract = load_contract(DATASETS / "bmkg-prakiraan-cuaca-kelurahan.yaml")
    table = normalize(get_hook(contract.source).fetch(), contract)
    assert len(set(table.column("kelurahan").to_pylist())) == 104
    assert table.num_rows % 104 == 0
    assert str(table.schema.field("waktu_lokal").type).startswith("timestamp")
