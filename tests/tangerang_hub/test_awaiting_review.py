"""A first publication waits for the walidata: the run's message says uploaded and waiting,
not published (``awaiting_review``), from what the catalog answered (private + the review)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tangerang_hub import messages, pipeline
from tangerang_hub.publish import PublishResult
from tangerang_hub.run_report import RunReport


def _recorded(**result: Any) -> RunReport:
    report = RunReport("fasyankes", "r1", "failed", datetime.now(UTC), rows=58)
    base = {"status": "published", "package_id": "p", "resource_ids": ["a", "b", "c"]}
    pipeline.record_publish(report, {**base, **result})
    return report


def test_a_version_kept_private_for_review_is_told_as_waiting():
    report = _recorded(awaiting_review=True)
    assert report.status == "published"  # uploaded: the catalog holds the version
    assert (report.message_code, report.message_params) == ("awaiting_review", {"rows": 58})
    assert report.message == (
        "Diunggah: 58 baris; menunggu pemeriksaan walidata sebelum diterbitkan."
    )
    assert "Diterbitkan" not in report.message
    english = messages.render("awaiting_review", {"rows": 58}, lang="en")
    assert english == "Uploaded: 58 rows; waiting for the walidata's review before it is published."


@pytest.mark.parametrize("result", [{"awaiting_review": False}, {}])
def test_a_public_version_is_told_as_published(result):
    report = _recorded(**result)
    assert report.message_code == "published" and report.message == "Diterbitkan: 58 baris."


def test_an_unchanged_run_stays_unchanged_whatever_the_review():
    assert _recorded(status="unchanged", awaiting_review=True).message_code == "unchanged"


def test_publish_step_passes_the_catalogs_answer_on():
    """`publish_step` copies `PublishResult.awaiting_review`; a publisher without it means
    the version is public (as the pipeline's stand-ins in the other tests are)."""
    waiting = PublishResult("published", "p", ["a"], awaiting_review=True)
    assert waiting.awaiting_review is True
    assert PublishResult("published", "p", ["a"]).awaiting_review is False
