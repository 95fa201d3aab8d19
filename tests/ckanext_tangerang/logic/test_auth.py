"""Auth matrix of every tangerang action, through check_access (call_action skips auth)."""

from __future__ import annotations

from typing import Any

import pytest
from ckan import model
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action, call_auth

from ckanext.tangerang import seed

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

ROLES = ("anonymous", "member", "editor_own", "editor_other", "universitas", "bot", "sysadmin")


@pytest.fixture
def world(make_dataset) -> dict[str, Any]:
    """Seeded producers and bot, one user per role, a public and a private dataset of dinkes."""
    seed.seed()
    users = {role: factories.User() for role in ROLES if role not in ("anonymous", "bot")}
    users["sysadmin"] = factories.Sysadmin()
    memberships = [
        ("dinkes", "member", "member"),
        ("dinkes", "editor_own", "editor"),
        ("dishub", "editor_other", "editor"),
        ("umt", "universitas", "editor"),
    ]
    for org, role, capacity in memberships:
        call_action(
            "organization_member_create",
            id=org,
            username=users[role]["name"],
            role=capacity,
        )
    names = {role: user["name"] for role, user in users.items()}
    names["anonymous"] = ""
    names["bot"] = tk.config.get("ckanext.tangerang.bot_user")
    public = make_dataset("dinkes", name="faskes-publik")
    private = make_dataset("dinkes", name="faskes-privat", private=True)
    runs = {
        "public": call_action(
            "tangerang_run_report_create", package_id=public["id"], run_id="r1", status="published"
        ),
        "private": call_action(
            "tangerang_run_report_create", package_id=private["id"], run_id="r1", status="published"
        ),
    }
    return {"users": names, "public": public, "private": private, "runs": runs}


def _allowed(action: str, user: str, **data: Any) -> bool:
    try:
        return call_auth(action, {"user": user, "model": model}, **data)
    except tk.NotAuthorized:
        return False


CREATE_ALLOWED = {"editor_own", "bot", "sysadmin"}
READ_PRIVATE_ALLOWED = {"member", "editor_own", "bot", "sysadmin"}


def _matrix(world: dict[str, Any], check) -> dict[tuple[str, str], bool]:
    # One seeded world per test keeps the matrix fast; a failure shows the whole table.
    return {
        (visibility, role): check(world["users"][role], visibility)
        for visibility in ("public", "private")
        for role in ROLES
    }


def test_run_report_create_matrix(world):
    def check(user: str, visibility: str) -> bool:
        return _allowed(
            "tangerang_run_report_create",
            user,
            package_id=world[visibility]["name"],
            run_id="r2",
            status="published",
        )

    expected = {(v, role): role in CREATE_ALLOWED for v in ("public", "private") for role in ROLES}
    assert _matrix(world, check) == expected


def test_run_report_list_matrix(world):
    def check(user: str, visibility: str) -> bool:
        return _allowed("tangerang_run_report_list", user, package_id=world[visibility]["id"])

    expected = {
        (v, role): v == "public" or role in READ_PRIVATE_ALLOWED
        for v in ("public", "private")
        for role in ROLES
    }
    assert _matrix(world, check) == expected


def test_run_report_show_matrix(world):
    def check(user: str, visibility: str) -> bool:
        return _allowed("tangerang_run_report_show", user, id=world["runs"][visibility]["id"])

    expected = {
        (v, role): v == "public" or role in READ_PRIVATE_ALLOWED
        for v in ("public", "private")
        for role in ROLES
    }
    assert _matrix(world, check) == expected


def test_dimension_summary_matrix(world):
    def check(user: str, visibility: str) -> bool:
        return _allowed("tangerang_dimension_summary", user)

    assert all(_matrix(world, check).values())


def test_show_of_unknown_run_is_not_found(world):
    with pytest.raises(tk.ObjectNotFound):
        call_auth("tangerang_run_report_show", {"user": "", "model": model}, id="nope")


def test_anonymous_http_post_is_refused_and_bot_token_accepted(app, world, tmp_path):
    url = "/api/3/action/tangerang_run_report_create"
    body = {"package_id": "faskes-publik", "run_id": "http-1", "status": "unchanged"}
    assert app.post(url, json=body, status=403).json["success"] is False

    token_file = tmp_path / "bot.token"
    seed.seed(token_file=token_file)
    token = token_file.read_text().strip()
    result = app.post(url, json=body, headers={"Authorization": token}, status=200).json
    assert result["result"]["run_id"] == "http-1"


@pytest.mark.parametrize(
    "action, data",
    [
        (
            "tangerang_run_report_create",
            {"package_id": "faskes-privat", "run_id": "", "status": "done", "data_docs_html": 1},
        ),
        ("tangerang_run_report_list", {"package_id": "faskes-privat", "limit": -1}),
        ("tangerang_run_data_docs_show", {"package_id": "faskes-privat", "run_id": ""}),
    ],
)
def test_access_is_checked_before_validation(world, action, data):
    # A caller the action refuses learns that, and not what the schema thinks of the data.
    for role in ("anonymous", "editor_other"):
        context = {"user": world["users"][role], "ignore_auth": False}
        with pytest.raises(tk.NotAuthorized):
            call_action(action, context=context, **data)
    # The same data from an allowed caller is invalid: the refusals above came first.
    with pytest.raises(tk.ValidationError):
        call_action(action, context={"user": world["users"]["sysadmin"]}, **data)
