"""Alerts to the walidata: one message per incident, and one more when the incident clears.

Two kinds of incident, each kept per dataset:

- ``failed``: a run that did not succeed (``rejected`` or ``failed``: ``ok: false`` in
  ``schemas/run_statuses.yaml``). The DAG's report task opens it (`after_run`); the next run
  that succeeds clears it.
- ``late``: the dataset's last data change (the catalog's ``last_run_at``) is older than one
  period of its frequency (``schemas/frequencies.yaml``) plus `LATE_GRACE`, the catalog's
  default slack (``ckanext.tangerang.freshness_grace_hours``). The daily quality DAG opens it
  and clears it when the dataset is on time again (`check_catalog_lateness`); a run that
  publishes new data clears it too. A dataset never published, or without a promised period
  (``tidak_tentu``), is never late.

Each message goes to two channels: one e-mail through the Airflow Connection ``smtp_default``
(host, port, login and password; extra ``from_email``, ``disable_ssl``, ``disable_tls`` and
``timeout`` as Airflow's SMTP provider reads them) to the walidata of the contract
(``sdi.walidata.email``), and, when the Connection ``hub_alert_webhook`` exists, one JSON POST
to its URL through the engine's one HTTP layer (`Alert.payload`). Connections are read with
`tangerang_hub.connections.get_connection`, like every other.

State: ``workdir/alerts/<dataset>.json`` (`workdir.alerts_path`), one entry per open kind with
when it opened, the run and which channels received it. An open incident is never announced
again; a channel that failed to deliver is tried again the next time the incident is seen, so
a mail server that was down does not lose the alert. A missing ``smtp_default`` is logged and
recorded as not configured. No delivery problem raises out of this module: an alert never
changes the outcome of a run.

Messages are in Bahasa Indonesia with English below; dates read ``1 Desember 2026, 14.18 WIB``.
Standard library only, besides the engine's connections and HTTP layer.
"""

from __future__ import annotations

import fcntl
import json
import logging
import smtplib
import ssl
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tangerang_hub import catalog
from tangerang_hub import workdir as layout
from tangerang_hub.connections import ConnectionInfo, ConnectionNotFoundError, get_connection
from tangerang_hub.contracts import Contract
from tangerang_hub.run_report import RunReport, status_label
from tangerang_hub.workdir import write_json

log = logging.getLogger(__name__)

FAILED, LATE = "failed", "late"
OPENED, CLEARED = "opened", "cleared"
SMTP_CONN_ID = "smtp_default"
WEBHOOK_CONN_ID = "hub_alert_webhook"
DEFAULT_FROM = "satudata-bot@tangerangkota.go.id"
LATE_GRACE = timedelta(hours=12)
WIB = ZoneInfo("Asia/Jakarta")
SOURCE = "satu-data-kota-tangerang"

MONTHS = {
    "id": [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}
FREQUENCIES_EN = {
    "harian": "daily",
    "mingguan": "weekly",
    "bulanan": "monthly",
    "triwulanan": "quarterly",
    "semesteran": "half-yearly",
    "tahunan": "yearly",
}


def written_date(moment: datetime, lang: str = "id") -> str:
    """`moment` (naive: UTC) as a person reads it in WIB: ``1 Desember 2026, 14.18 WIB``
    (English ``1 December 2026, 14:18 WIB``)."""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(WIB)
    clock = f"{local:%H.%M}" if lang == "id" else f"{local:%H:%M}"
    return f"{local.day} {MONTHS[lang][local.month - 1]} {local.year}, {clock} {local.tzname()}"


# --- the message ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Alert:
    """One message about one incident of one dataset."""

    dataset: str
    title: str
    kind: str  # failed | late
    event: str  # opened | cleared
    at: datetime  # when it happened (UTC)
    recipients: tuple[str, ...] = ()
    run_id: str | None = None
    status: str | None = None  # the run's status (failed incidents)
    message: str = ""  # the run's message (already masked by the pipeline)
    message_en: str = ""  # the same in English ("": as `message`)
    frequency: str | None = None
    due_at: datetime | None = None  # late: when the update was due
    last_changed: datetime | None = None  # late: the last data change
    opened_at: datetime | None = None  # cleared: when the incident opened
    links: Mapping[str, str] = field(default_factory=dict)  # catalog, airflow

    def subject(self) -> str:
        heads = {
            (FAILED, OPENED): ("Proses gagal", "Run failed"),
            (FAILED, CLEARED): ("Pulih", "Recovered"),
            (LATE, OPENED): ("Terlambat", "Late"),
            (LATE, CLEARED): ("Kembali tepat waktu", "On time again"),
        }
        indonesian, english = heads[(self.kind, self.event)]
        return f"[Satu Data Kota Tangerang] {indonesian} / {english}: {self.title} ({self.dataset})"

    def text(self, lang: str) -> str:
        """The message in `lang` (``id`` or ``en``)."""
        return "\n".join(line for line in self._lines(lang) if line is not None)

    def body(self) -> str:
        """The e-mail: Bahasa Indonesia, then English."""
        return f"{self.text('id')}\n\n--- English ---\n\n{self.text('en')}\n"

    def payload(self) -> dict[str, Any]:
        """The webhook's JSON document."""

        def iso(value: datetime | None) -> str | None:
            return value.astimezone(UTC).isoformat() if value else None

        return {
            "source": SOURCE,
            "dataset": self.dataset,
            "title": self.title,
            "kind": self.kind,
            "event": self.event,
            "at": iso(self.at),
            "run_id": self.run_id,
            "status": self.status,
            "message": self.message,
            "due_at": iso(self.due_at),
            "last_changed": iso(self.last_changed),
            "opened_at": iso(self.opened_at),
            "links": dict(self.links),
            "subject": self.subject(),
            "text": {"id": self.text("id"), "en": self.text("en")},
        }

    def _lines(self, lang: str) -> Iterator[str | None]:
        id_ = lang == "id"
        name = f'"{self.title}" ({self.dataset})'
        when = written_date(self.at, lang)
        if self.kind == FAILED and self.event == OPENED:
            label = status_label(self.status or "failed", lang)
            yield (
                f"Proses dataset {name} {label} pada {when}."
                if id_
                else f"The run of dataset {name} {'was ' if label != 'failed' else ''}"
                f"{label} on {when}."
            )
            yield ""
            yield f"{'Proses' if id_ else 'Run'}: {self.run_id}" if self.run_id else None
            message = self.message if id_ else (self.message_en or self.message)
            yield f"{'Pesan' if id_ else 'Message'}: {message}" if message else None
        elif self.kind == FAILED:
            label = status_label(self.status or "published", lang)
            yield (
                f"Proses dataset {name} kembali berhasil pada {when} ({label})."
                if id_
                else f"The run of dataset {name} succeeded again on {when} ({label})."
            )
            yield ""
            yield f"{'Proses' if id_ else 'Run'}: {self.run_id}" if self.run_id else None
        elif self.event == OPENED:
            every = self.frequency if id_ else FREQUENCIES_EN.get(self.frequency or "", "")
            due = written_date(self.due_at, lang) if self.due_at else "-"
            last = written_date(self.last_changed, lang) if self.last_changed else "-"
            yield (
                f"Dataset {name} terlambat: pemutakhiran {every} seharusnya sudah ada paling "
                f"lambat {due}. Pemutakhiran terakhir: {last}."
                if id_
                else f"Dataset {name} is late: its {every} update was due by {due}. "
                f"Last update: {last}."
            )
            yield ""
        else:
            yield (
                f"Dataset {name} kembali tepat waktu pada {when}."
                if id_
                else f"Dataset {name} is on time again since {when}."
            )
            yield ""
        if self.event == CLEARED and self.opened_at is not None:
            opened = written_date(self.opened_at, lang)
            yield (
                f"Kejadian yang dibuka {opened} telah selesai."
                if id_
                else f"The incident opened on {opened} is closed."
            )
        if self.links.get("catalog"):
            yield f"{'Riwayat proses' if id_ else 'Run history'}: {self.links['catalog']}"
        if self.links.get("airflow"):
            yield f"Airflow: {self.links['airflow']}"
        yield ""
        yield (
            "Pesan ini dikirim sekali per kejadian; pesan pemulihan menyusul saat kejadian selesai."
            if id_
            else "This message is sent once per incident; another follows when it clears."
        )


# --- channels ------------------------------------------------------------------------------

# channel -> True (delivered), False (failed; tried again next time), None (not configured)
Delivery = dict[str, bool | None]
Deliver = Callable[[Alert, Iterable[str]], Delivery]
CHANNELS = ("email", "webhook")


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _connection(conn_id: str) -> ConnectionInfo | None:
    try:
        return get_connection(conn_id)
    except ConnectionNotFoundError:
        return None


def send_email(alert: Alert, conn: ConnectionInfo) -> None:
    """One e-mail of `alert` to its recipients through the SMTP server of `conn`."""
    if not conn.host:
        raise ValueError(f"connection {conn.conn_id!r} has no host")
    extra = conn.extra
    message = EmailMessage()
    message["Subject"] = alert.subject()
    message["From"] = str(extra.get("from_email") or DEFAULT_FROM)
    message["To"] = ", ".join(alert.recipients)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="tangerangkota.go.id")
    message.set_content(alert.body())
    timeout = float(extra.get("timeout") or 30)
    context = ssl.create_default_context()
    if _flag(extra.get("disable_ssl")):
        smtp: smtplib.SMTP = smtplib.SMTP(conn.host, conn.port or 587, timeout=timeout)
        if not _flag(extra.get("disable_tls")):
            smtp.starttls(context=context)
    else:
        smtp = smtplib.SMTP_SSL(conn.host, conn.port or 465, timeout=timeout, context=context)
    with smtp:
        if conn.login:
            smtp.login(conn.login, conn.password or "")
        smtp.send_message(message)


def post_webhook(alert: Alert, conn: ConnectionInfo) -> None:
    """One JSON POST of `alert` to the URL of `conn` (never resent after a 5xx or a timeout:
    the receiver may have taken it)."""
    from tangerang_hub.http_client import client_for

    client = client_for(conn, timeout=15.0, retries=2)
    client.post(conn.base_url, json=alert.payload())


def deliver(alert: Alert, channels: Iterable[str] = CHANNELS) -> Delivery:
    """Send `alert` on `channels`; what happened on each, never an exception."""
    result: Delivery = {}
    for channel in channels:
        conn_id = SMTP_CONN_ID if channel == "email" else WEBHOOK_CONN_ID
        conn = _connection(conn_id)
        if conn is None:
            if channel == "email":
                log.warning("%s: no Connection %s; no e-mail sent", alert.dataset, conn_id)
            result[channel] = None
            continue
        if channel == "email" and not alert.recipients:
            log.warning("%s: the contract names no walidata e-mail; no e-mail sent", alert.dataset)
            result[channel] = None
            continue
        try:
            (send_email if channel == "email" else post_webhook)(alert, conn)
        except Exception as exc:  # noqa: BLE001 - an alert must never fail the run
            log.warning(
                "%s: %s alert not delivered: %s", alert.dataset, channel, type(exc).__name__
            )
            result[channel] = False
        else:
            result[channel] = True
    return result


# --- incidents -----------------------------------------------------------------------------


@contextmanager
def _incidents(workdir: Path, dataset: str) -> Iterator[dict[str, Any]]:
    """The dataset's open incidents, locked against the other DAG, written back on exit."""
    path = layout.alerts_path(workdir, dataset)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        yield state
        write_json(path, state)


def _pending(incident: Mapping[str, Any]) -> list[str]:
    """The channels an open incident has not reached yet (failed ones are tried again)."""
    delivered = incident.get("delivered") or {}
    return [channel for channel in CHANNELS if delivered.get(channel) is False]


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _recipients(contract: Contract) -> tuple[str, ...]:
    email = (contract.sdi.get("walidata") or {}).get("email")
    return (email,) if isinstance(email, str) and "@" in email else ()


def _open(
    state: dict[str, Any], alert: Alert, deliver: Deliver, extra: Mapping[str, Any]
) -> list[Alert]:
    incident = state.get(alert.kind)
    if incident is None:
        delivered = deliver(alert, CHANNELS)
        state[alert.kind] = {
            "opened_at": alert.at.isoformat(),
            **extra,
            "delivered": delivered,
        }
        return [alert]
    retry = _pending(incident)
    if retry:  # the first attempt did not get through: the same alert, on those channels
        first = _parse(incident.get("opened_at")) or alert.at
        again = replace(alert, at=first)
        incident["delivered"] = {**incident.get("delivered", {}), **deliver(again, retry)}
        return [again]
    return []


def _clear(state: dict[str, Any], alert: Alert, deliver: Deliver) -> list[Alert]:
    incident = state.pop(alert.kind, None)
    if incident is None:
        return []
    cleared = replace(alert, opened_at=_parse(incident.get("opened_at")))
    deliver(cleared, CHANNELS)
    return [cleared]


def _links(dataset: str, catalog_url: str | None, airflow_url: str | None) -> dict[str, str]:
    links = {}
    if catalog_url:
        links["catalog"] = f"{catalog_url.rstrip('/')}/dataset/{dataset}/riwayat-proses"
    if airflow_url:
        links["airflow"] = airflow_url
    return links


def after_run(
    contract: Contract,
    report: RunReport,
    *,
    workdir: Path,
    catalog_url: str | None = None,
    airflow_url: str | None = None,
    deliver: Deliver = deliver,
) -> list[Alert]:
    """The DAG's report task, once the run report is sent: a run that did not succeed opens the
    ``failed`` incident (or keeps it open); one that succeeded clears it, and one that
    published new data clears ``late`` too. Returns the messages sent."""
    at = report.finished_at or report.started_at
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    alert = Alert(
        dataset=contract.id,
        title=contract.title,
        kind=FAILED,
        event=CLEARED if report.ok else OPENED,
        at=at,
        recipients=_recipients(contract),
        run_id=report.run_id,
        status=report.status,
        message=report.message,
        message_en=report.text("en"),
        frequency=contract.frequency,
        links=_links(contract.id, catalog_url, airflow_url),
    )
    with _incidents(workdir, contract.id) as state:
        if not report.ok:
            return _open(state, alert, deliver, {"run_id": report.run_id})
        sent = _clear(state, alert, deliver)
        if report.status == "published":
            sent += _clear(state, replace(alert, kind=LATE), deliver)
        return sent


def due_at(frequency: str, last_changed: datetime | None) -> datetime | None:
    """When the update after `last_changed` is late; None: no promised period or no data."""
    days = catalog.period_days(frequency)
    if days is None or last_changed is None:
        return None
    return last_changed + timedelta(days=days) + LATE_GRACE


def check_lateness(
    contract: Contract,
    last_changed: datetime | None,
    *,
    workdir: Path,
    now: datetime,
    catalog_url: str | None = None,
    deliver: Deliver = deliver,
) -> list[Alert]:
    """Open the ``late`` incident of one dataset once `now` is past `due_at`; clear it when
    the dataset is on time again. Returns the messages sent."""
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    if last_changed is not None and last_changed.tzinfo is None:
        last_changed = last_changed.replace(tzinfo=UTC)
    due = due_at(contract.frequency, last_changed)
    alert = Alert(
        dataset=contract.id,
        title=contract.title,
        kind=LATE,
        event=OPENED,
        at=now,
        recipients=_recipients(contract),
        frequency=contract.frequency,
        due_at=due,
        last_changed=last_changed,
        links=_links(contract.id, catalog_url, None),
    )
    with _incidents(workdir, contract.id) as state:
        if due is not None and now > due:
            return _open(state, alert, deliver, {"due_at": due.isoformat()})
        return _clear(state, replace(alert, event=CLEARED), deliver)


def check_catalog_lateness(
    client: Any,
    contracts: Iterable[Contract],
    *,
    workdir: Path,
    now: datetime,
    deliver: Deliver = deliver,
    progress: Callable[[str], None] | None = None,
) -> list[Alert]:
    """The daily quality DAG: `check_lateness` for every contract the catalog publishes
    (``package_show`` as the pipeline bot; a dataset it does not have is skipped)."""
    say = progress or (lambda _message: None)
    sent: list[Alert] = []
    for contract in contracts:
        package = client.show_or_none("package_show", id=contract.id)
        if not package or package.get("state") != "active":
            continue
        alerts = check_lateness(
            contract,
            _parse(package.get("last_run_at")),
            workdir=workdir,
            now=now,
            catalog_url=getattr(client, "base_url", None),
            deliver=deliver,
        )
        for alert in alerts:
            say(f"[{contract.id}] {alert.kind} {alert.event}")
        sent += alerts
    return sent
