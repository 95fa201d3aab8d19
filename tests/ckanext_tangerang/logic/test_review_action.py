"""The walidata review's state machine, through the actions (auth: test_review_auth.py)."""

from __future__ import annotations

from typing import Any

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

WALIDATA = "walidata-diskominfo"  # seed.yaml
pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.ckan_config("ckanext.tangerang.walidata_users", WALIDATA),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

FIELDS = ["kode_kecamatan", "nama_faskes", "jumlah"]


def _as(role: str, world: dict[str, Any]) -> dict[str, Any]:
    return {"user": world["users"][role], "ignore_auth": False}


def _submit(world, **data) -> dict[str, Any]:
    return call_action(
        "tangerang_review_submit",
        context=_as("bot", world),
        package_id=world["dataset"]["id"],
        **{"klasifikasi_akses": "terbuka", "fields": FIELDS, **data},
    )


def _publish(world, **update) -> dict[str, Any]:
    """What the hub's data revise asks for: public, as the bot."""
    return call_action(
        "package_patch",
        context=_as("bot", world),
        id=world["dataset"]["id"],
        private=False,
        **update,
    )


def _approve(world, role: str = "walidata", **data) -> dict[str, Any]:
    return call_action(
        "tangerang_review_approve",
        context=_as(role, world),
        package_id=world["dataset"]["name"],
        **data,
    )


def _return(world, reason: str = "Kolom jumlah berisi nilai negatif.") -> dict[str, Any]:
    return call_action(
        "tangerang_review_return",
        context=_as("walidata", world),
        package_id=world["dataset"]["id"],
        reason=reason,
    )


def _private(world) -> bool:
    return call_action("package_show", id=world["dataset"]["id"])["private"]


@pytest.fixture
def world(review_world):
    return review_world


def test_first_publication_waits_private_until_the_walidata_approves(world):
    submitted = _submit(world)
    assert submitted["state"] == "menunggu_pemeriksaan"
    assert submitted["changes"] == ["first_publication"]
    assert submitted["updated_by"] == world["users"]["bot"]

    assert _publish(world)["private"] is True  # the bot asked for public: the catalog refuses
    assert _private(world) is True

    approved = _approve(world, note="Sesuai standar data.")
    assert approved["state"] == "disetujui"
    assert approved["updated_by"] == WALIDATA
    assert approved["reason"] == "Sesuai standar data."
    assert approved["may_be_public"] is True
    assert _private(world) is False


def test_after_approval_the_next_version_publishes_without_review(world):
    _submit(world)
    _approve(world)
    again = _submit(world, fields=list(reversed(FIELDS)))  # same set, another order
    assert again["state"] == "disetujui"
    assert len(again["history"]) == 2
    assert _publish(world, title="Versi kedua")["private"] is False


@pytest.mark.parametrize(
    "change, data",
    [
        ("fields_changed", {"fields": [*FIELDS, "alamat"]}),
        ("access_changed", {"klasifikasi_akses": "terbatas"}),
    ],
)
def test_a_changed_access_class_or_field_set_goes_back_to_review(world, change, data):
    _submit(world)
    _approve(world)
    assert _private(world) is False

    waiting = _submit(world, **data)
    assert waiting["state"] == "menunggu_pemeriksaan"
    assert waiting["changes"] == [change]
    assert waiting["history"][0]["previous_state"] == "disetujui"
    # The hub's next revise asks for public; the catalog keeps it private until approved.
    assert _publish(world)["private"] is True
    _approve(world)
    assert _submit(world, **data)["state"] == "disetujui"


def test_an_access_change_without_a_submission_is_caught_by_the_catalog(world):
    _submit(world)
    _approve(world)
    assert _publish(world, klasifikasi_akses="terbatas")["private"] is True
    shown = call_action("tangerang_review_show", package_id=world["dataset"]["id"])
    assert shown["state"] == "menunggu_pemeriksaan"
    assert shown["changes"] == ["access_changed"]
    assert shown["updated_by"] == world["users"]["bot"]
    assert shown["klasifikasi_akses"] == "terbatas"


def test_a_return_records_the_reason_keeps_the_dataset_private_and_a_new_version_resubmits(
    world,
):
    _submit(world)
    returned = _return(world)
    assert returned["state"] == "dikembalikan"
    assert returned["reason"] == "Kolom jumlah berisi nilai negatif."
    assert returned["updated_by"] == WALIDATA
    assert _publish(world)["private"] is True

    again = _submit(world)
    assert again["state"] == "menunggu_pemeriksaan"
    assert again["changes"] == ["first_publication"]
    assert again["history"][0]["previous_state"] == "dikembalikan"
    assert [e["state"] for e in again["history"]] == [
        "menunggu_pemeriksaan",
        "dikembalikan",
        "menunggu_pemeriksaan",
    ]


def test_submitting_the_waiting_version_again_records_nothing(world):
    _submit(world)
    assert len(_submit(world)["history"]) == 1


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
def test_a_return_needs_a_reason_of_at_most_2000_characters(world, reason):
    _submit(world)
    with pytest.raises(tk.ValidationError) as caught:
        _return(world, reason=reason)
    assert list(caught.value.error_dict) == ["reason"]
    assert call_action("tangerang_review_show", package_id="faskes-baru")["state"] == (
        "menunggu_pemeriksaan"
    )


@pytest.mark.parametrize("before", [[], ["submit", "approve"], ["submit", "return"]])
def test_only_a_waiting_dataset_can_be_approved_or_returned(world, before):
    steps = {"submit": _submit, "approve": _approve, "return": _return}
    for step in before:
        steps[step](world)
    for decide in (_approve, _return):
        with pytest.raises(tk.ValidationError) as caught:
            decide(world)
        assert list(caught.value.error_dict) == ["package_id"]


def test_a_tertutup_dataset_stays_private_when_approved(world):
    call_action(
        "package_patch",
        context={"user": world["users"]["sysadmin"]},
        id=world["dataset"]["id"],
        klasifikasi_akses="tertutup",
    )
    _submit(world, klasifikasi_akses="tertutup")
    approved = _approve(world)
    assert approved["state"] == "disetujui" and approved["private"] is True


def test_a_sysadmin_may_review(world):
    _submit(world)
    assert _approve(world, role="sysadmin")["updated_by"] == world["users"]["sysadmin"]


def test_every_transition_is_in_the_activity_stream(world):
    _submit(world)
    _return(world)
    _submit(world)
    _approve(world)
    activities = call_action(
        "package_activity_list",
        id=world["dataset"]["id"],
        activity_types=["tangerang review"],
    )
    reviews = [a["data"]["review"] for a in reversed(activities)]
    assert [(r["state"], r["user"]) for r in reviews] == [
        ("menunggu_pemeriksaan", world["users"]["bot"]),
        ("dikembalikan", WALIDATA),
        ("menunggu_pemeriksaan", world["users"]["bot"]),
        ("disetujui", WALIDATA),
    ]
    assert reviews[1]["reason"] == "Kolom jumlah berisi nilai negatif."
    assert {a["object_id"] for a in activities} == {world["dataset"]["id"]}
    # The approval made the dataset public: CKAN's own activity names the walidata.
    changed = call_action(
        "package_activity_list", id=world["dataset"]["id"], activity_types=["changed package"]
    )
    assert changed[0]["data"]["actor"] == WALIDATA
    assert changed[0]["data"]["package"]["private"] is False


def test_the_queue_lists_waiting_datasets_longest_waiting_first(world, make_dataset):
    second = make_dataset("dishub", name="lalu-lintas", contract_id="lalu-lintas", private=True)
    make_dataset("dinkes", name="manual")  # not the hub's: never in the queue
    _submit(world)
    call_action("tangerang_review_submit", package_id=second["id"], fields=["ruas"])

    queue = call_action("tangerang_review_list", context=_as("walidata", world))
    assert queue["count"] == 2
    assert [r["name"] for r in queue["results"]] == ["faskes-baru", "lalu-lintas"]
    first = queue["results"][0]
    assert first["organization"]["name"] == "dinkes"
    assert first["changes"] == ["first_publication"] and first["user"] == world["users"]["bot"]

    _approve(world)
    assert [r["name"] for r in call_action("tangerang_review_list")["results"]] == ["lalu-lintas"]
    approved = call_action("tangerang_review_list", state="disetujui")["results"]
    assert [r["name"] for r in approved] == ["faskes-baru"]
    with pytest.raises(tk.ValidationError):
        call_action("tangerang_review_list", state="selesai")


def test_a_deleted_dataset_leaves_the_queue(world):
    _submit(world)
    call_action(
        "package_delete", context={"user": world["users"]["sysadmin"]}, id=world["dataset"]["id"]
    )
    assert call_action("tangerang_review_list")["count"] == 0


def test_datasets_outside_the_hub_are_not_held(make_org, make_dataset):
    dataset = make_dataset(make_org()["id"], name="manual")
    assert dataset["private"] is False
    shown = call_action("tangerang_review_show", package_id="manual")
    assert shown["under_review"] is False and shown["state"] is None
    assert shown["may_be_public"] is True


def test_a_hub_dataset_created_public_is_created_private(make_org, make_dataset):
    dataset = make_dataset(make_org()["id"], name="langsung", contract_id="langsung")
    assert dataset["private"] is True
    assert call_action("package_show", id="langsung")["private"] is True


def test_bulk_make_public_keeps_a_waiting_dataset_private(world):
    _submit(world)
    org = call_action("organization_show", id="dinkes")
    call_action(
        "bulk_update_public",
        context={"user": factories.Sysadmin()["name"]},
        datasets=[world["dataset"]["id"]],
        org_id=org["id"],
    )
    assert _private(world) is True
