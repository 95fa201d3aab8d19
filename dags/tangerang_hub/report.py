"""Send a run report to the catalog (`tangerang_run_report_create`).

The payload carries the run's Data Docs as one self-contained HTML page, `data_docs_html`
(masked values only, under `MAX_DATA_DOCS_BYTES`); the catalog stores it, serves it at
`/dataset/<name>/riwayat-proses/<run_id>/validasi` and answers with that page's absolute
`report_url`. A catalog that does not know `data_docs_html` yet and refuses the report is
sent the report again without it: the run is recorded either way.
"""

from __future__ import annotations

import logging
from typing import Any

from tangerang_hub.ckan_client import CkanClient, CkanError, NotFound
from tangerang_hub.run_report import RunReport

log = logging.getLogger(__name__)

# Problems listed in a report; the full list stays in the quarantine folder.
MAX_PROBLEMS = 200
MAX_DATA_DOCS_BYTES = 2_000_000
DATA_DOCS_KEY = "data_docs_html"


def data_docs_html(report: RunReport) -> str | None:
    """The run's one-page Data Docs, when it exists and is small enough to send."""
    path = report.data_docs_path
    if path is None or not path.is_file() or path.stat().st_size >= MAX_DATA_DOCS_BYTES:
        return None
    text = path.read_text(encoding="utf-8")
    return text if len(text.encode("utf-8")) < MAX_DATA_DOCS_BYTES else None


def report_payload(report: RunReport, *, with_data_docs: bool = True) -> dict[str, Any]:
    data = report.to_dict()
    payload: dict[str, Any] = {
        "package_id": report.package_id or report.dataset,
        "run_id": report.run_id,
        "status": report.status,
        "started_at": data["started_at"],
        "finished_at": data["finished_at"],
        "rows": report.rows,
        "sha256": report.sha256,
        "message": report.message[:2000],
        "report_url": report.report_url or "",
        "validation": {
            "success": report.ok,
            "blocking": data["problems"][:MAX_PROBLEMS],
            "warnings": data["warnings"][:MAX_PROBLEMS],
            "statistics": data["statistics"],
        },
    }
    if report.message_code:  # the catalog renders the message in the visitor's language
        payload["validation"]["message_code"] = report.message_code
        payload["validation"]["message_params"] = data["message_params"]
    docs = data_docs_html(report) if with_data_docs else None
    if docs is not None:
        payload[DATA_DOCS_KEY] = docs
    return payload


def send_report(client: CkanClient, report: RunReport) -> dict[str, Any] | None:
    """Record the run in CKAN. A dataset that was never published has no page
    to attach runs to; that case is logged, not raised. The result carries the run page's
    `report_url` when the catalog stores Data Docs."""
    payload = report_payload(report)
    try:
        try:
            return client.call("tangerang_run_report_create", payload)
        except NotFound:
            raise
        except CkanError as exc:
            if DATA_DOCS_KEY not in payload:
                raise
            log.warning(
                "run %s of %s: report with Data Docs refused (%s); sending it without",
                report.run_id,
                report.dataset,
                exc,
            )
            return client.call(
                "tangerang_run_report_create", report_payload(report, with_data_docs=False)
            )
    except NotFound:
        log.warning(
            "run %s of %s not reported: dataset not in CKAN yet", report.run_id, report.dataset
        )
        return None
    except CkanError as exc:
        log.warning("run %s of %s not reported: %s", report.run_id, report.dataset, exc)
        return None
