"""`hub_quality_score`: importable, thin, and a real daily run into the CKAN test site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from ckan_site import anonymous_client, approve, bot_client, bot_token, site_url

from tangerang_hub import pipeline
from tangerang_hub.catalog_score import is_public, is_published, score_contract
from tangerang_hub.contracts import get_contract, load_contracts

ROOT = Path(__file__).resolve().parents[2]
DAG_FILE = ROOT / "dags" / "quality_dag.py"
FASYANKES_CSV = ROOT / "stack/sample_agency/data/dinkes/fasyankes.csv"


@pytest.fixture(scope="module")
def dag():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAG_FILE))
    assert bag.import_errors == {}
    return bag.get_dag("hub_quality_score")


def test_dag_is_daily_with_retries_and_exponential_backoff(dag):
    tasks = [t.task_id for t in dag.topological_sort()]
    assert tasks[:2] == ["score_datasets", "publish_scores"]
    assert set(tasks) <= {"score_datasets", "publish_scores", "alert_late"}
    assert "dimensi:governance" in dag.tags and "opd:diskominfo" in dag.tags
    for task in dag.tasks:
        assert task.retries == 3 and task.retry_exponential_backoff


def test_parsing_the_dag_file_imports_nothing_heavy():
    code = (
        f"import sys; sys.path.insert(0, {str(DAG_FILE.parent)!r}); import quality_dag; "
        "print(sorted(m for m in ('great_expectations', 'pandas', 'requests', "
        "'tangerang_quality') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_dag_test_publishes_the_score_table_with_one_row_per_published_dataset(
    dag, monkeypatch, tmp_path
):
    host_port = site_url().split("://", 1)[1]
    monkeypatch.setenv(
        "AIRFLOW_CONN_CKAN_DEFAULT", f"http://tangerang-bot:{bot_token()}@{host_port}"
    )
    monkeypatch.setenv("HUB_WORKDIR", str(tmp_path))
    bot = bot_client()
    # At least one contract's dataset is published (as `make demo` would have done).
    seeded = pipeline.run(
        get_contract("fasyankes"),
        client=bot,
        source_file=FASYANKES_CSV,
        workdir=tmp_path,
        run_id="seed",
    )
    assert seeded.status in ("published", "unchanged"), seeded.message
    approve("fasyankes")  # a first publication waits for the walidata
    # The public table lists the published datasets that are public (never terbatas/tertutup).
    packages = {c.id: (c, bot.show_or_none("package_show", id=c.id)) for c in load_contracts()}
    expected = {
        cid
        for cid, (c, package) in packages.items()
        if is_published(package) and is_public(c, package)
    }

    run = dag.test()

    assert run.state == "success"
    approve(score_contract().id)
    table = anonymous_client().call("package_show", id=score_contract().id)
    assert table["organization"]["name"] == "diskominfo"
    assert table["dimensi"] == ["governance"]
    assert table["quality_grade"] in ("A", "B", "C", "D", "E")
    csv = next(r for r in table["resources"] if r["format"] == "CSV")
    records = anonymous_client().call("datastore_search", resource_id=csv["id"], limit=1000)[
        "records"
    ]
    assert {r["dataset_id"] for r in records} == expected
    assert len(records) == len(expected)
    row = next(r for r in records if r["dataset_id"] == "fasyankes")
    fasyankes = anonymous_client().call("package_show", id="fasyankes")
    assert float(row["skor"]) == float(fasyankes["quality_score"])
    assert row["peringkat"] == fasyankes["quality_grade"]
    assert row["produsen"] == "dinkes" and row["kelengkapan"] is not None
