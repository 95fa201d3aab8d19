"""`hub`: check contracts, list datasets, run a dataset, scan files for personal data.

Exit codes of `hub run`: 0 published or unchanged, 2 rejected (nothing published), 1 error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from tangerang_hub import messages
from tangerang_hub.contracts import (
    ContractError,
    UnknownDatasetError,
    contract_files,
    contracts_dir,
    get_contract,
    load_contract,
    load_contracts,
)
from tangerang_quality.texts import error_text

EXIT_OK, EXIT_ERROR, EXIT_REJECTED = 0, 1, 2
CKAN_CONN_ID = "ckan_default"

ClientFactory = Callable[[], Any]
# `pipeline.run`'s signature; a test passes `run` with stand-in stages.
RunPipeline = Callable[..., Any]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hub", description="Kota Tangerang open-data hub: dataset contracts and pipeline runs."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    contracts = sub.add_parser("contracts", help="dataset contracts")
    contracts_sub = contracts.add_subparsers(dest="contracts_command", required=True)
    check = contracts_sub.add_parser("check", help="check contracts against the schema")
    check.add_argument(
        "paths", nargs="*", type=Path, help="contract files or folders (default: all contracts)"
    )

    sub.add_parser("list", help="list datasets")

    run = sub.add_parser("run", help="run one dataset through the pipeline")
    run.add_argument("dataset_id")
    run.add_argument("--source-file", type=Path, help="read this file instead of the source")
    run.add_argument("--dry-run", action="store_true", help="validate only; publish nothing")
    run.add_argument(
        "--accept-shrink",
        action="store_true",
        help="publish even an empty batch or one much smaller than the published version "
        "(the shrink guard), on purpose; the run report records it",
    )
    run.add_argument("--json", action="store_true", help="print the run report as JSON")
    run.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="staging and quarantine folder (default: $HUB_WORKDIR or var/hub)",
    )
    run.add_argument("--run-id", help="run identifier (default: manual__<UTC time>)")

    scan = sub.add_parser("scan", help="scan files for personal data, read as a run reads them")
    scan.add_argument("paths", nargs="*", help="see `hub scan --help`")
    sub.add_parser("quality", help="rescore the catalog and publish skor-kualitas-data")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    client_factory: ClientFactory | None = None,
    run_pipeline: RunPipeline | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    if argv is None:  # the console script: the local stack's settings (local_settings.py)
        from tangerang_hub import local_settings

        local_settings.load()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["scan"]:
        # everything after `scan` belongs to the scan's own parser, options included
        from tangerang_hub.scan import main as scan_main

        return scan_main(argv[1:])
    if argv[:1] == ["quality"]:
        # rescore every published dataset and publish the score table, without Airflow
        from tangerang_hub.catalog_score import main as quality_main
        from tangerang_hub.ckan_client import CkanClient

        return quality_main(argv[1:], client_factory=client_factory or CkanClient.from_connection)
    args = build_parser().parse_args(argv)
    if args.command == "contracts":
        return check_contracts(args.paths, out, err)
    if args.command == "list":
        return list_datasets(out, err)
    if args.command == "run":
        from tangerang_hub.ckan_client import CkanClient

        factory = client_factory or CkanClient.from_connection
        return run_dataset(args, factory, out, err, run_pipeline)
    return EXIT_ERROR  # pragma: no cover - argparse requires a command


def check_contracts(paths: Sequence[Path], out: TextIO, err: TextIO) -> int:
    files: list[Path] = []
    for path in paths or [contracts_dir()]:
        files.extend(contract_files(path) if path.is_dir() else [path])
    lang = messages.language()
    if not files:
        where = ", ".join(map(str, paths or [contracts_dir()]))
        print(WORDS[lang]["no_contracts"].format(where=where), file=err)
        return EXIT_ERROR
    failures, ids = 0, {}
    for path in files:
        try:
            contract = load_contract(path)
        except ContractError as exc:
            failures += 1
            print(f"{WORDS[lang]['fail']} {error_text(exc, lang)}", file=err)
            continue
        if contract.id in ids:
            failures += 1
            again = WORDS[lang]["duplicate_id"].format(id=repr(contract.id), other=ids[contract.id])
            print(f"{WORDS[lang]['fail']} {path}: id: {again}", file=err)
            continue
        ids[contract.id] = path
        print(f"ok   {path}", file=out)
    total = WORDS[lang]["contracts_ok"].format(ok=len(files) - failures, all=len(files))
    print(total, file=err if failures else out)
    return EXIT_ERROR if failures else EXIT_OK


def list_datasets(out: TextIO, err: TextIO) -> int:
    lang = messages.language()
    try:
        contracts = load_contracts()
    except ContractError as exc:
        print(f"{WORDS[lang]['failed']}: {error_text(exc, lang)}", file=err)
        return EXIT_ERROR
    rows = [WORDS[lang]["list_header"]]
    rows += [
        (c.id, c.producer, ",".join(c.dimensions), c.frequency, c.source.type) for c in contracts
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip(), file=out)
    return EXIT_OK


def run_dataset(
    args: argparse.Namespace,
    client_factory: ClientFactory,
    out: TextIO,
    err: TextIO,
    run_pipeline: RunPipeline | None = None,
) -> int:
    from tangerang_hub.pipeline import run
    from tangerang_hub.workdir import default_workdir

    lang = messages.language()
    try:
        contract = get_contract(args.dataset_id)
    except (ContractError, UnknownDatasetError) as exc:
        print(f"{WORDS[lang]['failed']}: {error_text(exc, lang)}", file=err)
        return EXIT_ERROR
    client = None
    if not args.dry_run:
        try:
            client = client_factory()
        except Exception as exc:  # noqa: BLE001 - any configuration problem is reported plainly
            error = error_text(exc, lang)
            text = WORDS[lang]["no_ckan"].format(conn=CKAN_CONN_ID, error=error)
            print(f"{WORDS[lang]['failed']}: {text}", file=err)
            return EXIT_ERROR
    run_id = args.run_id or "manual__" + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")

    def progress(message: str) -> None:
        print(message, file=err, flush=True)

    report = (run_pipeline or run)(
        contract,
        client=client,
        source_file=args.source_file,
        dry_run=args.dry_run,
        workdir=args.workdir or default_workdir(),
        run_id=run_id,
        progress=progress,
        accept_shrink=args.accept_shrink,
    )
    if args.json:
        json.dump(report.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        _print_summary(report, out)
    if report.ok:
        return EXIT_OK
    return EXIT_REJECTED if report.status == "rejected" else EXIT_ERROR


# What the command prints for people (a run's summary, contract checks, the list, errors),
# Bahasa Indonesia first; HUB_LANG=en gives English.
WORDS: dict[str, dict[str, Any]] = {
    "id": {
        "rows": "baris", "package": "dataset", "resources": "sumber daya", "error": "GALAT",
        "warn": "PERINGATAN", "more": "{n} lagi (lihat report.json)", "quarantine": "karantina",
        "failed": "galat", "fail": "GAGAL",
        "no_contracts": "tidak ada berkas kontrak di {where}",
        "duplicate_id": "{id} juga dipakai oleh {other}",
        "contracts_ok": "{ok}/{all} kontrak valid",
        "list_header": ("ID", "PRODUSEN", "DIMENSI", "FREKUENSI", "SUMBER"),
        "no_ckan": "tidak dapat terhubung ke CKAN ({conn}): {error}",
    },
    "en": {
        "rows": "rows", "package": "package", "resources": "resources", "error": "ERROR",
        "warn": "WARN", "more": "{n} more (see report.json)", "quarantine": "quarantine",
        "failed": "error", "fail": "FAIL",
        "no_contracts": "no contract files found in {where}",
        "duplicate_id": "{id} is also used by {other}",
        "contracts_ok": "{ok}/{all} contracts ok",
        "list_header": ("ID", "PRODUCER", "DIMENSIONS", "FREQUENCY", "SOURCE"),
        "no_ckan": "cannot connect to CKAN ({conn}): {error}",
    },
}  # fmt: skip


def _print_summary(report: Any, out: TextIO) -> None:
    from tangerang_hub.run_report import status_label

    lang = messages.language()
    words = WORDS[lang]
    message = report.text(lang)
    print(f"{report.dataset}: {status_label(report.status, lang)} — {message}", file=out)
    if report.rows is not None:
        print(f"  {words['rows']}: {report.rows}  sha256: {report.sha256}", file=out)
    if report.package_id:
        resources = f"{words['resources']}: {', '.join(report.resource_ids)}"
        print(f"  {words['package']}: {report.package_id}  {resources}", file=out)
    for problem in report.problems[:50]:
        print(f"  {words['error']} {problem.describe(lang)}", file=out)
    if len(report.problems) > 50:
        print(f"  ... {words['more'].format(n=len(report.problems) - 50)}", file=out)
    for problem in report.warnings[:20]:
        print(f"  {words['warn']} {problem.describe(lang)}", file=out)
    if report.quarantine_path:
        print(f"  {words['quarantine']}: {report.quarantine_path}", file=out)


if __name__ == "__main__":
    sys.exit(main())
