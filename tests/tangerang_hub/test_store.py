"""The store tasks hand files through (tangerang_hub.store): references, checksums, privacy."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import fsspec
import pytest

from tangerang_hub import pipeline
from tangerang_hub import workdir as layout
from tangerang_hub.contracts import get_contract
from tangerang_hub.stage import StagedBatch, read_staged
from tangerang_hub.store import STORE_ENV, Store, StoreError

SAMPLE = Path(__file__).resolve().parents[2] / "stack/sample_agency/data/dinkes/fasyankes.csv"


@pytest.fixture
def memory_store():
    """A store that is not a local folder (fsspec's in-memory file system), as S3 would be."""
    store = Store(f"memory://hub-{uuid.uuid4().hex[:8]}")
    yield store
    fs, root = fsspec.core.url_to_fs(store.url)
    if fs.exists(root):
        fs.rm(root, recursive=True)


def test_a_file_pushed_in_one_workdir_is_pulled_into_another_with_its_sha256(tmp_path):
    store = Store((tmp_path / "store").as_uri())
    first, second = tmp_path / "task-1", tmp_path / "task-2"
    made = first / "staging" / "x" / "a.csv"
    made.parent.mkdir(parents=True)
    made.write_bytes(b"a,b\n1,2\n")

    ref = store.push(first, made)

    assert ref["url"] == f"{store.url}/staging/x/a.csv" and len(ref["sha256"]) == 64
    assert (tmp_path / "store" / "staging" / "x" / "a.csv").read_bytes() == b"a,b\n1,2\n"
    pulled = store.pull(second, json.loads(json.dumps(ref)))
    assert pulled == second / "staging" / "x" / "a.csv"
    assert pulled.read_bytes() == b"a,b\n1,2\n"


def test_a_file_changed_in_the_store_is_refused_and_not_left_behind(tmp_path):
    store = Store(str(tmp_path / "store"))
    made = tmp_path / "task-1" / "raw" / "x" / "r" / "data.csv"
    made.parent.mkdir(parents=True)
    made.write_bytes(b"asli")
    ref = store.push(tmp_path / "task-1", made)
    (tmp_path / "store" / "raw" / "x" / "r" / "data.csv").write_bytes(b"diubah")

    with pytest.raises(StoreError, match="sha256"):
        store.pull(tmp_path / "task-2", ref)
    assert not list((tmp_path / "task-2").rglob("*data.csv*"))


def test_a_reference_outside_the_store_or_missing_from_it_is_refused(tmp_path, memory_store):
    with pytest.raises(StoreError, match="not in the store"):
        memory_store.pull(tmp_path, {"url": "memory://elsewhere/x.csv", "sha256": "0" * 64})
    with pytest.raises(StoreError, match="missing"):
        memory_store.pull(tmp_path, {"url": f"{memory_store.url}/x.csv", "sha256": "0" * 64})


def test_raw_and_quarantine_stay_private_in_a_local_store(tmp_path):
    store = Store(str(tmp_path / "store"))
    for top in ("raw", "quarantine", "docs"):
        made = tmp_path / "task" / top / "fasyankes" / "r1" / "f.csv"
        made.parent.mkdir(parents=True)
        made.write_bytes(b"x")
        store.push(tmp_path / "task", made)
    modes = {
        top: (tmp_path / "store" / top / "fasyankes" / "r1").stat().st_mode & 0o777
        for top in ("raw", "quarantine", "docs")
    }
    assert modes["raw"] == modes["quarantine"] == 0o700
    assert (tmp_path / "store" / "raw").stat().st_mode & 0o777 == 0o700


def test_a_store_that_is_the_workdir_copies_nothing(tmp_path):
    """`hub run`: the workdir is the store, so its files stay where they are."""
    store = Store(str(tmp_path))
    made = tmp_path / "staging" / "x" / "a.csv"
    made.parent.mkdir(parents=True)
    made.write_bytes(b"a\n")
    before = made.stat().st_mtime_ns

    ref = store.push(tmp_path, made)

    assert store.pull(tmp_path, ref) == made and made.stat().st_mtime_ns == before
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.csv", "staging", "x"]


def test_the_store_is_hub_store_url_else_the_workdir(tmp_path, monkeypatch):
    monkeypatch.delenv(STORE_ENV, raising=False)
    monkeypatch.setenv("HUB_WORKDIR", str(tmp_path / "hub"))
    assert Store.from_env().local_root == tmp_path / "hub"
    monkeypatch.setenv(STORE_ENV, "s3://satudata-hub/hub/")
    assert Store.from_env().url == "s3://satudata-hub/hub" and Store.from_env().local_root is None


def test_tasks_in_three_workdirs_hand_a_batch_on_through_a_remote_store(tmp_path, memory_store):
    """extract, normalize and validate each in a workdir of its own, as on three workers:
    between them only JSON references, and each input checked against its sha256."""
    contract = get_contract("fasyankes")
    one, two, three = (tmp_path / name for name in ("extract", "normalize", "validate"))

    raw = pipeline.extract_step(contract, workdir=one, run_id="r", source_file=SAMPLE)
    shared_raw = json.loads(json.dumps(memory_store.share_raw(one, raw)))
    assert "path" not in shared_raw and shared_raw["file"]["url"].startswith(memory_store.url)
    assert shared_raw["fingerprint"] == raw["fingerprint"]

    local_raw = memory_store.local_raw(two, shared_raw)
    assert Path(local_raw["path"]).read_bytes() == SAMPLE.read_bytes()
    staged = pipeline.normalize_step(contract, local_raw, workdir=two, run_id="r")
    shared_staged = json.loads(json.dumps(memory_store.share_staged(two, staged)))
    assert shared_staged["parquet"]["sha256"] == staged["sha256"]
    assert str(tmp_path) not in json.dumps([shared_raw, shared_staged])

    local_staged = memory_store.local_staged(three, shared_staged)
    assert read_staged(StagedBatch.from_dict(local_staged)).equals(
        read_staged(StagedBatch.from_dict(staged))
    )
    gate = pipeline.validate_step(
        contract,
        local_staged,
        workdir=three,
        run_id="r",
        raw=memory_store.local_raw(three, shared_raw),
    )
    assert gate["success"]
    docs = layout.docs_dir(three, contract.id, "r")
    memory_store.push_tree(three, docs, replace=True)
    reader = tmp_path / "report"
    memory_store.pull_tree(reader, layout.docs_dir(reader, contract.id, "r"))
    assert layout.docs_page(reader, contract.id, "r") is not None


def test_old_raw_batches_are_pruned_from_a_remote_store(tmp_path, memory_store):
    from datetime import timedelta

    for run in ("lama", "baru"):
        made = tmp_path / "raw" / "x" / run / "f.csv"
        made.parent.mkdir(parents=True)
        made.write_bytes(run.encode())
        memory_store.push(tmp_path, made)
    fs, root = fsspec.core.url_to_fs(memory_store.url)
    fs.store[f"{root}/raw/x/lama/f.csv"].created -= timedelta(days=31)

    assert memory_store.prune("raw/x", None) == []  # 0 days: kept for ever
    removed = memory_store.prune("raw/x", 30)

    assert removed == ["raw/x/lama"]
    assert fs.exists(f"{root}/raw/x/baru/f.csv") and not fs.exists(f"{root}/raw/x/lama")


def test_the_quality_score_reads_a_staged_table_another_worker_published(tmp_path, memory_store):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tangerang_hub.catalog_score import staged_table

    contract = get_contract("fasyankes")
    sha = "ab" * 32
    publisher, scorer = tmp_path / "worker-1", tmp_path / "worker-2"
    parquet, _ = layout.staged_paths(publisher, contract.id, sha)
    parquet.parent.mkdir(parents=True)
    pq.write_table(pa.table({"nama": ["Puskesmas Cibodas", None]}), parquet)
    memory_store.push(publisher, parquet)

    table = staged_table(contract, sha, scorer, memory_store)
    assert table is not None and table.column("nama").null_count == 1
    assert staged_table(contract, "cd" * 32, scorer, memory_store) is None
