"""One DAG per dataset contract in ``schemas/datasets/``.

A data steward adds a dataset by adding a contract; this file turns each into
``hub_<contract id>``: extract → normalize → validate → publish → report.

Parsing stays cheap: only the YAML contracts are read here. pyarrow, Great
Expectations and requests are imported inside the task bodies. Every task is
keyed on the run's data interval, so a retry or a re-run of the same interval
rewrites the same files and finds the same CKAN dataset (publishing is
idempotent and skips unchanged data). Credentials come only from the Airflow
Connections ``ckan_default`` and the source's ``conn_id``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pendulum
from airflow.sdk import Param, dag, get_parsing_context, task

from tangerang_hub.contracts import Contract, ContractError, contract_files, load_contract
from tangerang_hub.scheduling import DEFAULT_ARGS, run_key


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
def _rejection_is_final() -> Iterator[None]:
    """Bad data will not get better by retrying: fail at once, no retries."""
    from airflow.sdk.exceptions import AirflowFailException

    from tangerang_hub.pipeline import BatchRejected

    try:
        yield
    except BatchRejected as exc:
        raise AirflowFailException(f"{exc}; quarantined in {exc.quarantine_path}") from exc


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
        @task
        def extract(**context: Any) -> dict[str, Any]:
            from tangerang_hub import pipeline as hub
            from tangerang_hub import source_state
            from tangerang_hub.ckan_client import CkanClient
            from tangerang_hub.contracts import get_contract
            from tangerang_hub.workdir import default_workdir

            workdir = default_workdir()
            contract = get_contract(dataset_id)
            return hub.extract_step(
                contract,
                workdir=workdir,
                run_id=run_key(context),
                state=source_state.load(workdir, contract, CkanClient.from_connection()),
            )

        @task
        def normalize(raw: dict[str, Any], **context: Any) -> dict[str, Any]:
            from tangerang_hub import pipeline as hub
            from tangerang_hub.contracts import get_contract
            from tangerang_hub.workdir import default_workdir

            if raw.get("not_modified") or raw.get("same_as_published"):
                from airflow.sdk.exceptions import AirflowSkipException

                raise AirflowSkipException("the catalog already publishes this batch")
            with _rejection_is_final():
                return hub.normalize_step(
                    get_contract(dataset_id),
                    raw,
                    workdir=default_workdir(),
                    run_id=run_key(context),
                )

        @task
        def validate(staged: dict[str, Any], raw: dict[str, Any], **context: Any) -> dict[str, Any]:
            from tangerang_hub import pipeline as hub
            from tangerang_hub.contracts import get_contract
            from tangerang_hub.workdir import default_workdir

            with _rejection_is_final():
                return hub.validate_step(
                    get_contract(dataset_id),
                    staged,
                    workdir=default_workdir(),
                    run_id=run_key(context),
                    raw=raw,
                )

        @task
        def publish(
            staged: dict[str, Any], gate: dict[str, Any], raw: dict[str, Any], **context: Any
        ) -> dict[str, Any]:
            from tangerang_hub import pipeline as hub
            from tangerang_hub.ckan_client import CkanClient
            from tangerang_hub.contracts import get_contract
            from tangerang_hub.workdir import default_workdir

            with _rejection_is_final(), _refusal_is_final():
                return hub.publish_step(
                    get_contract(dataset_id),
                    staged,
                    gate,
                    CkanClient.from_connection(),
                    workdir=default_workdir(),
                    run_id=run_key(context),
                    raw=raw,
                    accept_shrink=bool(context["params"].get("accept_shrink")),
                )

        @task(trigger_rule="all_done", retries=0)
        def report(**context: Any) -> dict[str, Any]:
            """Tell the catalog how the run went, whatever happened upstream."""
            from tangerang_hub import alerts
            from tangerang_hub import pipeline as hub
            from tangerang_hub.ckan_client import CkanClient
            from tangerang_hub.contracts import get_contract
            from tangerang_hub.workdir import default_workdir

            ti = context["ti"]
            results = {
                name: ti.xcom_pull(task_ids=name)
                for name in ("extract", "normalize", "validate", "publish")
            }
            client = CkanClient.from_connection()
            run_report = hub.report_step(
                get_contract(dataset_id),
                results,
                client,
                workdir=default_workdir(),
                run_id=run_key(context),
                progress=print,
            )
            # One e-mail (and webhook) when the run fails, one when a later run succeeds.
            alerts.after_run(
                get_contract(dataset_id),
                run_report,
                workdir=default_workdir(),
                catalog_url=client.base_url,
                airflow_url=ti.log_url.split("/tasks/")[0],  # this run's page in Airflow
            )
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
        doc_md=f"# Kontrak rusak: `{path.name}`\n\n```\n{error}\n```\n\nPerbaiki lalu "
        "jalankan `hub contracts check`.",
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
