"""The run report table comes and goes with the plugin's alembic migrations."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.cli.db import current_revision

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

TABLE = "tangerang_run_report"


def _tables() -> set[str]:
    return set(sa.inspect(model.meta.engine).get_table_names())


def _columns() -> set[str]:
    return {c["name"] for c in sa.inspect(model.meta.engine).get_columns(TABLE)}


REVIEW_REVISION = "3f9a6c1d7e52"
REVIEW_TABLE = "tangerang_review_event"
DATASTORE_LOAD_REVISION = "8d3b6f0e2c47"
DATA_DOCS_REVISION = "5c2e7d41a8b3"
FIRST_REVISION = "0a1f3c2b9d01"
LOAD_TABLE = "tangerang_datastore_load"


def _head_revision() -> str:
    """The single head of the plugin's migration files (each helper adds its own)."""
    from pathlib import Path

    from alembic.script import ScriptDirectory

    import ckanext.tangerang

    heads = ScriptDirectory(str(Path(ckanext.tangerang.__file__).parent / "migration/tangerang"))
    assert len(heads.get_heads()) == 1, heads.get_heads()
    return heads.get_heads()[0]


def test_downgrade_and_upgrade_round_trip(migrate_db_for):
    assert TABLE in _tables()
    assert {"package_id", "run_id", "status", "validation", "finished_at"} <= _columns()
    assert {"data_docs_html", "data_docs_bytes"} <= _columns()
    head = current_revision("tangerang")
    assert head.split()[0] == _head_revision()

    # One step down drops the review table.
    model.Session.remove()
    migrate_db_for("tangerang", DATASTORE_LOAD_REVISION, forward=False)
    assert REVIEW_TABLE not in _tables()
    assert LOAD_TABLE in _tables()

    # One step down drops the DataStore load table.
    model.Session.remove()
    migrate_db_for("tangerang", DATA_DOCS_REVISION, forward=False)
    assert LOAD_TABLE not in _tables()
    assert TABLE in _tables()

    # One step down drops the Data Docs columns and keeps the table.
    model.Session.remove()
    migrate_db_for("tangerang", FIRST_REVISION, forward=False)
    assert current_revision("tangerang").split()[0] == FIRST_REVISION
    assert TABLE in _tables()
    assert not {"data_docs_html", "data_docs_bytes"} & _columns()

    model.Session.remove()
    migrate_db_for("tangerang", "base", forward=False)
    assert TABLE not in _tables()
    assert current_revision("tangerang") == "base"

    migrate_db_for("tangerang")
    assert TABLE in _tables()
    assert LOAD_TABLE in _tables()
    assert REVIEW_TABLE in _tables()
    assert current_revision("tangerang") == head
    assert {"data_docs_html", "data_docs_bytes"} <= _columns()


def test_model_matches_migrated_table():
    from ckanext.tangerang.model import RunReport

    assert {c.name for c in RunReport.__table__.columns} == _columns()


def test_load_job_model_matches_migrated_table():
    from ckanext.tangerang.load_job import DatastoreLoadJob

    columns = {c["name"] for c in sa.inspect(model.meta.engine).get_columns(LOAD_TABLE)}
    assert {c.name for c in DatastoreLoadJob.__table__.columns} == columns


def test_review_model_matches_migrated_table():
    from ckanext.tangerang.review import ReviewEvent

    columns = {c["name"] for c in sa.inspect(model.meta.engine).get_columns(REVIEW_TABLE)}
    assert {c.name for c in ReviewEvent.__table__.columns} == columns


def test_hub_datasets_public_before_review_existed_are_recorded_as_approved(
    migrate_db_for, make_org, make_dataset
):
    org = make_org()["id"]
    public = make_dataset(org, name="lama-publik", contract_id="lama-publik")
    closed = make_dataset(org, name="lama-privat", contract_id="lama-privat", private=True)
    manual = make_dataset(org, name="manual")
    model.Session.remove()
    migrate_db_for("tangerang", DATASTORE_LOAD_REVISION, forward=False)
    # Before review existed, the hub's dataset was public.
    model.Session.execute(sa.text("UPDATE package SET private = false WHERE name = 'lama-publik'"))
    model.Session.commit()
    migrate_db_for("tangerang")

    from ckanext.tangerang import review

    approved = review.latest(public["id"])
    assert approved is not None and approved.state == review.APPROVED
    assert approved.access == "terbuka" and approved.fields is None
    assert review.latest(closed["id"]) is None and review.latest(manual["id"]) is None
    assert review.may_be_public(model.Package.get(public["id"]))
