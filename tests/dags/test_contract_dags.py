"""The DAG factory: one importable DAG per contract, and a real run into CKAN."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ckan_site import anonymous_client, approve, bot_token, site_url

from tangerang_hub.contracts import load_contracts

DAGS = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_every_contract_has_one_dag_and_nothing_fails_to_import(dagbag):
    assert dagbag.import_errors == {}
    expected = {f"hub_{c.id.replace('-', '_')}" for c in load_contracts()}
    assert set(dagbag.dag_ids) == expected | {"hub_quality_score"}


def test_a_task_process_builds_only_the_dag_it_runs(monkeypatch, tmp_path):
    """Airflow sets the parsing context when a task parses the file: only that contract is
    loaded, so a task does not pay for the other contracts."""
    from airflow.dag_processing.dagbag import DagBag

    from tangerang_hub import contracts

    loaded: list[str] = []
    real = contracts.load_contract
    monkeypatch.setattr(
        contracts, "load_contract", lambda p: loaded.append(Path(p).stem) or real(p)
    )
    monkeypatch.setenv("_AIRFLOW_PARSING_CONTEXT_DAG_ID", "hub_fasyankes")
    bag = DagBag(dag_folder=str(DAGS / "contract_dags.py"))
    assert set(bag.dag_ids) == {"hub_fasyankes"}
    assert loaded == ["fasyankes"]


def test_dags_carry_producer_and_dimension_tags_retries_and_docs(dagbag):
    for contract in load_contracts():
        dag = dagbag.get_dag(f"hub_{contract.id.replace('-', '_')}")
        assert f"opd:{contract.producer}" in dag.tags
        assert {f"dimensi:{d}" for d in contract.dimensions} <= set(dag.tags)
        assert contract.title in dag.doc_md
        assert [t.task_id for t in dag.topological_sort()][-1] == "report"
        extract = dag.get_task("extract")
        assert extract.retries == 3 and extract.retry_exponential_backoff
        # one XCom per task (its dict), not one per key as inferred from `-> dict[...]`
        assert not any(t.multiple_outputs for t in dag.tasks)


def test_dag_test_publishes_fasyankes_into_ckan_with_datastore_rows(dagbag, monkeypatch):
    host_port = site_url().split("://", 1)[1]
    monkeypatch.setenv(
        "AIRFLOW_CONN_CKAN_DEFAULT", f"http://tangerang-bot:{bot_token()}@{host_port}"
    )
    assert os.environ.get("AIRFLOW_CONN_AGENCY_SAMPLE"), "make test-engine sets the sample agency"

    dag = dagbag.get_dag("hub_fasyankes")
    run = dag.test()

    assert run.state == "success"
    approve("fasyankes")  # a first publication waits for the walidata
    package = anonymous_client().call("package_show", id="fasyankes")
    csv = next(r for r in package["resources"] if r["format"] == "CSV")
    rows = anonymous_client().call("datastore_search", resource_id=csv["id"], limit=1)
    assert rows["total"] == int(package["row_count"]) > 0
    found = anonymous_client().call("package_search", q="name:fasyankes")
    assert found["count"] == 1
    runs = anonymous_client().call("tangerang_run_report_list", package_id="fasyankes")
    assert runs, "the report task recorded the run in the catalog"


def test_a_rejected_dag_run_finishes_like_hub_run(tmp_path, monkeypatch):
    """The report task ends a run as `hub run` does (`pipeline.finish_run`): the rejected
    batch's quarantine report.json is rewritten with the final run report."""
    import json

    from airflow.dag_processing.dagbag import DagBag

    from tangerang_hub.contracts import contracts_dir

    contracts = tmp_path / "contracts"
    contracts.mkdir()
    for contract in contracts_dir().glob("*.yaml"):
        (contracts / contract.name).write_text(contract.read_text(encoding="utf-8"))
    fasyankes = contracts / "fasyankes.yaml"
    text = fasyankes.read_text(encoding="utf-8")
    assert text.count("\nquality: {}\n") == 1
    rule = "{type: expect_table_row_count_to_be_between, kwargs: {min_value: 1000000}}"
    fasyankes.write_text(text.replace("\nquality: {}\n", f"\nquality:\n  expectations: [{rule}]\n"))
    host_port = site_url().split("://", 1)[1]
    monkeypatch.setenv(
        "AIRFLOW_CONN_CKAN_DEFAULT", f"http://tangerang-bot:{bot_token()}@{host_port}"
    )
    monkeypatch.setenv("HUB_CONTRACTS_DIR", str(contracts))
    monkeypatch.setenv("HUB_WORKDIR", str(tmp_path / "hub"))

    bag = DagBag(dag_folder=str(DAGS / "contract_dags.py"))
    run = bag.get_dag("hub_fasyankes").test()

    assert run.state == "failed"  # the report task fails a rejected run
    [saved_path] = (tmp_path / "hub" / "quarantine" / "fasyankes").glob("*/report.json")
    saved = json.loads(saved_path.read_text(encoding="utf-8"))
    # the final report (RunReport.to_dict()), not the provisional one `quarantine` wrote
    assert saved["status"] == "rejected" and saved["finished_at"] is not None
    assert saved["message_code"] == "blocking_problems"
    assert saved["message"].endswith("tidak ada yang diterbitkan.")
    assert saved["quarantine_path"] == str(saved_path.parent)
    assert saved["rows"] == 58 and len(saved["sha256"]) == 64
    assert [p["expectation"] for p in saved["problems"]] == ["expect_table_row_count_to_be_between"]


def test_a_broken_contract_fails_alone_and_says_why(tmp_path, monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    from tangerang_hub.contracts import contracts_dir

    for contract in contracts_dir().glob("*.yaml"):
        (tmp_path / contract.name).write_text(contract.read_text(encoding="utf-8"))
    (tmp_path / "rusak.yaml").write_text("id: rusak\ntitle: [tidak, lengkap\n", encoding="utf-8")
    monkeypatch.setenv("HUB_CONTRACTS_DIR", str(tmp_path))

    bag = DagBag(dag_folder=str(DAGS / "contract_dags.py"))

    assert bag.import_errors == {}
    assert "hub_fasyankes" in bag.dag_ids
    broken = bag.get_dag("hub_kontrak_rusak_rusak")
    assert "rusak.yaml" in broken.doc_md
    # the steward's page says why in Bahasa Indonesia first, then in English
    indonesian, english = broken.doc_md.split("*Broken contract:*")
    assert "baris 3, kolom 1: YAML tidak valid" in indonesian
    assert "line 3, column 1: invalid YAML" in english
