"""The workdir layout: where a run's files live (docs/ARCHITECTURE.md, "Runs, state and files").

`workdir` is `$HUB_WORKDIR` (var/hub for the demo, var/hub-test for tests):

    raw/<dataset>/<run>/                  what the source returned, before anything else
    staging/<dataset>/<sha256>.parquet    content-addressed normalized data (and .csv)
    quarantine/<dataset>/<run>/           a rejected batch: raw/, report.json, its Data Docs
    docs/<dataset>/<run>/validasi.html    the run's GX Data Docs (and the whole site)
    state/<dataset>.json                  the source's validators from the last good run
    quality/<run>/skor-kualitas-data.csv  the catalog-wide score table handed to the pipeline

Run ids become one path segment each (`safe_run_id`). Only paths are computed here, plus
`write_json`, the atomic JSON write every file above uses.
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


def quality_dir(workdir: Path, run_id: str) -> Path:
    """Where the catalog-wide score run writes the score table it publishes."""
    return Path(workdir) / "quality" / safe_run_id(run_id)


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write `data` as UTF-8 JSON through a temporary file, so readers never see half of it."""
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)
