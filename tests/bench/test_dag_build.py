"""The 200 contracts the DAG-build benchmark parses are valid contracts under their own ids."""

from __future__ import annotations

from bench.dag_build import ANCHOR_DAGS, contract_copies, write_anchor
from tangerang_hub.contracts import get_contract, load_contract


def test_contract_copies_are_valid_and_distinct(tmp_path):
    paths = contract_copies(5, tmp_path)
    contracts = [load_contract(path) for path in paths]
    assert [c.id for c in contracts] == [f"bench-dag-{i:03d}" for i in range(5)]
    assert [p.stem for p in paths] == [c.id for c in contracts]
    template = get_contract("fasyankes")
    assert all(c.fields == template.fields for c in contracts)


def test_anchor_file_is_written(tmp_path):
    path = write_anchor(tmp_path)
    assert path.read_text() == ANCHOR_DAGS
    compile(ANCHOR_DAGS, str(path), "exec")
