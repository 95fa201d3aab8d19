"""Alerts: one e-mail and one webhook POST per incident, a recovery message when it clears.

Delivered for real: a local SMTP server (aiosmtpd) behind ``AIRFLOW_CONN_SMTP_DEFAULT`` and a
local HTTP receiver behind ``AIRFLOW_CONN_HUB_ALERT_WEBHOOK``, read as Airflow Connections.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from local_smtp import SmtpServer

from tangerang_hub import alerts
from tangerang_hub.contracts import get_contract
from tangerang_hub.run_report import RunReport

AT = datetime(2026, 12, 1, 7, 18, tzinfo=UTC)  # 14.18 WIB


@pytest.fixture
def smtp(monkeypatch) -> Iterator[SmtpServer]:
    server = SmtpServer()
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", server.connection_uri)
    yield server
    server.stop()


@pytest.fixture
def webhook(servers, monkeypatch):
    receiver = servers(lambda handler: (202, {"Content-Type": "application/json"}, b"{}"))
    monkeypatch.setenv("AIRFLOW_CONN_HUB_ALERT_WEBHOOK", f"{receiver.url}/hooks/satudata")
    return receiver


def _report(status: str, run_id: str, at: datetime = AT) -> RunReport:
    report = RunReport(
        dataset="fasyankes", run_id=run_id, status=status, started_at=at - timedelta(minutes=1)
    )
    report.finished_at = at
    if status == "failed":
        report.tell(
            "failed",
            error="HTTP 500 dari http://127.0.0.1:8765/dinkes/fasyankes.csv",
            error_en="HTTP 500 from http://127.0.0.1:8765/dinkes/fasyankes.csv",
        )
    return report


def _after(report: RunReport, workdir) -> list[alerts.Alert]:
    return alerts.after_run(
        get_contract("fasyankes"),
        report,
        workdir=workdir,
        catalog_url="http://katalog.example/",
        airflow_url="http://airflow.example/dags/hub_fasyankes/runs/manual__1",
    )


def _posts(receiver) -> list[dict[str, Any]]:
    return [json.loads(r["body"]) for r in receiver.seen if r["method"] == "POST"]


def test_a_failed_run_sends_one_mail_and_one_webhook_and_a_repeat_sends_none(
    tmp_path, smtp, webhook
):
    sent = _after(_report("failed", "20261201T071800Z"), tmp_path)

    assert [(a.kind, a.event) for a in sent] == [("failed", "opened")]
    [mail] = smtp.messages
    assert mail.rcpt_tos == ["satudata@tangerangkota.go.id"]  # the contract's walidata
    assert mail.mail_from == "satudata-bot@tangerangkota.go.id"
    assert mail.message["Subject"] == (
        "[Satu Data Kota Tangerang] Proses gagal / Run failed: "
        "Fasilitas Pelayanan Kesehatan Kota Tangerang (fasyankes)"
    )
    body = mail.body
    indonesian, english = body.split("--- English ---")
    assert "gagal pada 1 Desember 2026, 14.18 WIB." in indonesian
    assert "Pesan: Proses gagal: HTTP 500" in indonesian
    assert "Riwayat proses: http://katalog.example/dataset/fasyankes/riwayat-proses" in indonesian
    assert "Airflow: http://airflow.example/dags/hub_fasyankes/runs/manual__1" in indonesian
    assert "failed on 1 December 2026, 14:18 WIB." in english
    assert "Message: The run failed: HTTP 500 from http://" in english
    [post] = _posts(webhook)
    assert webhook.seen[0]["path"] == "/hooks/satudata"
    assert (post["dataset"], post["kind"], post["event"]) == ("fasyankes", "failed", "opened")
    assert post["run_id"] == "20261201T071800Z" and post["status"] == "failed"
    assert post["at"] == "2026-12-01T07:18:00+00:00"
    assert post["text"]["id"] in body and post["subject"] == mail.message["Subject"]

    # The same incident again (the next run fails too): nothing more.
    assert _after(_report("failed", "20261201T081800Z", AT + timedelta(hours=1)), tmp_path) == []
    assert _after(_report("rejected", "20261201T091800Z", AT + timedelta(hours=2)), tmp_path) == []
    assert len(smtp.messages) == 1 and len(_posts(webhook)) == 1


def test_recovery_sends_one_recovery_message_and_closes_the_incident(tmp_path, smtp, webhook):
    _after(_report("failed", "20261201T071800Z"), tmp_path)
    later = AT + timedelta(days=1)

    sent = _after(_report("unchanged", "20261202T071800Z", later), tmp_path)

    assert [(a.kind, a.event) for a in sent] == [("failed", "cleared")]
    assert len(smtp.messages) == 2
    recovery = smtp.messages[1]
    assert recovery.message["Subject"].startswith("[Satu Data Kota Tangerang] Pulih / Recovered:")
    assert "kembali berhasil pada 2 Desember 2026, 14.18 WIB (tidak berubah)" in recovery.body
    assert "Kejadian yang dibuka 1 Desember 2026, 14.18 WIB telah selesai." in recovery.body
    assert "succeeded again on 2 December 2026, 14:18 WIB (unchanged)" in recovery.body
    assert [p["event"] for p in _posts(webhook)] == ["opened", "cleared"]
    state = json.loads((tmp_path / "alerts" / "fasyankes.json").read_text())
    assert state == {}
    # Another good run: nothing to recover from.
    assert (
        _after(_report("published", "20261203T071800Z", later + timedelta(days=1)), tmp_path) == []
    )
    assert len(smtp.messages) == 2


def test_a_good_run_without_an_incident_sends_nothing(tmp_path, smtp, webhook):
    assert _after(_report("published", "20261201T071800Z"), tmp_path) == []
    assert smtp.messages == [] and webhook.seen == []


def test_a_mail_server_that_was_down_gets_the_alert_at_the_next_failure(
    tmp_path, monkeypatch, webhook
):
    from local_http import free_port

    monkeypatch.setenv(
        "AIRFLOW_CONN_SMTP_DEFAULT",
        f"smtp://127.0.0.1:{free_port()}?disable_ssl=true&disable_tls=true&timeout=5",
    )
    _after(_report("failed", "20261201T071800Z"), tmp_path)  # no server: not delivered
    state = json.loads((tmp_path / "alerts" / "fasyankes.json").read_text())
    assert state["failed"]["delivered"] == {"email": False, "webhook": True}

    smtp = SmtpServer()
    try:
        monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", smtp.connection_uri)
        _after(_report("failed", "20261201T081800Z", AT + timedelta(hours=1)), tmp_path)
        _after(_report("failed", "20261201T091800Z", AT + timedelta(hours=2)), tmp_path)
    finally:
        smtp.stop()
    [mail] = smtp.messages  # the first alert, once: the webhook is not sent twice
    assert "1 Desember 2026, 14.18 WIB" in mail.body
    assert len(_posts(webhook)) == 1


def test_without_smtp_default_the_run_goes_on_and_the_webhook_still_goes(
    tmp_path, monkeypatch, webhook
):
    monkeypatch.delenv("AIRFLOW_CONN_SMTP_DEFAULT", raising=False)
    [alert] = _after(_report("failed", "20261201T071800Z"), tmp_path)
    assert alert.event == "opened" and len(_posts(webhook)) == 1
    state = json.loads((tmp_path / "alerts" / "fasyankes.json").read_text())
    assert state["failed"]["delivered"] == {"email": None, "webhook": True}


def test_without_a_webhook_only_the_mail_goes(tmp_path, smtp, monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_HUB_ALERT_WEBHOOK", raising=False)
    _after(_report("failed", "20261201T071800Z"), tmp_path)
    assert len(smtp.messages) == 1


# --- lateness ------------------------------------------------------------------------------


def test_a_dataset_becoming_late_is_announced_once_and_its_recovery_once(tmp_path, smtp, webhook):
    contract = get_contract("fasyankes")  # bulanan: 31 days, plus 12 hours of slack
    last = datetime(2026, 10, 31, 1, 0, tzinfo=UTC)

    def check(now: datetime, last_changed: datetime = last) -> list[alerts.Alert]:
        return alerts.check_lateness(
            contract, last_changed, workdir=tmp_path, now=now, catalog_url="http://katalog.example"
        )

    assert check(last + timedelta(days=31, hours=11)) == []  # still within the grace
    [late] = check(last + timedelta(days=31, hours=13))
    assert (late.kind, late.event) == ("late", "opened")
    assert check(last + timedelta(days=32)) == []  # the same incident: nothing more
    [mail] = smtp.messages
    assert mail.message["Subject"].startswith("[Satu Data Kota Tangerang] Terlambat / Late:")
    assert "pemutakhiran bulanan seharusnya sudah ada paling lambat 1 Desember 2026, 20.00 WIB" in (
        mail.body
    )
    assert "Pemutakhiran terakhir: 31 Oktober 2026, 08.00 WIB." in mail.body
    assert "its monthly update was due by 1 December 2026, 20:00 WIB" in mail.body

    [back] = check(last + timedelta(days=33), last_changed=last + timedelta(days=32, hours=20))
    assert (back.kind, back.event) == ("late", "cleared")
    assert len(smtp.messages) == 2
    assert (
        smtp.messages[1]
        .message["Subject"]
        .startswith("[Satu Data Kota Tangerang] Kembali tepat waktu / On time again:")
    )
    assert [(p["kind"], p["event"]) for p in _posts(webhook)] == [
        ("late", "opened"),
        ("late", "cleared"),
    ]


def test_new_data_clears_lateness_and_a_dataset_without_a_period_is_never_late(
    tmp_path, smtp, webhook
):
    contract = get_contract("fasyankes")
    last = datetime(2026, 10, 1, tzinfo=UTC)
    alerts.check_lateness(contract, last, workdir=tmp_path, now=last + timedelta(days=40))
    [cleared] = _after(_report("published", "20261201T071800Z"), tmp_path)
    assert (cleared.kind, cleared.event) == ("late", "cleared")
    assert len(smtp.messages) == 2

    irregular = replace(get_contract("aspirasi-rekap-kategori"), frequency="tidak_tentu")
    never = alerts.check_lateness(irregular, last, workdir=tmp_path, now=last + timedelta(days=999))
    assert never == [] and len(smtp.messages) == 2


def test_the_catalog_check_reads_last_run_at_from_the_catalog(tmp_path, smtp, webhook):
    class Catalog:
        base_url = "http://katalog.example"

        def show_or_none(self, action: str, **data: Any) -> dict[str, Any] | None:
            packages = {
                "fasyankes": {"state": "active", "last_run_at": "2026-09-01T00:00:00"},
                "sekolah-kecamatan": {"state": "active", "last_run_at": "2026-11-30T00:00:00"},
            }
            return packages.get(data["id"])

    # bmkg-gempa-terkini is not in this catalog: skipped.
    contracts = [get_contract(c) for c in ("fasyankes", "sekolah-kecamatan", "bmkg-gempa-terkini")]
    sent = alerts.check_catalog_lateness(Catalog(), contracts, workdir=tmp_path, now=AT)
    assert [(a.dataset, a.kind, a.event) for a in sent] == [("fasyankes", "late", "opened")]
    assert "http://katalog.example/dataset/fasyankes/riwayat-proses" in smtp.messages[0].body


def test_dates_are_written_day_first_in_wib():
    assert alerts.written_date(AT) == "1 Desember 2026, 14.18 WIB"
    assert alerts.written_date(AT, "en") == "1 December 2026, 14:18 WIB"
    assert alerts.written_date(datetime(2026, 12, 31, 20, 5)) == "1 Januari 2027, 03.05 WIB"
