"""Who may do what in the walidata review, through check_access (call_action skips auth)."""

from __future__ import annotations

from typing import Any

import pytest
from ckan import model
from ckan.plugins import toolkit as tk
from ckan.tests.helpers import call_action, call_auth

WALIDATA = "walidata-diskominfo"  # seed.yaml
ROLES = ("anonymous", "producer", "bot", "walidata", "sysadmin")
REVIEWERS = {"walidata", "sysadmin"}
PRODUCER_SIDE = {"producer", "bot", "sysadmin"}

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.ckan_config("ckanext.tangerang.walidata_users", WALIDATA),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def _allowed(action: str, user: str, **data: Any) -> bool:
    try:
        return call_auth(action, {"user": user, "model": model}, **data)
    except tk.NotAuthorized:
        return False


def _matrix(world: dict[str, Any], action: str) -> dict[str, bool]:
    data = {} if action == "tangerang_review_list" else {"package_id": "faskes-baru"}
    return {role: _allowed(action, world["users"][role], **data) for role in ROLES}


@pytest.mark.parametrize(
    "action, allowed",
    [
        ("tangerang_review_approve", REVIEWERS),
        ("tangerang_review_return", REVIEWERS),
        ("tangerang_review_list", REVIEWERS),
        ("tangerang_review_show", REVIEWERS | PRODUCER_SIDE),
        ("tangerang_review_submit", PRODUCER_SIDE),
    ],
)
def test_review_auth_matrix(review_world, action, allowed):
    assert _matrix(review_world, action) == {role: role in allowed for role in ROLES}


@pytest.mark.parametrize("action", ["tangerang_review_approve", "tangerang_review_return"])
def test_the_bot_never_decides_even_as_a_listed_walidata_and_a_sysadmin(
    review_world, action, ckan_config, monkeypatch
):
    bot = review_world["users"]["bot"]
    monkeypatch.setitem(ckan_config, "ckanext.tangerang.walidata_users", f"{WALIDATA} {bot}")
    user = model.User.get(bot)
    user.sysadmin = True
    model.Session.commit()
    assert not _allowed(action, bot, package_id="faskes-baru")
    assert not _allowed("tangerang_review_list", bot)
    # The walidata next to it in the list still decides.
    assert _allowed(action, WALIDATA, package_id="faskes-baru")


def test_a_walidata_who_edits_for_the_producer_may_not_review_its_datasets(review_world):
    call_action("organization_member_create", id="dinkes", username=WALIDATA, role="editor")
    assert not _allowed("tangerang_review_approve", WALIDATA, package_id="faskes-baru")
    assert not _allowed("tangerang_review_return", WALIDATA, package_id="faskes-baru")
    assert _allowed("tangerang_review_list", WALIDATA)


def test_a_walidata_not_in_the_config_list_is_no_walidata(review_world, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.tangerang.walidata_users", "walidata")
    assert not _allowed("tangerang_review_approve", WALIDATA, package_id="faskes-baru")
    assert not _allowed("tangerang_review_list", WALIDATA)


def test_the_walidata_reads_a_private_dataset_under_review_and_edits_nothing(
    review_world, make_dataset
):
    assert _allowed("package_show", WALIDATA, id="faskes-baru")
    assert not _allowed("package_update", WALIDATA, id="faskes-baru")
    # A private dataset an editor made by hand is the producer's alone.
    make_dataset("dinkes", name="draf-manual", private=True)
    assert not _allowed("package_show", WALIDATA, id="draf-manual")
    assert not _allowed("package_show", "", id="faskes-baru")


def test_refusal_comes_before_validation(review_world):
    # A caller the action refuses learns that, and not what the schema thinks of the data.
    for role in ("anonymous", "producer", "bot"):
        with pytest.raises(tk.NotAuthorized):
            call_action(
                "tangerang_review_return",
                context={"user": review_world["users"][role], "ignore_auth": False},
                package_id="faskes-baru",
                reason="",
            )
    with pytest.raises(tk.ValidationError):
        call_action(
            "tangerang_review_return",
            context={"user": WALIDATA, "ignore_auth": False},
            package_id="faskes-baru",
            reason="",
        )


def test_unknown_dataset_is_not_found(review_world):
    with pytest.raises(tk.ObjectNotFound):
        call_auth(
            "tangerang_review_approve", {"user": WALIDATA, "model": model}, package_id="tidak-ada"
        )
