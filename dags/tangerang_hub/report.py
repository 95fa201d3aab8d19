"""Send a run report to the catalog (`tangerang_run_report_create`)."""

from __future__ import annotations

import logging
from typing import Any

from tangerang_hub.ckan_client import CkanClient, CkanError, NotFound
from tangerang_hub.run_report import RunReport

log = logging.getLogger(__name__)

# Problems listed in a report; the full list stays in the quarantine folder.
MAX_PROBLEMS = 200


def report_payload(report: RunReport) -> dict[str, Any]:
    data = report.to_dict()
    return {
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
            "success": report.status in ("published", "unchanged"),
            "blocking": data["problems"][:MAX_PROBLEMS],
            "warnings": data["warnings"][:MAX_PROBLEMS],
            "statistics": data["statistics"],
        },
    }


def send_report(client: CkanClient, report: RunReport) -> dict[str, Any] | None:
    """Record the run in CKAN. A dataset that was never published has no page
    to attach runs to; that case is logged, not raised."""
    try:
        return client.call("tangerang_run_report_create", report_payload(report))
    except NotFound:
        log.warning(
            "run %s of %s not reported: dataset not in CKAN yet", report.run_id, report.dataset
        )
        return None
    except CkanError as exc:
        log.warning("run %s of %s not reported: %s", report.run_id, report.dataset, exc)
        return None
