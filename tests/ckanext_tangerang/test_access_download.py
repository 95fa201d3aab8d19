"""tangerang_resource_download, the one check of every route serving a resource's bytes, and
CKAN's download route enforcing it (over HTTP with API tokens)."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action, call_auth

from ckanext.tangerang import access

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

CSV = "kode,jumlah\n01,3\n02,5\n"


@pytest.fixture
def world(make_org, make_dataset, create_with_upload, tmp_path, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    producer_org = make_org("opd")
    university = make_org("universitas")
    editor = factories.UserWithToken()
    member = factories.UserWithToken()
    sysadmin = factories.SysadminWithToken()
    call_action(
        "organization_member_create", id=producer_org["id"], username=editor["name"], role="editor"
    )
    call_action(
        "organization_member_create", id=university["id"], username=member["name"], role="member"
    )
    datasets, resources = {}, {}
    for access_class, private in (("terbuka", False), ("terbatas", False), ("terbuka", True)):
        key = f"{access_class}{'-privat' if private else ''}"
        datasets[key] = make_dataset(
            producer_org["id"], klasifikasi_akses=access_class, private=private
        )
        resources[key] = create_with_upload(
            CSV,
            "data.csv",
            package_id=datasets[key]["id"],
            url="data.csv",
            context={"user": sysadmin["name"]},
        )
    tokens = {"anonymous": None, "editor": editor["token"], "member": member["token"]}
    tokens["sysadmin"] = sysadmin["token"]
    names = {"anonymous": "", "editor": editor["name"], "member": member["name"]}
    names["sysadmin"] = sysadmin["name"]
    return {"datasets": datasets, "resources": resources, "tokens": tokens, "names": names}


def _allowed(name: str, user: str, resource_id: str) -> bool:
    try:
        return bool(call_auth(name, {"user": user, "model": None}, id=resource_id))
    except tk.NotAuthorized:
        return False


def test_an_unrestricted_resource_is_downloadable_by_whoever_may_show_it(world):
    for key in ("terbuka", "terbuka-privat"):
        resource_id = world["resources"][key]["id"]
        for role, user in world["names"].items():
            assert _allowed("tangerang_resource_download", user, resource_id) == _allowed(
                "resource_show", user, resource_id
            ), (key, role)
    assert _allowed("tangerang_resource_download", "", world["resources"]["terbuka"]["id"])
    assert not _allowed(
        "tangerang_resource_download", "", world["resources"]["terbuka-privat"]["id"]
    )


def test_a_restricted_resource_is_shown_to_all_but_downloadable_only_by_its_readers(world):
    resource_id = world["resources"]["terbatas"]["id"]
    for role, user in world["names"].items():
        assert _allowed("resource_show", user, resource_id), role
    allowed = {
        role: _allowed("tangerang_resource_download", user, resource_id)
        for role, user in world["names"].items()
    }
    # The university member has no agreement nor approved request yet.
    assert allowed == {"anonymous": False, "editor": True, "member": False, "sysadmin": True}


def _download(app: Any, world: dict[str, Any], key: str, role: str, filename: bool = True) -> int:
    resource = world["resources"][key]
    url = f"/dataset/{resource['package_id']}/resource/{resource['id']}/download"
    if filename:
        url += "/data.csv"
    token = world["tokens"][role]
    return app.get(url, headers={"Authorization": token} if token else {}).status_code


def test_the_download_route_enforces_it_and_audits_restricted_bytes(app, world):
    for with_name in (True, False):
        assert _download(app, world, "terbuka", "anonymous", with_name) == 200
        assert _download(app, world, "terbatas", "anonymous", with_name) == 403
        assert _download(app, world, "terbatas", "member", with_name) == 403
        assert _download(app, world, "terbatas", "editor", with_name) == 200
    rows = [
        (row.action, row.user_name, row.resource_id)
        for row in model.Session.query(access.AccessAudit).order_by(access.AccessAudit.id.desc())
    ]
    member = world["names"]["member"]
    editor = world["names"]["editor"]
    # Newest first: per round, editor's download, member's and anonymous' refusals.
    resource_id = world["resources"]["terbatas"]["id"]
    assert (
        rows
        == [
            ("download", editor, resource_id),
            ("denied", member, resource_id),
            ("denied", None, resource_id),
        ]
        * 2
    )
