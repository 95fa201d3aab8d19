"""xloader_status returns no credential (ckanext-xloader 2.5.2 returns the site user's token).

The job is made the way production makes it: ``xloader_submit`` puts the configured token
into the queued job, and the worker's first step stores that job, ``api_key`` included,
in xloader's jobs table, where upstream ``xloader_status`` reads it back.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from ckan import model
from ckan.lib import jobs
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.xloader import db as xloader_db

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins",
        "tangerang scheming_datasets scheming_organizations datastore xloader activity",
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues"),
]

CREDENTIAL_KEYS = {"api_key", "apikey", "api_token", "token"}


def _keys(value: Any) -> set[str]:
    """Every mapping key in ``value``, at any depth."""
    if isinstance(value, dict):
        return set(value).union(*(_keys(v) for v in value.values()))
    if isinstance(value, list | tuple):
        return set().union(*(_keys(v) for v in value))
    return set()


@pytest.fixture
def site_token(ckan_config, monkeypatch) -> str:
    """A real API token of the site user, configured as xloader's (as stack/xloader_token.py)."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    token = tk.get_action("api_token_create")(
        {"ignore_auth": True, "user": site_user["name"]},
        {"user": site_user["name"], "name": "xloader"},
    )["token"]
    monkeypatch.setitem(ckan_config, "ckanext.xloader.api_token", token)
    return token


@pytest.fixture
def job(site_token, make_org, make_dataset) -> dict[str, str]:
    """A non-sysadmin editor with an API token, and an xloader job of their CSV resource."""
    editor = factories.UserWithToken()
    org = make_org(users=[{"name": editor["name"], "capacity": "editor"}])
    dataset = make_dataset(
        org["id"], resources=[{"url": "http://example.org/data.csv", "format": "CSV"}]
    )
    resource_id = dataset["resources"][0]["id"]
    assert call_action("xloader_submit", resource_id=resource_id) is True
    task = call_action(
        "task_status_show", entity_id=resource_id, task_type="xloader", key="xloader"
    )
    job_id = json.loads(task["value"])["job_id"]
    # What the worker does first (xloader jobs.xloader_data_into_datastore).
    xloader_db.init(tk.config)
    xloader_db.add_pending_job(job_id, **jobs.job_from_id(job_id).args[0])
    # The secret is there to leak: upstream keeps it in the job row.
    assert xloader_db.get_job(job_id)["api_key"] == site_token
    return {
        "id": job_id,
        "resource_id": resource_id,
        "editor": editor["name"],
        "editor_token": editor["token"],
        "site_token": site_token,
    }


def test_editor_over_http_gets_the_status_but_no_token(app, job):
    assert not model.User.get(job["editor"]).sysadmin
    response = app.get(
        "/api/3/action/xloader_status",
        params={"resource_id": job["resource_id"]},
        headers={"Authorization": job["editor_token"]},
        status=200,
    )
    result = response.json["result"]
    # The editor is answered (upstream auth: resource_update), with the job itself.
    assert result["status"] == "pending"
    assert result["task_info"]["job_id"] == job["id"]
    assert result["task_info"]["metadata"]["resource_id"] == job["resource_id"]
    assert not _keys(result) & CREDENTIAL_KEYS
    assert job["site_token"] not in response.body


def test_editor_through_the_action_gets_no_token(job):
    result = call_action(
        "xloader_status",
        context={"user": job["editor"], "ignore_auth": False},
        resource_id=job["resource_id"],
    )
    assert result["task_info"]["job_id"] == job["id"]
    assert not _keys(result) & CREDENTIAL_KEYS
    assert job["site_token"] not in json.dumps(result)


def test_anonymous_is_still_refused(app, job):
    app.get("/api/3/action/xloader_status", params={"resource_id": job["resource_id"]}, status=403)
