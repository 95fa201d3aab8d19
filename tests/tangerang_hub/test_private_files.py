"""Raw, quarantine and inbox-archive folders may hold personal data: 0700, with retention."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from tangerang_hub import pipeline
from tangerang_hub import workdir as layout
from tangerang_hub.contracts import get_contract
from tangerang_hub.sources.excel import archive

SAMPLE = Path(__file__).resolve().parents[2] / "stack/sample_agency/data/dinkes/fasyankes.csv"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_raw_batches_are_owner_only(tmp_path: Path) -> None:
    contract = get_contract("fasyankes")
    raw = pipeline.extract_step(contract, workdir=tmp_path, run_id="r1", source_file=SAMPLE)
    saved = Path(raw["path"])
    for level in (tmp_path / "raw", tmp_path / "raw" / "fasyankes", saved.parent):
        assert mode(level) == 0o700, level


def test_a_quarantined_batch_is_owner_only(tmp_path: Path) -> None:
    contract = get_contract("fasyankes")
    raw = pipeline.extract_step(contract, workdir=tmp_path, run_id="q", source_file=SAMPLE)
    folder = pipeline.quarantine(raw, contract, "q", tmp_path, [], "empty", {})
    assert mode(tmp_path / "quarantine") == 0o700
    assert mode(folder) == 0o700 and (folder / "raw").is_dir()


def test_an_existing_world_readable_folder_is_narrowed(tmp_path: Path) -> None:
    root = tmp_path / "raw"
    root.mkdir(mode=0o755)
    os.chmod(root, 0o755)
    layout.private_folder(root / "a" / "b", root)
    assert mode(root) == mode(root / "a") == mode(root / "a" / "b") == 0o700


def test_inbox_archive_is_owner_only_and_pruned(tmp_path: Path, monkeypatch) -> None:
    archived_dir = tmp_path / "archive"
    _, old = archive(b"old", "lama.xlsx", archived_dir)
    long_ago_archived = time.time() - 40 * 86400
    os.utime(old, (long_ago_archived, long_ago_archived))
    monkeypatch.setenv(layout.RETENTION_ENV, "30")
    _, new = archive(b"new", "baru.xlsx", archived_dir)
    assert mode(archived_dir) == 0o700
    assert new.exists() and not old.exists()


def test_old_raw_batches_are_removed_when_the_dataset_runs_again(tmp_path, monkeypatch) -> None:
    contract = get_contract("fasyankes")
    first = Path(
        pipeline.extract_step(contract, workdir=tmp_path, run_id="old", source_file=SAMPLE)["path"]
    )
    long_ago = time.time() - 31 * 86400
    os.utime(first.parent, (long_ago, long_ago))
    monkeypatch.setenv(layout.RETENTION_ENV, "30")
    pipeline.extract_step(contract, workdir=tmp_path, run_id="new", source_file=SAMPLE)
    assert not first.parent.exists()
    monkeypatch.setenv(layout.RETENTION_ENV, "0")  # 0 keeps everything
    assert layout.retention_days() is None


def test_a_bad_retention_setting_is_named(monkeypatch) -> None:
    monkeypatch.setenv(layout.RETENTION_ENV, "sebulan")
    with pytest.raises(ValueError, match="HUB_RAW_RETENTION_DAYS"):
        layout.retention_days()
