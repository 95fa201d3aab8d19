"""The workdir layout: where a run's files live (docs/ARCHITECTURE.md, "Runs, state and files").

`workdir` is `$HUB_WORKDIR` (var/hub for the demo, var/hub-test for tests):

    raw/<dataset>/<run>/                  what the source returned, before anything else
    staging/<dataset>/<sha256>.parquet    content-addressed normalized data (and .csv)
    quarantine/<dataset>/<run>/           a rejected batch: raw/, report.json, its Data Docs
    docs/<dataset>/<run>/validasi.html    the run's GX Data Docs (and the whole site)
    state/<dataset>.json                  the source's validators from the last good run
    quality/<run>/skor-kualitas-data.csv  the catalog-wide score table handed to the pipeline
    alerts/<dataset>.json                 the dataset's open alert incidents (tangerang_hub.alerts)

In Airflow each task has a temporary workdir of its own, and the shared store
(`tangerang_hub.store`, ``$HUB_STORE_URL``) holds this same layout for every worker; unset, the
store is the workdir itself.

Run ids become one path segment each (`safe_run_id`). Only paths are computed here, plus
`write_json`, the atomic JSON write every file above uses, and the rules for the folders that
may hold personal data: raw/ and quarantine/ are 0700 (`private_folder`), and raw batches older
than ``$HUB_RAW_RETENTION_DAYS`` (default 30) are removed when the dataset runs again (`prune`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tangerang_quality.data_docs import PAGE_NAME

REPO_ROOT = Path(__file__).resolve().parents[2]


def default_workdir() -> Path:
    """$HUB_WORKDIR, else var/hub in the checkout."""
    configured = os.environ.get("HUB_WORKDIR")
    if configured:
        return Path(configured)
    return REPO_ROOT / "var" / "hub"


def safe_run_id(run_id: str) -> str:
    """`run_id` as one path segment: anything but letters, digits and `-_.+` becomes `_`."""
    return "".join(c if c.isalnum() or c in "-_.+" else "_" for c in run_id)


def raw_dir(workdir: Path, dataset: str, run_id: str) -> Path:
    return Path(workdir) / "raw" / dataset / safe_run_id(run_id)


def staging_root(workdir: Path) -> Path:
    """Root handed to `stage.stage`, which adds `<dataset>/<sha256>.parquet|.csv`."""
    return Path(workdir) / "staging"


def staged_paths(workdir: Path, dataset: str, sha256: str) -> tuple[Path, Path]:
    """The staged Parquet and CSV of one normalized batch."""
    folder = staging_root(workdir) / dataset
    return folder / f"{sha256}.parquet", folder / f"{sha256}.csv"


def quarantine_dir(workdir: Path, dataset: str, run_id: str) -> Path:
    return Path(workdir) / "quarantine" / dataset / safe_run_id(run_id)


def docs_dir(workdir: Path, dataset: str, run_id: str) -> Path:
    """Where the run's GX Data Docs site and its one-page `validasi.html` are built."""
    return Path(workdir) / "docs" / dataset / safe_run_id(run_id)


def docs_page(workdir: Path, dataset: str, run_id: str) -> Path | None:
    """The run's one-page Data Docs, when validation built it."""
    page = docs_dir(workdir, dataset, run_id) / PAGE_NAME
    return page if page.is_file() else None


def state_path(workdir: Path, dataset: str) -> Path:
    return Path(workdir) / "state" / f"{dataset}.json"


def alerts_path(workdir: Path, dataset: str) -> Path:
    """The open alert incidents of a dataset, one per kind (`tangerang_hub.alerts`)."""
    return Path(workdir) / "alerts" / f"{dataset}.json"


def quality_dir(workdir: Path, run_id: str) -> Path:
    """Where the catalog-wide score run writes the score table it publishes."""
    return Path(workdir) / "quality" / safe_run_id(run_id)


# Raw batches, quarantined batches and the inbox archive may hold personal data that the gate
# refused: only the hub's own user may read them.
PRIVATE_MODE = 0o700
RETENTION_ENV = "HUB_RAW_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 30


def private_folder(folder: Path, root: Path) -> Path:
    """Create `folder` (under `root`) with every level from `root` down mode 0700; an existing
    level is narrowed to 0700 too. Returns `folder`."""
    root, folder = Path(root), Path(folder)
    levels = [folder, *folder.parents]
    chain = [level for level in levels if level == root or root in level.parents]
    for level in reversed(chain):
        level.mkdir(mode=PRIVATE_MODE, parents=True, exist_ok=True)
        if level.stat().st_mode & 0o777 != PRIVATE_MODE:
            level.chmod(PRIVATE_MODE)
    return folder


def retention_days() -> int | None:
    """Days raw batches and archived inbox files are kept (``$HUB_RAW_RETENTION_DAYS``,
    default 30); 0 keeps them for ever."""
    value = os.environ.get(RETENTION_ENV, str(DEFAULT_RETENTION_DAYS)).strip()
    try:
        days = int(value)
    except ValueError:
        raise ValueError(f"{RETENTION_ENV} must be a whole number of days, not {value!r}") from None
    return days or None


def prune(folder: Path, days: int | None, *, now: float | None = None) -> list[Path]:
    """Delete the entries of `folder` last modified more than `days` ago; returns them.
    Quarantine is never pruned here: a steward decides about a rejected batch."""
    import shutil
    import time

    folder = Path(folder)
    if days is None or not folder.is_dir():
        return []
    cutoff = (time.time() if now is None else now) - days * 86400
    removed = []
    for entry in folder.iterdir():
        if entry.stat().st_mtime < cutoff:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
            removed.append(entry)
    return removed


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write `data` as UTF-8 JSON through a temporary file, so readers never see half of it."""
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)
