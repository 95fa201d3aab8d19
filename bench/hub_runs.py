"""The hub's own path: its engine stages alone, and whole runs into the CKAN test site.

- `engine_stages`: normalize (reading the file included), staging (Parquet + CSV + sha256,
  into an empty folder so it really writes) and the gate (`tangerang_hub.validate.validate`,
  GX and every check, with Data Docs), each timed alone on the generated agency file.
- `hub_run`: `tangerang_hub.pipeline.run` with ``source_file`` (what ``hub run --source-file``
  does) as the bot, on a fresh copy of the fasyankes contract (``bench-hub-<random>``) and a
  fresh work folder, timed until `ckan_loads.searchable`. Then the same run again, unchanged
  (the source fingerprint skips normalize, the gate and the upload): its time, the file bytes
  the client uploaded and the actions it called. The dataset is purged afterwards, once its
  search indexes are built (the next run must not share the machine with that build).

The phases of a run are read from its progress messages (extract, normalize + stage, gate,
publish + report), the loader's own steps from ``tangerang_datastore_load_status``.
"""

from __future__ import annotations

import shutil
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.ckan_loads import CountingClient, cleanup, wait_indexes, wait_searchable
from bench.timing import stopwatch
from tangerang_hub import pipeline
from tangerang_hub.ckan_client import CkanClient
from tangerang_hub.contracts import Contract
from tangerang_hub.normalize import normalize
from tangerang_hub.read import file_batch
from tangerang_hub.stage import StagedBatch, read_staged, stage
from tangerang_hub.validate import validate

# The first words of `pipeline.run`'s progress messages, in order, and the phase each opens.
PHASES = (
    ("mengambil data", "extract"),
    ("normalisasi", "normalize_stage"),
    ("validasi", "gate"),
    ("publikasi", "publish_report"),
)


def engine_stages(
    contract: Contract, raw_path: Path, work: Path
) -> tuple[dict[str, float], StagedBatch]:
    """Seconds of normalize, stage and gate on `raw_path` (one repetition), and the staged
    batch (its CSV is the file the DataStore benchmarks load)."""
    with stopwatch() as elapsed:
        table = pipeline.mask_personal_data(normalize(file_batch(raw_path), contract), contract)
        normalize_s = elapsed()
    root = work / f"stage-{uuid.uuid4().hex[:8]}"
    with stopwatch() as elapsed:
        staged = stage(table, contract, root)
        stage_s = elapsed()
    del table
    staged_table = read_staged(staged)
    docs = root / "docs"
    docs.mkdir(parents=True)
    with stopwatch() as elapsed:
        gate = validate(staged_table, contract, data_docs_dir=docs)
        gate_s = elapsed()
    if not gate.success:
        raise RuntimeError(f"the gate rejected the benchmark data: {gate.blocking[:3]}")
    if staged.rows != _rows_of(raw_path):
        raise RuntimeError(f"normalize kept {staged.rows} rows of {_rows_of(raw_path)}")
    return {"normalize": normalize_s, "stage": stage_s, "gate": gate_s}, staged


def _rows_of(raw_path: Path) -> int:
    with raw_path.open("rb") as fh:
        return sum(1 for _ in fh) - 1  # the generator writes one line per row


class ProgressClock:
    """`pipeline.run`'s progress callback that notes when each phase began."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.marks: list[tuple[str, float]] = []

    def __call__(self, message: str) -> None:
        text = message.split("] ", 1)[-1]
        for prefix, phase in PHASES:
            if text.startswith(prefix):
                self.marks.append((phase, time.perf_counter() - self.started))

    def phases(self, total: float) -> dict[str, float]:
        ends = [at for _, at in self.marks[1:]] + [total]
        return {
            phase: round(end - at, 3) for (phase, at), end in zip(self.marks, ends, strict=True)
        }


def hub_run(
    contract: Contract,
    raw_path: Path,
    rows: int,
    code: str,
    *,
    ckan_url: str,
    bot_token: str,
    site: CkanClient,
    work: Path,
    storage: Path | None,
    timeout: float,
    label: str,
) -> dict[str, Any]:
    """One full run and one unchanged re-run of a fresh dataset (see the module docstring)."""
    copy = replace(contract, id=f"bench-hub-{uuid.uuid4().hex[:10]}")
    workdir = work / copy.id
    client = CountingClient(ckan_url, bot_token, timeout=timeout)
    try:
        clock = ProgressClock()
        with stopwatch() as elapsed:
            report = pipeline.run(
                copy,
                client=client,
                source_file=raw_path,
                workdir=workdir,
                run_id=f"{label}-full",
                progress=clock,
            )
            if report.status != "published" or report.rows != rows:
                raise RuntimeError(
                    f"hub run {report.status} ({report.rows} rows): {report.message}; "
                    f"its load: {_last_load(client, copy.id)}"
                )
            resource_id = report.resource_ids[0]
            wait_searchable(client, resource_id, rows, code, timeout)
            full_s = elapsed()
        full_bytes = client.file_bytes
        loader = client.call("tangerang_datastore_load_status", resource_id=resource_id)
        client.reset()
        with stopwatch() as elapsed:
            again = pipeline.run(
                copy,
                client=client,
                source_file=raw_path,
                workdir=workdir,
                run_id=f"{label}-again",
            )
            again_s = elapsed()
        # The search indexes are still being built in the worker. Left to it, the purge's
        # `datastore_delete` gives up waiting for them and the build goes on in the next
        # run's time: the next run's figures then measure two loads at once.
        wait_indexes(client, resource_id, timeout)
        if again.status != "unchanged":
            raise RuntimeError(f"the unchanged re-run was {again.status}: {again.message}")
        return {
            "full_s": full_s,
            "phases": clock.phases(full_s),
            "loader_timings": loader.get("timings"),
            "full_file_bytes": full_bytes,
            "unchanged_s": again_s,
            "unchanged_file_bytes": client.file_bytes,
            "unchanged_actions": list(client.actions),
        }
    finally:
        cleanup(site, copy.id, storage)
        shutil.rmtree(workdir, ignore_errors=True)


def _last_load(client: CkanClient, dataset_id: str) -> dict[str, Any] | None:
    """The latest loader status of the dataset's CSV resource (what a failed run left), for
    the error message; None when there is none."""
    try:
        package = client.call("package_show", id=dataset_id)
        csv = next(r for r in package["resources"] if r.get("format") == "CSV")
        status = client.call("tangerang_datastore_load_status", resource_id=csv["id"])
    except Exception:  # noqa: BLE001 - only a diagnostic
        return None
    keys = ("status", "indexes", "rows", "timings", "created", "started_at", "finished_at")
    return {key: status.get(key) for key in keys}
