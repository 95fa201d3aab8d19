"""Who may see the steward dashboard: the walidata and sysadmins, never the bot.

Through ``call_auth`` and over HTTP with each role's API token: the action
``tangerang_dashboard_show``, the page ``/dasbor`` and its CSV ``/dasbor.csv``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from ckan import model
from ckan.plugins import toolkit as tk
from ckan.tests.helpers import call_action, call_auth

WALIDATA = "walidata-diskominfo"  # seed.yaml
ROLES = ("anonymous", "producer", "bot", "walidata", "sysadmin")
ALLOWED = {"walidata", "sysadmin"}

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.ckan_config("ckanext.tangerang.walidata_users", WALIDATA),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def _allowed(user: str) -> bool:
    try:
        return call_auth("tangerang_dashboard_show", {"user": user, "model": model})
    except tk.NotAuthorized:
        return False


def _headers(world: dict[str, Any], role: str) -> dict[str, str]:
    token = world["tokens"][role]
    return {"Authorization": token} if token else {}


def test_only_the_walidata_and_sysadmins_may_see_the_dashboard(review_world):
    users = review_world["users"]
    assert {role: _allowed(users[role]) for role in ROLES} == {r: r in ALLOWED for r in ROLES}


def test_the_bot_is_refused_even_as_a_listed_walidata_and_a_sysadmin(
    review_world, ckan_config, monkeypatch
):
    bot = review_world["users"]["bot"]
    monkeypatch.setitem(ckan_config, "ckanext.tangerang.walidata_users", f"{WALIDATA} {bot}")
    user = model.User.get(bot)
    user.sysadmin = True
    model.Session.commit()
    assert not _allowed(bot)
    assert _allowed(WALIDATA)


@pytest.mark.parametrize("role", ROLES)
def test_over_http_with_tokens(app, review_world, role):
    headers = _headers(review_world, role)
    status = 200 if role in ALLOWED else 403
    answer = app.post(
        "/api/3/action/tangerang_dashboard_show", json={}, headers=headers, status=status
    )
    assert answer.json["success"] is (role in ALLOWED)
    app.get("/dasbor", headers=headers, status=status)
    app.get("/dasbor.csv", headers=headers, status=status)
    if role in ALLOWED:
        rows = answer.json["result"]["rows"]
        assert {"fasyankes", "skor-kualitas-data"} <= {r["contract_id"] for r in rows}
        text = json.dumps(answer.json)
        assert all(token not in text for token in review_world["tokens"].values() if token)


def test_access_is_checked_before_the_parameters(review_world):
    for role in ("anonymous", "producer", "bot"):
        context = {"user": review_world["users"][role], "ignore_auth": False}
        with pytest.raises(tk.NotAuthorized):
            call_action("tangerang_dashboard_show", context=context, sort="bogus", dimensi="x")
    with pytest.raises(tk.ValidationError):
        call_action(
            "tangerang_dashboard_show",
            context={"user": WALIDATA, "ignore_auth": False},
            sort="bogus",
        )
