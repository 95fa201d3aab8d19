"""The Airflow task process gets SIGKILL in the middle of the publish task, as the kernel's
OOM killer would do it; then the DAG runs again.

The DAG runs with ``dag.test()`` in a process of its own, whose CKAN Connection points at a
relay in front of the test site; the relay kills that process at the chosen moment. The
re-run must find what the dead task left (files saved by CKAN, a DataStore job it never
saw end) and finish the publish without duplicating anything.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from ckan_site import bot_token, site_url
from fault_checks import Poller, assert_published, assert_readers_saw, resource_ids
from fault_setup import CONN_ID, ROOT
from relay import Relay, Request, Trigger
from stack_control import CKAN_PORT

from tangerang_hub.contracts import load_contract

OLD_ROWS, NEW_ROWS = 40, 58
DAG_RUN = """
import sys
from airflow.dag_processing.dagbag import DagBag

bag = DagBag(dag_folder=sys.argv[1])
assert not bag.import_errors, bag.import_errors
run = bag.get_dag(sys.argv[2]).test()
print("dag run state:", run.state, flush=True)
sys.exit(0 if run.state == "success" else 1)
"""


def is_upload(request: Request) -> bool:
    return request.action == "package_revise" and request.is_upload


def is_load_wait(request: Request) -> bool:
    return request.action == "tangerang_datastore_load_status"


def contract_file(dataset, directory: Path) -> Path:
    """The dataset's contract as a YAML file of its own, for the DAG factory to read."""
    data = yaml.safe_load((ROOT / "schemas/datasets/fasyankes.yaml").read_text(encoding="utf-8"))
    data["id"] = dataset.contract.id
    params = dict(dataset.contract.source.params)
    data["source"] = {"type": "http_csv", "conn_id": CONN_ID, "params": params}
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{dataset.contract.id}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def start_dag(dataset, contracts: Path, ckan_url: str) -> subprocess.Popen[str]:
    host_port = ckan_url.split("://", 1)[1]
    env = {
        **os.environ,
        "HUB_CONTRACTS_DIR": str(contracts),
        "HUB_WORKDIR": str(dataset.workdir),
        "AIRFLOW_CONN_CKAN_DEFAULT": f"http://tangerang-bot:{bot_token()}@{host_port}",
    }
    dag_id = f"hub_{dataset.contract.id.replace('-', '_')}"
    return subprocess.Popen(
        [sys.executable, "-c", DAG_RUN, str(ROOT / "dags" / "contract_dags.py"), dag_id],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


@pytest.mark.parametrize(
    ("moment", "matches"),
    [("answered", is_upload), ("received", is_load_wait)],
    ids=["after-ckan-saved-the-files", "while-the-datastore-loads"],
)
def test_a_publish_task_killed_mid_publish_is_finished_by_the_rerun(
    dataset, tmp_path, moment, matches
):
    contracts = tmp_path / "contracts"
    dataset.contract = load_contract(contract_file(dataset, contracts))
    first = dataset.publish(OLD_ROWS)
    ids = resource_ids(dataset.package())
    dataset.write_source(NEW_ROWS)
    running: list[subprocess.Popen[str]] = []

    def kill_task() -> None:
        os.kill(running[0].pid, signal.SIGKILL)

    with Poller(ids[0]) as poller:
        with Relay(CKAN_PORT, Trigger(matches, moment, kill_task)) as relay:
            running.append(start_dag(dataset, contracts, relay.url))
            output, _ = running[0].communicate(timeout=240)
        assert relay.trigger.fired.is_set(), f"the task was never killed:\n{output[-3000:]}"
        assert running[0].returncode == -signal.SIGKILL
        assert sum(map(is_upload, relay.requests)) == 1, "the upload was sent twice"
        _assert_group_gone(running[0].pid)

        again = start_dag(dataset, contracts, site_url())
        output, _ = again.communicate(timeout=240)
        assert again.returncode == 0, output[-3000:]
        time.sleep(0.3)

    package = dataset.package()
    assert package["sha256"] != first.sha256
    assert_published(dataset.contract, dataset.workdir, package["sha256"], NEW_ROWS, ids=ids)
    assert_readers_saw(poller, OLD_ROWS, NEW_ROWS)


def _assert_group_gone(pgid: int) -> None:
    """Nothing the killed process started keeps publishing behind its back."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError(f"processes of the killed task's group {pgid} still run")
