"""Acceptance of issue 12 (items 3 and 4): a forced failure shows as *gagal* on the steward
dashboard and delivers one e-mail; the next good run sends one recovery message.

``dag.test()`` of ``hub_fasyankes`` against a sample agency server of this test's own, told
through its ``/test/faults`` endpoint to answer 500; the run reports go to the CKAN test site
(:5050), whose dashboard the walidata reads over HTTP; the alert goes to a real SMTP server
(aiosmtpd) and a local webhook receiver, as the Airflow Connections ``smtp_default`` and
``hub_alert_webhook``.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from ckan_site import bot_client, bot_token, site_url, walidata_client
from local_http import Server
from local_smtp import SmtpServer

from tangerang_hub import pipeline
from tangerang_hub.contracts import contracts_dir, get_contract

ROOT = Path(__file__).resolve().parents[2]
DAGS = ROOT / "dags"
SERVER = ROOT / "stack" / "sample_agency" / "server.py"
SOURCE_PATH = "    path: /dinkes/fasyankes.csv\n"


@pytest.fixture
def agency(tmp_path: Path) -> Iterator[str]:
    """The sample agency server (stack/sample_agency/server.py) on a free port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (tmp_path / "agency.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, str(SERVER), "--port", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the sample agency server did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _faults(agency: str, **query: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{agency}/test/faults?{urlencode(query)}", timeout=10) as answer:
        return json.loads(answer.read())


def _dashboard_row(dataset: str) -> dict[str, Any]:
    result = walidata_client().call("tangerang_dashboard_show", organization="dinkes")
    return next(row for row in result["rows"] if row["contract_id"] == dataset)


def _freshness_on_the_page(dataset: str) -> tuple[str, str]:
    """The freshness of `dataset`'s row on /dasbor as the walidata's browser gets it (their API
    token identifies them): the row's ``data-freshness`` and the text of its badge."""
    token = Path(os.environ["HUB_CKAN_WALIDATA_TOKEN_FILE"]).read_text().strip()
    request = urllib.request.Request(f"{site_url()}/dasbor", headers={"Authorization": token})
    with urllib.request.urlopen(request, timeout=60) as answer:
        html = answer.read().decode("utf-8")
    found = re.search(
        rf'<tr data-contract="{dataset}" data-freshness="([a-z_]+)".*?'
        r'tangerang-dashboard-freshness">\s*<span class="badge[^"]*">([^<]+)</span>',
        html,
        re.S,
    )
    assert found, f"no row of {dataset} on /dasbor"
    return found.group(1), found.group(2).strip()


@pytest.fixture
def receiver() -> Iterator[Server]:
    """A local webhook receiver that records every POST."""
    server = Server(lambda handler: (200, {}, b"ok"))
    yield server
    server.stop()


def test_a_source_answering_500_is_gagal_on_the_dashboard_and_mails_the_walidata_once(
    tmp_path, monkeypatch, agency, receiver
):
    key = f"uji-{uuid.uuid4().hex[:8]}"
    # The contracts, with fasyankes' source asking the agency for the fault script `key`.
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    for path in contracts_dir().glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if path.name == "fasyankes.yaml":
            assert text.count(SOURCE_PATH) == 1
            text = text.replace(
                SOURCE_PATH, SOURCE_PATH + f"    query: {{fault: {key}}}\n    retries: 0\n"
            )
        (contracts / path.name).write_text(text, encoding="utf-8")
    smtp = SmtpServer()
    host_port = site_url().split("://", 1)[1]
    monkeypatch.setenv(
        "AIRFLOW_CONN_CKAN_DEFAULT", f"http://tangerang-bot:{bot_token()}@{host_port}"
    )
    monkeypatch.setenv("AIRFLOW_CONN_AGENCY_SAMPLE", agency.replace("://", "://hub:sample-key@"))
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", smtp.connection_uri)
    monkeypatch.setenv("AIRFLOW_CONN_HUB_ALERT_WEBHOOK", f"{receiver.url}/alert")
    monkeypatch.setenv("HUB_CONTRACTS_DIR", str(contracts))
    monkeypatch.setenv("HUB_WORKDIR", str(tmp_path / "hub"))
    # The catalog has the dataset (as after `make demo`); it publishes from the real agency.
    if bot_client().show_or_none("package_show", id="fasyankes") is None:
        seeded = pipeline.run(
            get_contract("fasyankes"), client=bot_client(), workdir=tmp_path / "seed", run_id="seed"
        )
        assert seeded.status == "published", seeded.message

    from airflow.dag_processing.dagbag import DagBag

    try:
        _faults(agency, id=key, steps="500")
        dag = DagBag(dag_folder=str(DAGS / "contract_dags.py")).get_dag("hub_fasyankes")
        dag.get_task("extract").retries = 0  # fail now rather than after three retry delays
        run = dag.test()

        assert run.state == "failed"
        assert [hit["step"] for hit in _faults(agency, id=key)["hits"]] == ["500"]
        row = _dashboard_row("fasyankes")
        assert row["freshness"] == "failed"
        assert row["last_run"]["status"] == "failed"
        assert _freshness_on_the_page("fasyankes") == ("failed", "Gagal")
        [mail] = smtp.messages
        assert mail.rcpt_tos == ["satudata@tangerangkota.go.id"]
        assert mail.message["Subject"].startswith("[Satu Data Kota Tangerang] Proses gagal")
        assert "(fasyankes) gagal pada" in mail.body and "--- English ---" in mail.body
        assert "/dags/hub_fasyankes/runs/" in mail.body  # the Airflow run's page
        [post] = [json.loads(r["body"]) for r in receiver.seen]
        assert (post["dataset"], post["kind"], post["event"]) == ("fasyankes", "failed", "opened")

        # The script is used up: the source answers again, the run succeeds, and the walidata
        # gets one recovery message.
        run = dag.test()

        assert run.state == "success"
        assert len(smtp.messages) == 2
        assert (
            smtp.messages[1]
            .message["Subject"]
            .startswith("[Satu Data Kota Tangerang] Pulih / Recovered")
        )
        assert len(receiver.seen) == 2
        assert _dashboard_row("fasyankes")["freshness"] != "failed"
    finally:
        smtp.stop()
