"""The source misbehaves while a new version is fetched: 500, 429 with Retry-After, a hang
past the timeout, a body cut short. The run retries what may be retried and otherwise fails
or is rejected; the published version stays whole until a run gets the whole file."""

from __future__ import annotations

import time

import pytest
from fault_checks import Poller, assert_published, assert_readers_saw, resource_ids

OLD_ROWS, NEW_ROWS = 40, 58


def test_500_then_429_are_retried_honouring_retry_after(dataset, agency):
    dataset.publish(OLD_ROWS)
    ids = resource_ids(dataset.package())
    dataset.write_source(NEW_ROWS)
    agency.script(dataset.key, "500", "429:2")
    with Poller(ids[0]) as poller:
        report = dataset.run()
        time.sleep(0.3)

    assert report.status == "published", report.message
    hits = agency.hits(dataset.key)
    assert [hit["step"] for hit in hits] == ["500", "429:2", "serve"]
    assert hits[2]["at"] - hits[1]["at"] >= 2.0, "the retry came before Retry-After"
    assert_published(dataset.contract, dataset.workdir, report.sha256, NEW_ROWS, ids=ids)
    assert_readers_saw(poller, OLD_ROWS, NEW_ROWS)


def test_a_source_that_hangs_is_abandoned_at_the_timeout_and_retried(dataset, agency):
    dataset.publish(OLD_ROWS)
    ids = resource_ids(dataset.package())
    dataset.write_source(NEW_ROWS)
    agency.script(dataset.key, "hang:20")
    started = time.monotonic()
    report = dataset.run()
    elapsed = time.monotonic() - started

    assert report.status == "published", report.message
    assert [hit["step"] for hit in agency.hits(dataset.key)] == ["hang:20", "serve"]
    assert elapsed < 15, f"the run waited {elapsed:.1f}s on a source that hung (timeout 1 s)"
    assert_published(dataset.contract, dataset.workdir, report.sha256, NEW_ROWS, ids=ids)


def test_a_source_that_never_answers_fails_the_run_and_the_published_version_stays(dataset, agency):
    first = dataset.publish(OLD_ROWS)
    ids = resource_ids(dataset.package())
    dataset.write_source(NEW_ROWS)
    agency.script(dataset.key, "hang:20", "hang:20", "hang:20")
    with Poller(ids[0]) as poller:
        started = time.monotonic()
        hung = dataset.run()
        elapsed = time.monotonic() - started
        assert hung.status == "failed", hung.message
        assert elapsed < 15, f"the run waited {elapsed:.1f}s on a source that never answered"
        assert_published(dataset.contract, dataset.workdir, first.sha256, OLD_ROWS, ids=ids)
        again = dataset.run()
        time.sleep(0.3)

    assert again.status == "published", again.message
    assert_published(dataset.contract, dataset.workdir, again.sha256, NEW_ROWS, ids=ids)
    assert_readers_saw(poller, OLD_ROWS, NEW_ROWS)


@pytest.mark.parametrize(
    ("step", "outcome"),
    [
        ("short", "failed"),  # less than the declared Content-Length: the HTTP layer refuses it
        ("cut", "rejected"),  # a file that ends mid-row: its last row is a read problem
    ],
)
def test_a_truncated_body_publishes_nothing_and_the_rerun_publishes_it_all(
    dataset, agency, step, outcome
):
    first = dataset.publish(OLD_ROWS)
    ids = resource_ids(dataset.package())
    dataset.write_source(NEW_ROWS)
    agency.script(dataset.key, step)
    with Poller(ids[0]) as poller:
        cut = dataset.run()
        assert cut.status == outcome, cut.message
        assert_published(dataset.contract, dataset.workdir, first.sha256, OLD_ROWS, ids=ids)
        again = dataset.run()
        time.sleep(0.3)

    assert [hit["step"] for hit in agency.hits(dataset.key)] == [step, "serve"]
    assert again.status == "published", again.message
    assert_published(dataset.contract, dataset.workdir, again.sha256, NEW_ROWS, ids=ids)
    assert_readers_saw(poller, OLD_ROWS, NEW_ROWS)
