"""Catalog-wide quality score: rescore every published dataset, publish the score table.

The engine's orchestration around the quality library's pure score (`tangerang_quality.score`).
What the daily DAG `hub_quality_score` (dags/quality_dag.py) and `hub quality` run:

1. For every contract whose dataset is published (active, with a sha256), read the dataset from
   CKAN (`package_show`) and recompute its score at `now` (freshness changes daily):
   - validity from the statistics of the newest published/unchanged run report
     (`tangerang_run_report_list`); when none has any, the gate is run again on the staged
     Parquet when it is present, else validity is 0 ("never validated");
   - completeness from the staged Parquet of the published sha256 when present
     (`workdir/staging/<id>/<sha256>.parquet`, from the shared store when this worker lacks it),
     else from the DataStore table;
   - freshness from `last_run_at` (the last data change) against the contract's frequency;
   - metadata and documentation from the contract; accessibility from the published resources
     (formats, DataStore) and visibility (public API).
2. Store `quality_score`/`quality_grade` on the dataset when they changed (a small
   `package_revise` guarded by `match` on id and sha256).
3. Publish the table of scores as dataset `skor-kualitas-data` through the normal pipeline
   (normalize, stage, validate, publish with CSV, Parquet and DataStore, run report); its
   contract is `schemas/catalog/skor-kualitas-data.yaml` (not in `schemas/datasets/`: it has
   no source of its own, so it gets no DAG of its own).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import logging
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from tangerang_hub import catalog, pipeline
from tangerang_hub import workdir as layout
from tangerang_hub.contracts import (
    SCHEMAS_DIR,
    Contract,
    get_contract,
    load_contract,
    load_contracts,
)
from tangerang_hub.publish import update_score
from tangerang_hub.run_report import OK_STATUSES
from tangerang_hub.stage import StagedBatch, read_staged
from tangerang_hub.store import Store
from tangerang_hub.validate import validate
from tangerang_quality.score import (
    Score,
    compute_score,
    inputs_from_run,
    parse_timestamp,
    stored_matches,
)

SCORE_CONTRACT_PATH = SCHEMAS_DIR / "catalog" / "skor-kualitas-data.yaml"
DIMENSION_COLUMNS = {
    "validity": "validitas",
    "completeness": "kelengkapan",
    "freshness": "kebaruan",
    "metadata": "metadata",
    "accessibility": "aksesibilitas",
    "documentation": "dokumentasi",
}
DATASTORE_PAGE = 10_000

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


def score_contract() -> Contract:
    """The contract of the score table (checked against the contract JSON Schema)."""
    return load_contract(SCORE_CONTRACT_PATH)


PRIVATE_ACCESS = ("terbatas", "tertutup")


def is_public(contract: Contract, package: Mapping[str, Any] | None) -> bool:
    """A dataset may be listed in the public score table only when the contract says
    `terbuka` and CKAN shows it publicly (not `private`, not classified terbatas/tertutup)."""
    if str(contract.access or "").lower() in PRIVATE_ACCESS:
        return False
    if package is None:
        return False
    if package.get("private", False) not in (False, "false", "False", None):
        return False
    return str(package.get("klasifikasi_akses") or "").lower() not in PRIVATE_ACCESS


@dataclass(frozen=True)
class DatasetScore:
    dataset_id: str
    title: str
    producer: str
    score: Score
    computed_at: datetime.datetime
    updated: bool  # the dataset's stored score changed
    public: bool = True  # False: terbatas/tertutup or private in CKAN (never in the table)

    def row(self) -> dict[str, Any]:
        """One row of the score table (column names of `skor-kualitas-data`)."""
        row: dict[str, Any] = {
            "dataset_id": self.dataset_id,
            "judul": self.title,
            "produsen": self.producer,
            "skor": self.score.total,
            "peringkat": self.score.grade,
        }
        for name, column in DIMENSION_COLUMNS.items():
            row[column] = self.score.dimensions.get(name)
        row["dihitung_pada"] = self.computed_at.isoformat()
        return row

    def to_dict(self) -> dict[str, Any]:
        return {**self.row(), "updated": self.updated, "dimensions": self.score.dimensions}


# -- reading what is published -------------------------------------------------------------------


def is_published(package: Mapping[str, Any] | None) -> bool:
    return bool(package and package.get("state") == "active" and package.get("sha256"))


def staged_table(
    contract: Contract, sha256: str, workdir: Path, store: Store | None = None
) -> pa.Table | None:
    """The staged Parquet of the published data: this worker's copy, else the shared store's
    (the publish may have run on another worker); None when neither has it."""
    parquet, csv_path = layout.staged_paths(workdir, contract.id, sha256)
    if (
        not parquet.is_file()
        and (store or Store.from_env()).pull_if_present(workdir, parquet) is None
    ):
        return None
    return read_staged(StagedBatch(sha256, parquet, csv_path, 0))


def datastore_table(client: Any, contract: Contract, package: Mapping[str, Any]) -> pa.Table | None:
    """The contract's columns read from the DataStore (text; enough to count nulls)."""
    resource = next((r for r in package.get("resources", []) if r.get("datastore_active")), None)
    if resource is None:
        return None
    names = [f.name for f in contract.fields]
    columns: dict[str, list[Any]] = {name: [] for name in names}
    offset = 0
    while True:
        page = client.call(
            "datastore_search", resource_id=resource["id"], limit=DATASTORE_PAGE, offset=offset
        )
        records = page.get("records", [])
        for record in records:
            for name in names:
                value = record.get(name)
                columns[name].append(None if value in (None, "") else str(value))
        offset += len(records)
        if not records or offset >= int(page.get("total", 0)):
            break
    present = {name: values for name, values in columns.items() if len(values) == offset}
    return pa.table({name: pa.array(values, type=pa.string()) for name, values in present.items()})


def last_statistics(client: Any, package: Mapping[str, Any]) -> dict[str, Any] | None:
    """Gate statistics of the newest published/unchanged run that has them."""
    reports = client.call("tangerang_run_report_list", package_id=package["id"], limit=20)
    for report in reports:
        stats = ((report.get("validation") or {}).get("statistics")) or {}
        if report.get("status") in OK_STATUSES and stats.get("evaluated_expectations"):
            return dict(stats)
    return None


def _gate_statistics(table: pa.Table, contract: Contract) -> dict[str, Any]:
    return dict(validate(table, contract).statistics)


# -- scoring ---------------------------------------------------------------------------------------


def rescore_dataset(
    client: Any,
    contract: Contract,
    *,
    workdir: Path,
    now: datetime.datetime,
    update: bool = True,
) -> DatasetScore | None:
    """Recompute one dataset's score at `now`; store it when it changed. None: not published."""
    package = client.show_or_none("package_show", id=contract.id)
    if not is_published(package):
        return None
    assert package is not None
    staged = staged_table(contract, package["sha256"], workdir)
    table = staged if staged is not None else datastore_table(client, contract, package)
    stats = last_statistics(client, package)
    if stats is None and staged is not None:
        stats = _gate_statistics(staged, contract)
    inputs = inputs_from_run(
        contract,
        table,
        stats,
        last_changed=parse_timestamp(package.get("last_run_at")),
        period_days=catalog.period_days(contract.frequency),
        sdi_keys=catalog.sdi_keys(),
        now=now,
    )
    resources = package.get("resources", [])
    inputs = replace(
        inputs,
        formats=tuple(str(r.get("format") or "").lower() for r in resources),
        datastore=any(r.get("datastore_active") for r in resources),
        api=not package.get("private", False),
    )
    score = compute_score(inputs)
    changed = not stored_matches(package, score)
    if changed and update:
        update_score(client, package, lambda _last_changed: score)
    organization = package.get("organization") or {}
    return DatasetScore(
        dataset_id=contract.id,
        title=str(package.get("title") or contract.title),
        producer=str(organization.get("name") or contract.producer),
        score=score,
        computed_at=now,
        updated=changed and update,
        public=is_public(contract, package),
    )


def rescore_datasets(
    client: Any,
    contracts: Iterable[Contract],
    *,
    workdir: Path,
    now: datetime.datetime,
    progress: Progress | None = None,
    include_private: bool = False,
) -> list[DatasetScore]:
    """Rescore every contract's published dataset (unpublished ones are left out).

    Private datasets (terbatas/tertutup, or private in CKAN) are scored and their score stored
    on the dataset itself, but they are left out of the returned list (the rows of the public
    table `skor-kualitas-data`) unless `include_private`.
    """
    say = progress or (lambda _message: None)
    scores = []
    for contract in contracts:
        scored = rescore_dataset(client, contract, workdir=workdir, now=now)
        if scored is None:
            say(f"[{contract.id}] belum diterbitkan; dilewati")
            continue
        mark = " (diperbarui)" if scored.updated else ""
        say(f"[{contract.id}] skor {scored.score.total} ({scored.score.grade}){mark}")
        if not scored.public and not include_private:
            say(f"[{contract.id}] tidak publik; tidak dimasukkan ke tabel skor")
            continue
        scores.append(scored)
    return scores


# -- the score table as a dataset ------------------------------------------------------------------


def write_score_csv(rows: Sequence[Mapping[str, Any]], path: Path) -> Path:
    """The score table as a UTF-8 CSV with the contract's column names."""
    columns = [f.name for f in score_contract().fields]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in sorted(rows, key=lambda r: str(r["dataset_id"])):
            writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
    return path


def publish_score_table(
    client: Any,
    rows: Sequence[Mapping[str, Any]],
    *,
    workdir: Path,
    run_id: str,
    progress: Progress | None = None,
) -> Any:
    """Publish the rows (`DatasetScore.row()`) as `skor-kualitas-data` through the pipeline.

    Returns the pipeline's RunReport, or None when there is nothing to publish.
    """
    if not rows:
        return None
    contract = score_contract()
    source = write_score_csv(rows, layout.quality_dir(workdir, run_id) / f"{contract.id}.csv")
    return pipeline.run(
        contract,
        client=client,
        source_file=source,
        workdir=workdir,
        run_id=run_id,
        progress=progress,
    )


# -- `hub quality` ---------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None, *, client_factory: Callable[[], Any]) -> int:
    """`hub quality [--workdir DIR] [--run-id ID] [--no-publish] [DATASET...]`.

    `client_factory` builds the CKAN client (the `hub` command's). Exit 0 when every score was
    stored and the table published (or unchanged), 2 when the table was rejected by
    validation, 1 on any other error.
    """
    parser = argparse.ArgumentParser(prog="hub quality", description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*", help="contract ids (default: every contract)")
    parser.add_argument("--workdir", type=Path, default=None, help="default: $HUB_WORKDIR")
    parser.add_argument("--run-id", help="default: quality__<UTC time>")
    parser.add_argument("--no-publish", action="store_true", help="do not publish the table")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    run_id = args.run_id or f"quality__{now.strftime('%Y%m%dT%H%M%SZ')}"
    workdir = args.workdir or layout.default_workdir()
    try:
        client = client_factory()
        contracts = [get_contract(d) for d in args.datasets] if args.datasets else load_contracts()
        scores = rescore_datasets(client, contracts, workdir=workdir, now=now, progress=print)
        if args.no_publish:
            return 0
        report = publish_score_table(
            client, [s.row() for s in scores], workdir=workdir, run_id=run_id, progress=print
        )
    except Exception as exc:  # noqa: BLE001 - a command line reports, it does not trace
        print(f"hub quality: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if report is None:
        print("hub quality: no published dataset; nothing to publish")
        return 0
    return {"published": 0, "unchanged": 0, "rejected": 2}.get(report.status, 1)
