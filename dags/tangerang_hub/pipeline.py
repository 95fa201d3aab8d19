"""The stages in order: extract -> normalize -> stage -> validate -> publish -> report.

`run()` is what `hub run` calls. The `*_step` functions are the same stages cut so that an
Airflow DAG can run each as its own task, passing only small JSON-able dicts (paths, sha256)
between them. A rejected batch is quarantined in `workdir/quarantine/<dataset>/<run_id>/` with
the raw input, `report.json` and the masked GX result `gx_result.json`; nothing is published.

Privacy: fields with `pii_allowed_reason` are masked (`tangerang_quality.gate.mask_table`)
right after normalizing, before anything is staged, validated or published; the raw input
stays only in `workdir/raw` (and in quarantine for a rejected batch).

Every validation builds GX Data Docs in `workdir/docs/<dataset>/<run_id>/` and one
self-contained page of it, `validasi.html`, which the run report carries to the catalog.
The quality score (`tangerang_quality.score`) is computed at publish time and stored on the
dataset; it is also kept in the run report's statistics under `quality`.

Where files go is `tangerang_hub.workdir`. The stages that reach outside the engine
(`validate`, `publish`, `send_report`) are keyword arguments defaulting to the real ones, so a
test passes stand-ins instead of patching this module. `run` and the DAG's report task
(`report_step`) end a run the same way: `finish_run`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tangerang_hub import messages, shrink_guard, source_state
from tangerang_hub import workdir as layout
from tangerang_hub.contracts import Contract
from tangerang_hub.local_file import error_said
from tangerang_hub.normalize import NormalizeError, normalize
from tangerang_hub.publish import publish as publish_to_ckan
from tangerang_hub.raw_store import RawFiles, load_raw, save_raw
from tangerang_hub.read import file_batch
from tangerang_hub.report import send_report as send_to_catalog
from tangerang_hub.run_report import RunReport, json_safe
from tangerang_hub.sources.base import RawBatch
from tangerang_hub.stage import StagedBatch, read_staged, stage
from tangerang_hub.store import Store, write_json_at
from tangerang_hub.validate import GateSummary, mask_table
from tangerang_hub.validate import validate as validate_batch
from tangerang_hub.workdir import write_json
from tangerang_quality import texts
from tangerang_quality.masking import mask_identifiers
from tangerang_quality.problems import Problem

Progress = Callable[[str], None]
MAX_FAILURE_CHARS = 500
# The stages that reach outside the engine, passed in (tests pass stand-ins):
# validate(table, contract, *, data_docs_dir) -> gate result (success, blocking, warnings, ...)
Validate = Callable[..., Any]
# publish(staged, contract, client, gate, *, run_id, score) -> PublishResult
Publish = Callable[..., Any]
# send_report(client, report) -> the catalog's answer (dict with `report_url`) or None
SendReport = Callable[[Any, RunReport], Any]


class PipelineError(RuntimeError):
    """A run that could not complete for a reason other than bad data (exit 1). `said`
    words it in both languages; `str()` is the English text."""

    def __init__(self, said: texts.Said) -> None:
        self.said = said
        super().__init__(said.render("en"))


class BatchRejected(Exception):
    """Bad data: the batch is quarantined and nothing is published (exit 2).

    `code` and `params` are the message for people (`tangerang_hub.messages`)."""

    def __init__(
        self,
        code: str,
        params: dict[str, Any],
        problems: list[Problem],
        quarantine_path: Path | None,
    ):
        self.code, self.params = code, params
        self.problems = problems
        self.quarantine_path = quarantine_path
        super().__init__(messages.render(code, params))


# --------------------------------------------------------------------------- plain stages


def extract(
    contract: Contract,
    *,
    source_file: Path | None = None,
    state: dict[str, Any] | None = None,
) -> Any:
    """A RawBatch from the contract's source hook, or from a local file.

    `state` is the previous batch's `RawBatch.state` (ETag, watermark) for conditional fetches.
    """
    if source_file is not None:
        return read_source_file(Path(source_file))
    from tangerang_hub.sources import get_hook

    return get_hook(contract.source).fetch(state=state)


def read_source_file(path: Path) -> RawBatch:
    try:
        return file_batch(path)  # the batch `hub scan` reads too
    except OSError as exc:
        raise PipelineError(
            texts.say(
                "berkas sumber {path} tidak dapat dibaca: {error}",
                "cannot read source file {path}: {error}",
                path=path,
                error=error_said(exc),
            )
        ) from exc


def mask_personal_data(table: Any, contract: Contract) -> Any:
    """Mask the fields whose personal data the contract allows with a reason."""
    if not any(f.pii_allowed_reason for f in contract.fields):
        return table
    return mask_table(table, contract)


def score_for(contract: Contract, table: Any, statistics: dict[str, Any]) -> Any:
    """`publish`'s score callback: last data change -> `tangerang_quality.score.Score`."""

    def score(last_changed: datetime | None) -> Any:
        from tangerang_hub import catalog
        from tangerang_quality.score import compute_score, inputs_from_run

        inputs = inputs_from_run(
            contract,
            table,
            statistics,
            last_changed=last_changed,
            period_days=catalog.period_days(contract.frequency),
            sdi_keys=catalog.sdi_keys(),
        )
        return compute_score(inputs)

    return score


# --------------------------------------------------------------------------- quarantine


def quarantine(
    raw: dict[str, Any] | None,
    contract: Contract,
    run_id: str,
    workdir: Path,
    problems: list[Problem],
    code: str,
    params: dict[str, Any],
) -> Path:
    """Copy the raw input into quarantine with a provisional report.json; `code` and
    `params` say why (`tangerang_hub.messages`)."""
    folder = layout.private_folder(
        layout.quarantine_dir(workdir, contract.id, run_id), Path(workdir) / "quarantine"
    )
    if raw is not None and Path(raw["path"]).exists():
        # under raw/, so a source file called report.json is never overwritten
        (folder / "raw").mkdir(exist_ok=True)
        shutil.copy2(raw["path"], folder / "raw" / Path(raw["path"]).name)
    write_json(
        folder / "report.json",
        {
            "dataset": contract.id,
            "run_id": run_id,
            "status": "rejected",
            "message": messages.render(code, params),
            "message_code": code,
            "message_params": params,
            "problems": [p.to_dict() for p in problems],
        },
    )
    return folder


# --------------------------------------------------------------------------- task steps


def extract_step(
    contract: Contract,
    *,
    workdir: Path,
    run_id: str,
    source_file: Path | None = None,
    state: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Fetch and save the raw batch; returns a JSON-able reference (see `save_raw`) with the
    batch's `fingerprint` and `same_as_published`: true when it equals the fingerprint in
    `state` (`source_state.load`), i.e. the catalog already publishes exactly this."""
    batch = extract(contract, source_file=source_file, state=state)
    raw_root = Path(workdir) / "raw"
    layout.prune(raw_root / contract.id, layout.retention_days())
    folder = layout.private_folder(layout.raw_dir(workdir, contract.id, run_id), raw_root)
    if getattr(batch, "not_modified", False):
        return {**save_raw(batch, folder), "source_file": source_file is not None}
    files = RawFiles.of(batch)
    fingerprint = source_state.fingerprint(files, contract)
    same = bool(state) and state.get("fingerprint") == fingerprint
    # The catalog already publishes these bytes: link the copy kept then, don't write them.
    same_as = (state or {}).get("raw_copy") if same else None
    ref = save_raw(batch, folder, files=files, same_as=same_as)
    ref.update(source_file=source_file is not None, fingerprint=fingerprint)
    ref["same_as_published"] = same
    if same:
        ref["published"] = {key: state.get(key) for key in source_state.PUBLISHED_KEYS}
    return ref


def normalize_step(
    contract: Contract, raw: dict[str, Any], *, workdir: Path, run_id: str
) -> dict[str, Any]:
    """Normalize and stage; returns `StagedBatch.to_dict()`. Raises BatchRejected."""
    batch = load_raw(raw)
    try:
        table = normalize(batch, contract)
    except NormalizeError as exc:
        params = {"count": len(exc.problems), "file": batch.filename}
        folder = quarantine(raw, contract, run_id, workdir, exc.problems, "read_problems", params)
        raise BatchRejected("read_problems", params, exc.problems, folder) from exc
    table = mask_personal_data(table, contract)
    return stage(table, contract, layout.staging_root(workdir)).to_dict()


def validate_step(
    contract: Contract,
    staged: dict[str, Any],
    *,
    workdir: Path,
    run_id: str,
    raw: dict[str, Any] | None = None,
    validate: Validate = validate_batch,
) -> dict[str, Any]:
    """Run the quality gate on the staged table; returns `GateSummary.to_dict()`.

    GX Data Docs for the run are (re)built in `workdir.docs_dir(...)`, with the masked GX
    result as `gx_result.json`; a rejected batch gets both copied into its quarantine folder.
    """
    table = read_staged(StagedBatch.from_dict(staged))
    docs = layout.docs_dir(workdir, contract.id, run_id)
    shutil.rmtree(docs, ignore_errors=True)  # a retried task rebuilds one site, not two
    docs.mkdir(parents=True, exist_ok=True)
    result = validate(table, contract, data_docs_dir=docs)
    gx_result = getattr(result, "gx_result", None)
    if gx_result is not None:
        write_json(docs / "gx_result.json", json_safe(gx_result))
    gate = GateSummary.from_gate(result)
    if not gate.success:
        params = {"count": len(gate.blocking)}
        folder = quarantine(
            raw, contract, run_id, workdir, gate.blocking, "blocking_problems", params
        )
        for name in ("gx_result.json", "validasi.html"):
            if (docs / name).is_file():
                shutil.copy2(docs / name, folder / name)
        raise BatchRejected("blocking_problems", params, gate.blocking, folder)
    return gate.to_dict()


def publish_step(
    contract: Contract,
    staged: dict[str, Any],
    gate: dict[str, Any],
    client: Any,
    *,
    workdir: Path,
    run_id: str,
    raw: dict[str, Any] | None = None,
    accept_shrink: bool = False,
    publish: Publish = publish_to_ckan,
) -> dict[str, Any]:
    """Publish (or find unchanged) and store the quality score on the dataset; the score's
    `Score.to_dict()` is returned as `quality` (None when the publisher gave none).

    The shrink guard (`tangerang_hub.shrink_guard`) runs first: an empty or much smaller
    batch raises BatchRejected (quarantined, nothing published) unless `accept_shrink`, in
    which case the result's `shrink_accepted` records what was accepted."""
    batch = StagedBatch.from_dict(staged)
    accepted = _shrink_guard(contract, batch.rows, client, workdir, run_id, raw, accept_shrink)
    summary = GateSummary.from_dict(gate)
    table = read_staged(batch)
    score = score_for(contract, table, summary.statistics)
    result = publish(batch, contract, client, summary, run_id=run_id, score=score)
    return {
        "status": result.status,
        "package_id": result.package_id,
        "resource_ids": list(result.resource_ids),
        "quality": getattr(result, "score", None),
        "shrink_accepted": accepted,
        "awaiting_review": bool(getattr(result, "awaiting_review", False)),
    }


def _shrink_guard(
    contract: Contract,
    rows: int,
    client: Any,
    workdir: Path,
    run_id: str,
    raw: dict[str, Any] | None,
    accept: bool,
) -> dict[str, Any] | None:
    package = client.show_or_none("package_show", id=contract.id)
    refusal = shrink_guard.check(contract, rows, package)
    if refusal is None:
        return None
    code, params = refusal
    if accept:
        return {"rows": rows, "previous": shrink_guard.published_rows(package), "reason": code}
    problem = Problem(
        (raw or {}).get("filename") or contract.id,
        None,
        None,
        messages.render(code, params),
        expectation="shrink_guard",
        message_en=messages.render(code, params, "en"),
    )
    folder = quarantine(raw, contract, run_id, workdir, [problem], code, params)
    raise BatchRejected(code, params, [problem], folder)


def record_publish(report: RunReport, result: dict[str, Any]) -> None:
    """Copy what `publish_step` returned onto the run report. A version the catalog kept
    private for the walidata's review (`awaiting_review`) is told as uploaded and waiting,
    not as published."""
    report.status = result["status"]
    report.package_id = result["package_id"]
    report.resource_ids = result["resource_ids"]
    if result.get("quality"):
        report.statistics = {**report.statistics, "quality": result["quality"]}
    if result.get("shrink_accepted"):
        report.statistics = {**report.statistics, "shrink_accepted": result["shrink_accepted"]}
    rows = report.rows if report.rows is not None else 0
    if report.status == "published" and result.get("awaiting_review"):
        report.tell("awaiting_review", rows=rows)
    elif report.status == "published":
        report.tell("published", rows=rows)
    else:
        report.tell("unchanged")


def report_from_steps(
    contract: Contract, results: dict[str, Any], *, workdir: Path, run_id: str
) -> RunReport:
    """Rebuild the run report from what the DAG's tasks returned (None where a
    task failed or was skipped) and the quarantine folder."""
    report = RunReport(contract.id, run_id, "failed", _now())
    raw, staged, gate, published = (
        results.get(step) for step in ("extract", "normalize", "validate", "publish")
    )
    if staged:
        report.rows, report.sha256 = staged["rows"], staged["sha256"]
    if gate:
        summary = GateSummary.from_dict(gate)
        report.warnings, report.statistics = summary.warnings, summary.statistics
    rejected = layout.quarantine_dir(workdir, contract.id, run_id) / "report.json"
    report.data_docs_path = layout.docs_page(workdir, contract.id, run_id)
    if published:
        record_publish(report, published)
    elif raw and raw.get("not_modified"):
        report.status = "unchanged"
        report.tell("not_modified")
    elif raw and raw.get("same_as_published"):
        _unchanged_source(report, raw)
    elif rejected.exists():
        saved = json.loads(rejected.read_text(encoding="utf-8"))
        report.status = "rejected"
        report.problems = [Problem.from_dict(p) for p in saved.get("problems", [])]
        report.quarantine_path = rejected.parent
        if saved.get("message_code") in messages.MESSAGES:
            report.tell(saved["message_code"], **(saved.get("message_params") or {}))
        else:
            report.message = str(saved.get("message") or "")
    else:
        failed = next(
            (
                step
                for step in ("extract", "normalize", "validate", "publish")
                if not results.get(step)
            ),
            "publish",
        )
        report.tell("task_failed", task=failed)
    return report


def report_step(
    contract: Contract,
    results: dict[str, Any],
    client: Any,
    *,
    workdir: Path,
    run_id: str,
    store: Store | None = None,
    send_report: SendReport = send_to_catalog,
    progress: Progress | None = None,
) -> RunReport:
    """The DAG's last task: the run report from the tasks' results (`report_from_steps`), the
    source's validators kept after a good run, then `finish_run`, as `run` does.

    With a `store` (the task pulled the run's quarantine folder from it into `workdir`), a
    rejected batch is named by its place in the store, where `finish_run` rewrites its
    report.json. A report that cannot be sent raises here (the task fails) instead of being noted.
    """
    report = report_from_steps(contract, results, workdir=workdir, run_id=run_id)
    if store is not None and report.quarantine_path is not None:
        report.quarantine_path = store.location(workdir, report.quarantine_path)
    if report.ok:
        source_state.remember(
            workdir, contract, results.get("extract"), report.sha256, _published(report)
        )
    return finish_run(
        report, client, send_report=send_report, progress=progress, raise_send_errors=True
    )


def finish_run(
    report: RunReport,
    client: Any,
    *,
    send_report: SendReport = send_to_catalog,
    progress: Progress | None = None,
    raise_send_errors: bool = False,
) -> RunReport:
    """Close a run, the same way for `hub run` and for the DAG's report task.

    Sets `finished_at`; rewrites a rejected batch's `quarantine/.../report.json` with the
    final report (`RunReport.to_dict()`, in place of the provisional one `quarantine` wrote);
    sends the report to the catalog when there is a `client` and sets `report_url` from the
    answer. A send that raises is noted in the message (and logged through `progress`), so a
    lost report never hides the run's outcome; with `raise_send_errors` it raises instead.
    """
    say = progress or (lambda _msg: None)
    report.finished_at = _now()
    if report.quarantine_path is not None:
        write_json_at(report.quarantine_path, "report.json", report.to_dict())
    if client is not None:
        try:
            sent = send_report(client, report)
        except Exception as exc:  # noqa: BLE001 - a lost report must not hide the run's outcome
            if raise_send_errors:
                raise
            say(f"[{report.dataset}] could not send the run report: {mask_identifiers(str(exc))}")
            # Only `hub run` prints this: the catalog never received the report.
            report.message = messages.render("report_not_sent", {"message": report.message})
        else:
            report.report_url = _report_url(sent) or report.report_url
    say(f"[{report.dataset}] {report.status}: {report.message}")
    return report


def _report_url(sent: Any) -> str | None:
    """The catalog's page for the run: `report_url` in the action's result."""
    if isinstance(sent, str):
        return sent or None
    if not isinstance(sent, dict):
        return None
    return sent.get("report_url") or sent.get("url") or None


# --------------------------------------------------------------------------- whole run


def run(
    contract: Contract,
    *,
    client: Any = None,
    source_file: Path | None = None,
    dry_run: bool = False,
    workdir: Path,
    run_id: str,
    progress: Progress | None = None,
    accept_shrink: bool = False,
    validate: Validate = validate_batch,
    publish: Publish = publish_to_ckan,
    send_report: SendReport = send_to_catalog,
) -> RunReport:
    """Run every stage; never raises for bad data or a failing stage: see the report.

    `accept_shrink` lets an empty or much smaller batch replace the published version on
    purpose (`tangerang_hub.shrink_guard`). `validate`, `publish` and `send_report` are the
    real stages unless given.
    """
    say = progress or (lambda _msg: None)
    workdir = Path(workdir)
    report = RunReport(contract.id, run_id, "failed", _now(), dry_run=dry_run)

    def finish() -> RunReport:
        reporter = None if dry_run else client
        return finish_run(report, reporter, send_report=send_report, progress=say)

    raw: dict[str, Any] | None = None
    try:
        if not dry_run and client is None:
            raise PipelineError(
                texts.say(
                    "tidak ada klien CKAN: atur ckan_default atau pakai --dry-run",
                    "no CKAN client: configure ckan_default or use --dry-run",
                )
            )
        say(f"[{contract.id}] mengambil data (extract) dari {_source_label(contract, source_file)}")
        # a local file is not the source: its run skips the source's validators
        state = source_state.load(workdir, contract, client, validators=source_file is None)
        raw = extract_step(
            contract, workdir=workdir, run_id=run_id, source_file=source_file, state=state
        )
        if raw["not_modified"]:
            report.status = "unchanged"
            report.tell("not_modified")
            return finish()
        if raw.get("same_as_published") and not dry_run:
            _unchanged_source(report, raw)
            return finish()

        say(f"[{contract.id}] normalisasi {raw['filename']}")
        staged_ref = normalize_step(contract, raw, workdir=workdir, run_id=run_id)
        staged = StagedBatch.from_dict(staged_ref)
        report.rows, report.sha256 = staged.rows, staged.sha256
        say(f"[{contract.id}] {staged.rows} baris, sha256 {staged.sha256[:12]}")

        say(f"[{contract.id}] validasi (quality gate)")
        gate_ref = validate_step(
            contract, staged_ref, workdir=workdir, run_id=run_id, raw=raw, validate=validate
        )
        gate = GateSummary.from_dict(gate_ref)
        report.warnings, report.statistics = gate.warnings, gate.statistics

        if dry_run:
            report.status = "unchanged"
            report.tell("dry_run")
            return finish()

        say(f"[{contract.id}] publikasi ke CKAN")
        result = publish_step(
            contract,
            staged_ref,
            gate_ref,
            client,
            workdir=workdir,
            run_id=run_id,
            raw=raw,
            accept_shrink=accept_shrink,
            publish=publish,
        )
        record_publish(report, result)
        source_state.remember(workdir, contract, raw, report.sha256, _published(report))
    except BatchRejected as exc:
        report.status = "rejected"
        report.problems = exc.problems
        report.quarantine_path = exc.quarantine_path
        report.tell(exc.code, **exc.params)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a failed report
        report.status = "failed"
        report.tell("failed", error=failure_text(exc), error_en=failure_text(exc, "en"))
    report.data_docs_path = layout.docs_page(workdir, contract.id, run_id)
    return finish()


def _unchanged_source(report: RunReport, raw: dict[str, Any]) -> None:
    """The catalog already publishes this batch (same fingerprint): nothing else runs."""
    published = raw.get("published") or {}
    report.status = "unchanged"
    report.package_id = published.get("package_id")
    report.resource_ids = list(published.get("resource_ids") or [])
    report.tell("unchanged_source")


def _published(report: RunReport) -> dict[str, Any]:
    return {"package_id": report.package_id, "resource_ids": list(report.resource_ids)}


def failure_text(exc: BaseException, lang: str = "id") -> str:
    """What a failed run's report says of `exc`: its type and message through the one
    masker, cut short. Connectors keep response bodies out of their exceptions (they go to
    the private log), so this never carries what a source sent. An error worded in both
    languages (a `said`, as `SourceError` and `SaidError` carry) is said in `lang`."""
    text = texts.error_text(exc, lang)
    return mask_identifiers(f"{type(exc).__name__}: {text}")[:MAX_FAILURE_CHARS]


def _source_label(contract: Contract, source_file: Path | None) -> str:
    if source_file is not None:
        return str(source_file)
    return f"{contract.source.type} {contract.source.conn_id or ''}".strip()


def _now() -> datetime:
    return datetime.now(UTC)
