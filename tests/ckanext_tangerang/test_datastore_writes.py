"""The DataStore's writes wait for a running tangerang_datastore_load instead of being lost.

A load holds the resource's ``rows`` lock from its start to its swap and its ``load`` lock to
the end of its index build. Here another session holds them, as a load on the worker would,
and the real DataStore actions run against the unit site's DataStore database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from ckan import model
from ckan.lib import jobs as ckan_jobs
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.datastore.backend import DatastoreBackend

from ckanext.tangerang import advisory_locks, datastore_load

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations datastore activity"
    ),
    pytest.mark.ckan_config("ckanext.tangerang.datastore_write_lock_wait_ms", 300),
    pytest.mark.usefixtures(
        "with_plugins", "clean_db", "clean_index", "clean_queues", "with_test_worker"
    ),
]

FIELDS = [{"id": "kode", "type": "text"}, {"id": "nama", "type": "text"}]
ROWS = [{"kode": "0001", "nama": "Puskesmas Sentosa"}, {"kode": "0002", "nama": "Klinik"}]
CSV = "kode,nama\n0001,Puskesmas Sentosa\n0002,Klinik\n"


@pytest.fixture
def editor() -> dict[str, Any]:
    return factories.UserWithToken()


@pytest.fixture
def dataset(editor, make_org, make_dataset) -> dict[str, Any]:
    org = make_org(users=[{"name": editor["name"], "capacity": "editor"}])
    return make_dataset(org["id"])


@pytest.fixture
def resource(dataset, editor) -> dict[str, Any]:
    """A writable DataStore resource of two rows, keyed on ``kode``."""
    created = call_action(
        "datastore_create",
        context={"user": editor["name"]},
        resource={"package_id": dataset["id"]},
        fields=FIELDS,
        primary_key=["kode"],
        records=ROWS,
    )
    return call_action("resource_show", id=created["resource_id"])


@contextmanager
def _held(resource_id: str, kind: str) -> Iterator[None]:
    """Hold the lock ``kind`` from another session, as a running load does."""
    conn = datastore_load.connect()
    try:
        with datastore_load.resource_lock(conn, resource_id, kind, wait_s=0):
            yield
    finally:
        conn.close()


def _held_elsewhere(resource_id: str, kind: str) -> bool:
    """Whether some session holds the lock (tried from a new one, released at once)."""
    conn = datastore_load.connect()
    try:
        return not advisory_locks.try_lock(conn, datastore_load.lock_key(resource_id, kind), 0)
    finally:
        conn.close()  # a lock it took ends with its session


def _names(resource_id: str) -> list[str]:
    result = call_action("datastore_search", resource_id=resource_id, sort="kode")
    return [r["nama"] for r in result["records"]]


def _upsert(rid: str) -> Any:
    return call_action(
        "datastore_upsert",
        resource_id=rid,
        records=[{"kode": "0001", "nama": "Puskesmas Baru"}],
        method="upsert",
    )


# Each write, the lock it waits for, and how to tell it ran.
WRITES = {
    "upsert": ("rows", _upsert, ["Puskesmas Baru", "Klinik"]),
    "delete_rows": (
        "rows",
        lambda rid: call_action("datastore_delete", resource_id=rid, filters={"kode": "0002"}),
        ["Puskesmas Sentosa"],
    ),
    "records_delete": (
        "rows",
        lambda rid: call_action(
            "datastore_records_delete", resource_id=rid, filters={"kode": "0002"}
        ),
        ["Puskesmas Sentosa"],
    ),
    "run_triggers": (
        "rows",
        lambda rid: call_action("datastore_run_triggers", resource_id=rid),
        ["Puskesmas Sentosa", "Klinik"],
    ),
    "create": (
        "load",
        lambda rid: call_action(
            "datastore_create", resource_id=rid, records=[{"kode": "0003", "nama": "RSUD"}]
        ),
        ["Puskesmas Sentosa", "Klinik", "RSUD"],
    ),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_write_during_a_load_is_refused_clearly_and_applies_after_it(resource, write):
    kind, run, after = WRITES[write]
    rid = resource["id"]
    with _held(rid, kind):
        with pytest.raises(tk.ValidationError) as refused:
            run(rid)
        assert "tangerang_datastore_load" in refused.value.error_dict["resource_id"][0]
        assert _names(rid) == ["Puskesmas Sentosa", "Klinik"]  # nothing written
    run(rid)
    assert _names(rid) == after
    # The write's own lock went back to the pool released.
    assert not _held_elsewhere(rid, kind)


def test_dropping_the_table_waits_for_the_whole_load_and_row_writes_only_for_the_swap(resource):
    rid = resource["id"]
    context = {"user": factories.Sysadmin()["name"]}  # resource_patch needs a user
    with _held(rid, "load"):  # after the swap: the load builds its indexes
        _upsert(rid)
        call_action("datastore_delete", resource_id=rid, filters={"kode": "0002"})
        with pytest.raises(tk.ValidationError):
            call_action("datastore_delete", context=context, resource_id=rid)
        assert _names(rid) == ["Puskesmas Baru"]
    call_action("datastore_delete", context=context, resource_id=rid)
    assert call_action("resource_show", id=rid)["datastore_active"] is False


def test_a_new_resource_is_created_at_once(resource):
    # datastore_create with ``resource``: there is no table a load could be replacing.
    with _held(resource["id"], "load"), _held(resource["id"], "rows"):
        created = call_action(
            "datastore_create",
            context={"user": factories.Sysadmin()["name"]},
            resource={"package_id": resource["package_id"]},
            fields=FIELDS,
            records=ROWS,
        )
    assert _names(created["resource_id"]) == ["Puskesmas Sentosa", "Klinik"]


def test_access_is_checked_before_the_wait(resource):
    # Whoever may not write learns that, and not whether a load is running.
    outsider = factories.User()["name"]
    rid = resource["id"]
    with _held(rid, "rows"), _held(rid, "load"):
        for user in ("", outsider):
            for action, data in (
                ("datastore_upsert", {"records": ROWS, "method": "upsert"}),
                ("datastore_delete", {"filters": {"kode": "0001"}}),
                ("datastore_delete", {}),
                ("datastore_create", {"records": ROWS}),
                ("datastore_run_triggers", {}),
                ("resource_delete", {"id": rid}),
            ):
                with pytest.raises(tk.NotAuthorized):
                    call_action(
                        action,
                        context={"user": user, "ignore_auth": False, "model": model},
                        resource_id=rid,
                        **data,
                    )


def _table_exists(resource_id: str) -> bool:
    return DatastoreBackend.get_active_backend().resource_exists(resource_id)


def test_deleting_the_resource_waits_for_the_load(resource):
    # The DataStore drops the table inside resource_delete; a load's swap would bring it back.
    rid = resource["id"]
    context = {"user": factories.Sysadmin()["name"]}
    with _held(rid, "load"):
        with pytest.raises(tk.ValidationError):
            call_action("resource_delete", context=dict(context), id=rid)
        assert call_action("resource_show", id=rid)["datastore_active"] is True
        assert _table_exists(rid)
    call_action("resource_delete", context=dict(context), id=rid)
    assert not _table_exists(rid)


def test_a_load_of_a_resource_deleted_before_it_ran_fails_clearly(
    dataset, editor, create_with_upload
):
    rid = create_with_upload(
        CSV, "data.csv", package_id=dataset["id"], format="CSV", context={"user": editor["name"]}
    )["id"]
    job = call_action("tangerang_datastore_load", resource_id=rid, fields=FIELDS)
    call_action("resource_delete", context={"user": factories.Sysadmin()["name"]}, id=rid)
    ckan_jobs.Worker(["default"]).work(burst=True)
    status = call_action("tangerang_datastore_load_status", id=job["id"])
    assert status["status"] == "error"
    assert status["error"]["kind"] == "deleted"
    assert "deleted" in status["error"]["message"]
    assert not _table_exists(rid)


def test_over_http_an_editor_is_told_in_indonesian_and_in_english(app, resource, editor):
    rid = resource["id"]
    body = {"resource_id": rid, "records": ROWS, "method": "upsert"}
    headers = {"Authorization": editor["token"]}
    with _held(rid, "rows"):
        refused = {
            lang: app.post(
                f"{prefix}/api/3/action/datastore_upsert", json=body, headers=headers, status=409
            ).json["error"]["resource_id"][0]
            for lang, prefix in (("id", ""), ("en", "/en"))
        }
    assert "sedang dimuat ulang" in refused["id"]
    assert "is being reloaded" in refused["en"]
    app.post("/api/3/action/datastore_upsert", json=body, headers=headers, status=200)
    app.post("/api/3/action/datastore_upsert", json=body, status=403)


def test_a_load_holds_rows_until_its_swap_and_load_to_its_end(
    dataset, editor, create_with_upload, monkeypatch
):
    rid = create_with_upload(
        CSV, "data.csv", package_id=dataset["id"], format="CSV", context={"user": editor["name"]}
    )["id"]
    seen: dict[str, tuple[bool, bool]] = {}

    def watched(step: str, function: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            seen[step] = (_held_elsewhere(rid, "rows"), _held_elsewhere(rid, "load"))
            return function(*args, **kwargs)

        return run

    monkeypatch.setattr(datastore_load, "load", watched("load", datastore_load.load))
    monkeypatch.setattr(
        datastore_load, "build_indexes", watched("indexes", datastore_load.build_indexes)
    )
    monkeypatch.setattr(datastore_load, "vacuum", watched("vacuum", datastore_load.vacuum))
    job = call_action("tangerang_datastore_load", resource_id=rid, fields=FIELDS)
    ckan_jobs.Worker(["default"]).work(burst=True)
    assert call_action("tangerang_datastore_load_status", id=job["id"])["status"] == "complete"
    assert seen == {"load": (True, True), "indexes": (False, True), "vacuum": (False, True)}
    assert not _held_elsewhere(rid, "rows") and not _held_elsewhere(rid, "load")
