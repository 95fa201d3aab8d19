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


def test_downgrade_and_upgrade_round_trip(migrate_db_for):
    assert TABLE in _tables()
    assert {"package_id", "run_id", "status", "validation", "finished_at"} <= _columns()
    head = current_revision("tangerang")

    model.Session.remove()
    migrate_db_for("tangerang", "base", forward=False)
    assert TABLE not in _tables()
    assert current_revision("tangerang") == "base"

    migrate_db_for("tangerang")
    assert TABLE in _tables()
    assert current_revision("tangerang") == head


def test_model_matches_migrated_table():
    from ckanext.tangerang.model import RunReport

    assert {c.name for c in RunReport.__table__.columns} == _columns()
