"""PostgreSQL restarts (fast shutdown: every session ended, open transactions rolled back)
while the catalog's job loads the new version into the DataStore.

The load's one transaction rolls back with the restart: readers keep the old table (and,
while PostgreSQL is down, get errors, never an empty or partial table). The run fails on
the load; the re-run finds the new files published and the table stale, and reloads it.
"""

from __future__ import annotations

import threading
import time

from ckan_site import bot_client
from fault_checks import Outages, Poller, assert_published, assert_readers_saw, resource_ids
from fault_setup import wait_until
from stack_control import restart_postgres

# Enough rows for the load to take a few seconds: the restart must land inside it.
OLD_ROWS, NEW_ROWS = 60_000, 61_000


def latest_load(resource_id: str) -> dict:
    return bot_client().call("tangerang_datastore_load_status", resource_id=resource_id)


def test_postgres_restart_during_the_datastore_load_keeps_the_old_table(dataset):
    dataset.publish(OLD_ROWS)
    ids = resource_ids(dataset.package())
    old_load = latest_load(ids[0])["id"]
    dataset.write_source(NEW_ROWS)
    outages = Outages()
    runs: list = []

    with Poller(ids[0]) as poller:
        runner = threading.Thread(target=lambda: runs.append(dataset.run()), daemon=True)
        runner.start()
        load = wait_until(
            lambda: (
                (job := latest_load(ids[0]))["id"] != old_load
                and job["status"] == "running"
                and job
            ),
            120,
            "the new version's DataStore load to start",
        )
        outages.down()
        restart_postgres()
        outages.up()
        runner.join(timeout=90)
        assert runs, "the run did not end within 90 s of the restart: its load never ended"
        interrupted = wait_until(
            lambda: (job := latest_load(ids[0]))["status"] in ("complete", "error") and job,
            60,
            "the interrupted load to end",
        )
        assert interrupted["id"] == load["id"]
        assert interrupted["status"] == "error", "the load finished before the restart"
        assert runs[0].status == "failed", runs[0].message
        assert bot_client().call("datastore_search", resource_id=ids[0], limit=0)["total"] == (
            OLD_ROWS
        )
        again = dataset.run()
        time.sleep(0.3)

    assert again.status == "published", again.message
    assert_published(dataset.contract, dataset.workdir, again.sha256, NEW_ROWS, ids=ids)
    assert_readers_saw(poller, OLD_ROWS, NEW_ROWS, outages)
