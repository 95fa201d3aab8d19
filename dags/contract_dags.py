"""One DAG per dataset contract in ``schemas/datasets/``.

A data steward adds a dataset by adding a contract; this file turns each into
``hub_<contract id>``: extract → normalize → validate → publish → report.

Parsing stays cheap: only the YAML contracts are read here. pyarrow, Great
Expectations and requests are imported inside the task bodies. Every task is
keyed on the run's data interval, so a retry or a re-run of the same interval
rewrites the same files and finds the same CKAN dataset (publishing is
idempotent and skips unchanged data). Credentials come only from the Airflow
Connections ``ckan_default`` and the source's ``conn_id``.

Tasks may run on different workers (CeleryExecutor): each works in its own temporary
folder and hands files to the next only through the shared store (``$HUB_STORE_URL``,
`tangerang_hub.store`); XCom carries references (URL and sha256), never a local path.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pendulum
from airflow.sdk import Param, dag, get_parsing_context, task

from tangerang_hub.contracts import Contract, ContractError, contract_files, load_contract
from tangerang_hub.scheduling import DEFAULT_ARGS, run_key

# The Celery queue of every extract task, when set: the workers that fetch from the agencies
# can then stand in the network zone that reaches them (stack/services.py: worker 1).
EXTRACT_QUEUE = os.environ.get("HUB_EXTRACT_QUEUE") or None


def _doc(contract: Contract) -> str:
    fields = "\n".join(f"| `{f.name}` | {f.type} | {f.title} |" for f in contract.fields)
    return (
        f"# {contract.title}\n\n{contract.description}\n\n"
        f"- Produsen data: `{contract.producer}`\n- Dimensi: {', '.join(contract.dimensions)}\n"
        f"- Frekuensi: {contract.frequency}\n- Sumber: `{contract.source.type}` "
        f"(connection `{contract.source.conn_id}`)\n- Kontrak: `{contract.path.name}`\n\n"
        f"| kolom | tipe | judul |\n|---|---|---|\n{fields}\n"
    )


@contextmanager
def _task_files() -> Iterator[tuple[Path, Any]]:
    """The task's own temporary workdir (removed afterwards) and the shared store."""
    import tempfile

    from tangerang_hub.store import Store

    with tempfile.TemporaryDirectory(prefix="hub-task-") as folder:
        yield Path(folder), Store.from_env()


@contextmanager
def _rejection_is_final(store: Any, workdir: Path) -> Iterator[None]:
    """Bad data will not get better by retrying: fail at once, no retries. The quarantined
    batch goes to the store first, so the report task (and a steward) finds it there."""
    from airflow.sdk.exceptions import AirflowFailException

    from tangerang_hub.pipeline import BatchRejected

    try:
        yield
    except BatchRejected as exc:
        where = exc.quarantine_path
        if where is not None:
            store.push_tree(workdir, where)
            where = store.location(workdir, where)
        raise AirflowFailException(f"{exc}; quarantined in {where}") from exc


@contextmanager
def _refusal_is_final() -> Iterator[None]:
    """CKAN refusing a request (4xx: auth, validation) is not a transient fault."""
    from airflow.sdk.exceptions import AirflowFailException

    from tangerang_hub.ckan_client import CkanError

    try:
        yield
    except CkanError as exc:
        if 400 <= exc.status < 500 and exc.status != 429:
            raise AirflowFailException(str(exc)) from exc
        raise


def build_dag(contract: Contract) -> Any:
    dataset_id = contract.id

    @dag(
        dag_id=f"hub_{dataset_id.replace('-', '_')}",
        description=contract.title,
        schedule=contract.schedule,
        start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Jakarta"),
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        tags=[f"opd:{contract.producer}", *(f"dimensi:{d}" for d in contract.dimensions)],
        doc_md=_doc(contract),
        # A steward who knows the data really shrank triggers the run with this set; the
        # shrink guard then lets the smaller batch through and the run report says so.
        params={"accept_shrink": Param(False, type="boolean", title="Terima data menyusut")},
    )
    def pipeline() -> None:
        # multiple_outputs=False: each task hands on one dict, as one XCom. Left out, Airflow
        # infers it from the return annotation of every task (typing.get_type_hints, a tenth
        # of this file's build) and pushes each key as an XCom of its own, which nothing reads.
        @task(multiple_outputs=False, **({"queue": EXTRACT_QUEUE} if EXTRACT_QUEUE else {}))
        def extract(**context: Any) -> dict[str, Any]:
            from tangerang_hub import pipeline as hub
            from tangerang_hub import source_state
            from tangerang_hub import workdir as layout
            from tangerang_hub.ckan_client import CkanClient
            from tangerang_hub.contracts import get_contract

            contract = get_contract(dataset_id)
            with _task_files() as (workdir, store):
                store.pull_if_present(workdir, layout.state_path(workdir, dataset_id))
                store.prune(f"raw/{dataset_id}", layout.retention_days())
                raw = hub.extract_step(
                    contract,
                    workdir=workdir,
                    run_id=run_key(context),
                    state=source_state.load(workdir, contract, CkanClient.from_connection()),
                )
                return store.share_raw(workdir, raw)

        @task(multiple_outputs=False)
        def normalize(raw: dict[str, Any], **context: Any) -> dict[str, Any]:
            from tangerang_hub import pipeline as hub
            from tangerang_hub.contracts import get_contract

            if raw.get("not_modified") or raw.get("same_as_published"):
                from airflow.sdk.exceptions import AirflowSkipException

                raise AirflowSkipException("the catalog already publishes this batch")
            with _task_files() as (workdir, store), _rejection_is_final(store, workdir):
                staged = hub.normalize_step(
                    get_contract(dataset_id),
                    store.local_raw(workdir, raw),
                    workdir=workdir,
                    run_id=run_key(context),
                )
                return store.share_staged(workdir, staged)

        @task(multiple_outputs=False)
        def validate(staged: dict[str, Any], raw: dict[str, Any], **context: Any) -> dict[str, Any]:
            from tangerang_hub import pipeline as hub
            from tangerang_hub import workdir as layout
            from tangerang_hub.contracts import get_contract

            run_id = run_key(context)
            with _task_files() as (workdir, store):
                try:
                    with _rejection_is_final(store, workdir):
                        return hub.validate_step(
                            get_contract(dataset_id),
                            store.local_staged(workdir, staged),
                            workdir=workdir,
                            run_id=run_id,
                            raw=store.local_raw(workdir, raw),
                        )
                finally:  # the run's Data Docs, whatever the gate said
                    docs = layout.docs_dir(workdir, dataset_id, run_id)
                    store.push_tree(workdir, docs, replace=True)

        @task(multiple_outputs=False)
        def publish(
            staged: dict[str, Any], gate: dict[str, Any], raw: dict[str, Any], **context: Any
        ) -> dict[str, Any]:
            from tangerang_hub import pipeline as hub
            from tangerang_hub.ckan_client import CkanClient
            from tangerang_hub.contracts import get_contract

            with (
                _task_files() as (workdir, store),
                _rejection_is_final(store, workdir),
                _refusal_is_final(),
            ):
                return hub.publish_step(
                    get_contract(dataset_id),
                    store.local_staged(workdir, staged),
                    gate,
                    CkanClient.from_connection(),
                    workdir=workdir,
                    run_id=run_key(context),
                    raw=store.local_raw(workdir, raw),
                    accept_shrink=bool(context["params"].get("accept_shrink")),
                )

        @task(trigger_rule="all_done", retries=0, multiple_outputs=False)
        def report(**context: Any) -> dict[str, Any]:
            """Tell the catalog how the run went, whatever happened upstream."""
            from tangerang_hub import alerts
            from tangerang_hub import pipeline as hub
            from tangerang_hub import workdir as layout
            from tangerang_hub.ckan_client import CkanClient
            from tangerang_hub.contracts import get_contract

            ti = context["ti"]
            run_id = run_key(context)
            results = {
                name: ti.xcom_pull(task_ids=name)
                for name in ("extract", "normalize", "validate", "publish")
            }
            client = CkanClient.from_connection()
            with _task_files() as (workdir, store):
                # What the report reads: the run's quarantine and Data Docs; and the state and
                # alerts it updates, which go back to the store even when sending fails.
                store.pull_tree(workdir, layout.quarantine_dir(workdir, dataset_id, run_id))
                store.pull_tree(workdir, layout.docs_dir(workdir, dataset_id, run_id))
                kept = [
                    layout.state_path(workdir, dataset_id),
                    layout.alerts_path(workdir, dataset_id),
                ]
                for path in kept:
                    store.pull_if_present(workdir, path)
                try:
                    run_report = hub.report_step(
                        get_contract(dataset_id),
                        results,
                        client,
                        workdir=workdir,
                        run_id=run_id,
                        store=store,
                        progress=print,
                    )
                    # One e-mail (and webhook) when the run fails, one when a later run succeeds.
                    alerts.after_run(
                        get_contract(dataset_id),
                        run_report,
                        workdir=workdir,
                        catalog_url=client.base_url,
                        airflow_url=ti.log_url.split("/tasks/")[0],  # this run's page in Airflow
                    )
                finally:
                    for path in kept:
                        if path.is_file():
                            store.push(workdir, path)
            if run_report.status in ("rejected", "failed"):
                from airflow.sdk.exceptions import AirflowFailException

                raise AirflowFailException(f"{run_report.status}: {run_report.message}")
            return run_report.to_dict()

        raw = extract()
        staged = normalize(raw)
        gate = validate(staged, raw)
        publish(staged, gate, raw) >> report()

    return pipeline()


def broken_contract_dag(path: Path, error: ContractError) -> Any:
    """A broken contract gets a DAG that fails loudly with the reason, instead of
    turning the whole file into an import error that hides every other dataset."""

    @dag(
        dag_id=f"hub_kontrak_rusak_{path.stem.replace('-', '_')}",
        description=f"Kontrak rusak: {path.name}",
        schedule=None,
        start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Jakarta"),
        catchup=False,
        tags=["kontrak-rusak"],
        doc_md=f"# Kontrak rusak: `{path.name}`\n\n```\n{error.said.render('id')}\n```\n\n"
        "Perbaiki lalu jalankan `hub contracts check`.\n\n"
        f"*Broken contract:*\n\n```\n{error}\n```",
    )
    def broken() -> None:
        @task(retries=0)
        def contract_check() -> None:
            from airflow.sdk.exceptions import AirflowFailException

            raise AirflowFailException(str(error))

        contract_check()

    return broken()


def _wanted(path: Path, running: str | None) -> bool:
    """In a task's process Airflow parses this file only to find one DAG: build just that
    one (a contract's id equals its file name, so the DAG id is known before loading it)."""
    if running is None:
        return True
    stem = path.stem.replace("-", "_")
    return running in (f"hub_{stem}", f"hub_kontrak_rusak_{stem}")


_running = get_parsing_context().dag_id
for _path in contract_files():
    if not _wanted(_path, _running):
        continue
    try:
        _contract = load_contract(_path)
    except ContractError as _error:
        globals()[f"broken_{_path.stem}"] = broken_contract_dag(_path, _error)
        continue
    globals()[f"hub_{_contract.id.replace('-', '_')}"] = build_dag(_contract)
