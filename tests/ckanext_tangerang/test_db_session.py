"""A request that failed gives its database session back (`db_session.release`), so a
PostgreSQL restart cannot leave a CKAN worker answering 500 for good; the fault test
tests/faults/test_postgres_restart.py shows it on the running site."""

from __future__ import annotations

import ckan.model as model

from ckanext.tangerang.db_session import release


def test_a_failed_request_gives_its_session_back():
    before = model.Session()
    release(RuntimeError("the database went away"))
    assert model.Session() is not before


def test_a_request_that_ended_well_keeps_its_session_for_ckan_to_remove():
    before = model.Session()
    release(None)
    assert model.Session() is before


def test_the_handler_runs_for_every_request_of_the_app(app):
    handlers = app.flask_app.teardown_request_funcs.get(None, [])
    assert release in handlers
