"""CKAN (the test site's gunicorn, master and workers) is killed while a publish is under
way, at three moments of the one write that matters, then started again and the run re-run.

Writes are never resent (CKAN may have done them): the relay in front of CKAN sees each
write once. The re-run finds what the killed run left and finishes it: the same resources,
the right files, the DataStore reloaded when the files changed but the table did not.
"""

from __future__ import annotations

import threading
import time

import pytest
from fault_checks import Outages, Poller, assert_published, assert_readers_saw, resource_ids
from fault_setup import relay_client
from relay import Relay, Request, Trigger
from stack_control import CKAN_PORT, kill_ckan, start_ckan

OLD_ROWS, NEW_ROWS = 40, 58


def is_upload(request: Request) -> bool:
    """The package_revise that replaces every file (multipart)."""
    return request.action == "package_revise" and request.is_upload


def is_placeholder_extend(request: Request) -> bool:
    """The package_revise that adds a new dataset's three placeholder resources."""
    return request.action == "package_revise" and b"update__resources__extend" in request.body


def test_ckan_killed_while_the_new_files_upload_keeps_the_published_version(dataset):
    first = dataset.publish(OLD_ROWS)
    ids = resource_ids(dataset.package())
    dataset.write_source(NEW_ROWS)
    outages = Outages()

    def kill() -> None:
        outages.down()
        kill_ckan()

    with Poller(ids[0]) as poller:
        with Relay(CKAN_PORT, Trigger(is_upload, "half_sent", kill)) as relay:
            killed = dataset.run(relay_client(relay.url))
        assert relay.trigger.fired.is_set(), "CKAN was never killed: no upload reached it"
        assert killed.status == "failed", killed.message
        assert sum(map(is_upload, relay.requests)) == 1, "the upload was resent"
        start_ckan()
        outages.up()
        assert_published(dataset.contract, dataset.workdir, first.sha256, OLD_ROWS, ids=ids)
        again = dataset.run()
        time.sleep(0.3)

    assert again.status == "published", again.message
    assert_published(dataset.contract, dataset.workdir, again.sha256, NEW_ROWS, ids=ids)
    assert_readers_saw(poller, OLD_ROWS, NEW_ROWS, outages)


@pytest.mark.parametrize(
    ("new_rows", "bump"),
    [(NEW_ROWS, 0), (OLD_ROWS, 1)],
    ids=["more-rows", "same-row-count-new-values"],
)
def test_ckan_killed_after_saving_the_files_before_answering_is_finished_by_the_rerun(
    dataset, new_rows, bump
):
    dataset.publish(OLD_ROWS)
    ids = resource_ids(dataset.package())
    dataset.write_source(new_rows, bump=bump)
    outages = Outages()

    def kill() -> None:
        outages.down()
        kill_ckan()

    with Poller(ids[0]) as poller:
        with Relay(CKAN_PORT, Trigger(is_upload, "answered", kill)) as relay:
            killed = dataset.run(relay_client(relay.url))
        assert relay.trigger.fired.is_set(), "CKAN was never killed: no upload reached it"
        assert killed.status == "failed", killed.message
        assert sum(map(is_upload, relay.requests)) == 1, "the upload was resent"
        start_ckan()
        outages.up()
        # CKAN did the write before it died: the new files are in, the table is the old one.
        assert dataset.package()["sha256"] == killed.sha256
        again = dataset.run()
        time.sleep(0.3)

    assert again.status == "published", again.message
    assert again.sha256 == killed.sha256
    assert_published(dataset.contract, dataset.workdir, again.sha256, new_rows, ids=ids)
    assert_readers_saw(poller, OLD_ROWS, new_rows, outages)


def test_ckan_killed_after_adding_a_new_datasets_placeholders_adds_them_once(dataset):
    rows = dataset.write_source(NEW_ROWS)
    restarted = threading.Event()

    def kill_and_restart() -> None:
        # CKAN comes back at once (~6 s), within the client's retry window (~22 s): a
        # resent write would find it and add a second set of placeholders.
        kill_ckan()
        threading.Thread(target=lambda: (start_ckan(), restarted.set()), daemon=True).start()

    with Relay(CKAN_PORT, Trigger(is_placeholder_extend, "answered", kill_and_restart)) as relay:
        killed = dataset.run(relay_client(relay.url))
        assert relay.trigger.fired.is_set(), "CKAN was never killed: no placeholders were added"
        assert restarted.wait(120), "CKAN did not come back"
    assert sum(map(is_placeholder_extend, relay.requests)) == 1, "the placeholders were resent"
    assert killed.status == "failed", killed.message
    ids = resource_ids(dataset.package())
    assert len(dataset.package()["resources"]) == 3

    with Poller(ids[0]) as poller:
        again = dataset.run()
        time.sleep(0.3)
    assert again.status == "published", again.message
    assert_published(dataset.contract, dataset.workdir, again.sha256, rows, ids=ids)
    assert_readers_saw(poller, None, rows)
