"""``hub_quality_score``: the daily catalog-wide quality score.

``score_datasets`` rescores every contract's published dataset at the end of the run's data
interval (freshness changes daily) and stores changed scores on the datasets;
``publish_scores`` publishes the table of scores as dataset ``skor-kualitas-data`` through
the normal pipeline (staged, validated, CSV, Parquet, DataStore, run report). ``alert_late``
announces each dataset that became late against its frequency, and each that is on time
again, once per incident (``tangerang_hub.alerts``). The work lives in the engine,
``tangerang_hub.catalog_score`` and ``tangerang_hub.alerts``; pyarrow, Great Expectations and
requests are imported inside the tasks. The tasks are keyed on the data interval: a retry or a
re-run of the same interval computes the same table and finds it unchanged, and announces no
incident twice.
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import dag, task

from tangerang_hub.scheduling import DEFAULT_ARGS, interval_end, run_key

DAG_ID = "hub_quality_score"


def _run_key(context: dict[str, Any]) -> str:
    return f"quality__{run_key(context)}"


@dag(
    dag_id=DAG_ID,
    description="Skor kualitas seluruh dataset katalog, dihitung ulang setiap hari",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Jakarta"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["kualitas", "opd:diskominfo", "dimensi:governance"],
    doc_md=__doc__,
)
def hub_quality_score() -> None:
    @task
    def score_datasets(**context: Any) -> list[dict[str, Any]]:
        from tangerang_hub.catalog_score import rescore_datasets
        from tangerang_hub.ckan_client import CkanClient
        from tangerang_hub.contracts import load_contracts
        from tangerang_hub.workdir import default_workdir

        scores = rescore_datasets(
            CkanClient.from_connection(),
            load_contracts(),
            workdir=default_workdir(),
            now=interval_end(context),
            progress=print,
        )
        return [s.row() for s in scores]

    @task
    def publish_scores(rows: list[dict[str, Any]], **context: Any) -> dict[str, Any] | None:
        from tangerang_hub.catalog_score import publish_score_table
        from tangerang_hub.ckan_client import CkanClient
        from tangerang_hub.workdir import default_workdir

        report = publish_score_table(
            CkanClient.from_connection(),
            rows,
            workdir=default_workdir(),
            run_id=_run_key(context),
            progress=print,
        )
        if report is None:
            return None
        if report.status == "rejected":  # bad data does not get better by retrying
            from airflow.sdk.exceptions import AirflowFailException

            raise AirflowFailException(f"score table rejected: {report.message}")
        if report.status == "failed":
            raise RuntimeError(f"score table not published: {report.message}")
        return report.to_dict()

    @task(trigger_rule="all_done")
    def alert_late(**context: Any) -> list[dict[str, Any]]:
        """One e-mail (and webhook) per dataset that became late, one when it is on time;
        after the scores, whether or not their table could be published."""
        from tangerang_hub.alerts import check_catalog_lateness
        from tangerang_hub.ckan_client import CkanClient
        from tangerang_hub.contracts import load_contracts
        from tangerang_hub.workdir import default_workdir

        sent = check_catalog_lateness(
            CkanClient.from_connection(),
            load_contracts(),
            workdir=default_workdir(),
            now=interval_end(context),
            progress=print,
        )
        return [alert.payload() for alert in sent]

    publish_scores(score_datasets()) >> alert_late()


hub_quality_score()
