"""Kept versions of a dataset's files (ckanext.tangerang.versions): every upload that replaces
a resource's file stays downloadable under its run, with its own sha256; retention prunes the
oldest; a takedown removes rows and files."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import uuid
from typing import Any

import pytest
from ckan import model
from ckan.lib import files
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckan.tests.pytest_ckan.fixtures import FakeFileStorage

from ckanext.tangerang import versions

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.ckan_config("ckanext.tangerang.walidata_users", "walidata-uji"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

FIRST = b"kode,nama\n0001,Puskesmas Sentosa\n"
SECOND = b"kode,nama\n0001,Puskesmas Sentosa\n0002,Klinik Harapan\n"
THIRD = b"kode,nama\n0003,RSUD\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def sysadmin() -> dict[str, Any]:
    return factories.Sysadmin()


@pytest.fixture
def dataset(make_org, make_dataset, sysadmin) -> dict[str, Any]:
    org = make_org()
    pkg = make_dataset(org["id"], name=f"versi-{uuid.uuid4().hex[:8]}")
    call_action(
        "resource_create",
        {"user": sysadmin["name"]},
        package_id=pkg["id"],
        name="Data (CSV)",
        format="CSV",
        url="",
    )
    return call_action("package_show", id=pkg["id"])


def publish(
    dataset: dict[str, Any], sysadmin: dict[str, Any], content: bytes, run_id: str, rows: int
) -> dict[str, Any]:
    """Replace the CSV as the hub does: one package_revise with the run's lineage and the file."""
    resource_id = dataset["resources"][0]["id"]
    return call_action(
        "package_revise",
        {"user": sysadmin["name"]},
        match={"id": dataset["id"]},
        update={"last_run_id": run_id, "sha256": sha(content), "row_count": rows},
        **{
            f"update__resources__{resource_id}": {
                "upload": FakeFileStorage(io.BytesIO(content), "fasyankes.csv"),
                "row_count": rows,
            }
        },
    )["package"]


def stored(version: versions.ResourceVersion) -> bytes:
    return b"".join(versions.stream(version))


def kept_files(resource_id: str, *contents: bytes) -> list[bool]:
    storage = versions.storage()
    return [
        storage.exists(files.FileData(files.Location(versions.location(resource_id, sha(c)))))
        for c in contents
    ]


def test_each_replaced_upload_stays_downloadable_with_its_sha256(dataset, sysadmin):
    publish(dataset, sysadmin, FIRST, "run-1", 1)
    publish(dataset, sysadmin, SECOND, "run-2", 2)
    resource_id = dataset["resources"][0]["id"]

    kept = versions.versions_of(dataset["id"])
    assert [(v.run_id, v.sha256, v.rows, v.size) for v in kept] == [
        ("run-2", sha(SECOND), 2, len(SECOND)),
        ("run-1", sha(FIRST), 1, len(FIRST)),
    ]
    assert [v.batch_sha256 for v in kept] == [sha(SECOND), sha(FIRST)]
    assert {v.filename for v in kept} == {"fasyankes.csv"}
    assert stored(kept[1]) == FIRST
    assert stored(kept[0]) == SECOND
    # The resource's own file is the latest.
    path = versions.uploader.get_resource_uploader({"id": resource_id}).get_path(resource_id)
    with open(path, "rb") as f:
        assert f.read() == SECOND

    listed = call_action("tangerang_version_list", package_id=dataset["name"])
    assert [v["run_id"] for v in listed["versions"]] == ["run-2", "run-1"]
    assert [v["current"] for v in listed["versions"]] == [True, False]
    assert [v["rows"] for v in listed["versions"]] == [2, 1]
    first_file = listed["versions"][1]["files"][0]
    assert first_file["sha256"] == sha(FIRST)
    assert first_file["url"].endswith(f"/dataset/{dataset['name']}/versi/run-1/fasyankes.csv")


def test_a_metadata_only_update_keeps_no_new_version(dataset, sysadmin):
    publish(dataset, sysadmin, FIRST, "run-1", 1)
    call_action("package_patch", {"user": sysadmin["name"]}, id=dataset["id"], notes="Catatan baru")
    call_action(
        "package_revise",
        {"user": sysadmin["name"]},
        match={"id": dataset["id"]},
        update={"last_run_id": "run-x"},
    )
    assert [v.run_id for v in versions.versions_of(dataset["id"])] == ["run-1"]


def test_the_same_bytes_in_a_new_run_are_stored_once(dataset, sysadmin):
    publish(dataset, sysadmin, FIRST, "run-1", 1)
    publish(dataset, sysadmin, FIRST, "run-2", 1)
    kept = versions.versions_of(dataset["id"])
    assert [v.run_id for v in kept] == ["run-2", "run-1"]
    assert {v.location for v in kept} == {versions.location(kept[0].resource_id, sha(FIRST))}


def test_a_hand_upload_under_a_used_run_id_gets_its_own(dataset, sysadmin, create_with_upload):
    publish(dataset, sysadmin, FIRST, "run-1", 1)
    create_with_upload(
        SECOND,
        "fasyankes.csv",
        action="resource_patch",
        id=dataset["resources"][0]["id"],
        context={"user": sysadmin["name"]},
    )
    assert [v.run_id for v in versions.versions_of(dataset["id"])] == [
        f"unggah-{sha(SECOND)[:12]}",
        "run-1",
    ]


def test_a_resource_created_with_its_file_keeps_that_file_at_once(
    dataset, sysadmin, create_with_upload
):
    """CKAN gives a resource it creates its id only on the dict it was given, not on the one
    the after_dataset_update hook reads; the first file is still kept, then replaced."""
    created = create_with_upload(
        FIRST,
        "baru.csv",
        package_id=dataset["id"],
        name="Baru",
        context={"user": sysadmin["name"]},
    )
    create_with_upload(
        SECOND,
        "baru.csv",
        action="resource_patch",
        id=created["id"],
        context={"user": sysadmin["name"]},
    )
    kept = [v for v in versions.versions_of(dataset["id"]) if v.resource_id == created["id"]]
    assert [(v.run_id, v.sha256) for v in kept] == [
        (f"unggah-{sha(SECOND)[:12]}", sha(SECOND)),
        (f"unggah-{sha(FIRST)[:12]}", sha(FIRST)),
    ]
    assert stored(kept[1]) == FIRST


def test_a_revision_that_adds_a_resource_keeps_its_file(dataset, sysadmin):
    call_action(
        "package_revise",
        {"user": sysadmin["name"]},
        match={"id": dataset["id"]},
        update={"last_run_id": "run-1"},
        update__resources__extend=[
            {"name": "Data (Parquet)", "upload": FakeFileStorage(io.BytesIO(THIRD), "data.csv")}
        ],
    )
    added = call_action("package_show", id=dataset["id"])["resources"][-1]
    kept = [v for v in versions.versions_of(dataset["id"]) if v.resource_id == added["id"]]
    assert [(v.run_id, v.sha256) for v in kept] == [("run-1", sha(THIRD))]


@pytest.mark.ckan_config("ckanext.tangerang.versions.keep", "2")
def test_retention_by_number_prunes_the_oldest_rows_and_files(dataset, sysadmin):
    resource_id = dataset["resources"][0]["id"]
    publish(dataset, sysadmin, FIRST, "run-1", 1)
    publish(dataset, sysadmin, SECOND, "run-2", 2)
    assert kept_files(resource_id, FIRST, SECOND) == [True, True]
    publish(dataset, sysadmin, THIRD, "run-3", 1)
    assert [v.run_id for v in versions.versions_of(dataset["id"])] == ["run-3", "run-2"]
    assert kept_files(resource_id, FIRST, SECOND, THIRD) == [False, True, True]


@pytest.mark.ckan_config("ckanext.tangerang.versions.keep", "2")
def test_a_pruned_version_whose_bytes_return_keeps_its_file(dataset, sysadmin):
    resource_id = dataset["resources"][0]["id"]
    publish(dataset, sysadmin, FIRST, "run-1", 1)
    publish(dataset, sysadmin, SECOND, "run-2", 2)
    publish(dataset, sysadmin, FIRST, "run-3", 1)  # run-1 pruned, its bytes named by run-3
    assert [v.run_id for v in versions.versions_of(dataset["id"])] == ["run-3", "run-2"]
    assert kept_files(resource_id, FIRST, SECOND) == [True, True]


@pytest.mark.ckan_config("ckanext.tangerang.versions.keep", "0")
@pytest.mark.ckan_config("ckanext.tangerang.versions.keep_days", "30")
def test_retention_by_age_prunes_old_versions_never_the_current(dataset, sysadmin):
    resource_id = dataset["resources"][0]["id"]
    publish(dataset, sysadmin, FIRST, "run-1", 1)
    old = versions.versions_of(dataset["id"])[0]
    old.created = versions.utcnow() - dt.timedelta(days=31)
    model.Session.commit()
    assert versions.prune(resource_id) == []  # the only (current) version stays
    publish(dataset, sysadmin, SECOND, "run-2", 2)
    publish(dataset, sysadmin, THIRD, "run-3", 1)
    assert [v.run_id for v in versions.versions_of(dataset["id"])] == ["run-3", "run-2"]
    assert kept_files(resource_id, FIRST, SECOND) == [False, True]


def test_takedown_by_the_walidata_removes_every_version(dataset, sysadmin):
    resource_id = dataset["resources"][0]["id"]
    publish(dataset, sysadmin, FIRST, "run-1", 1)
    publish(dataset, sysadmin, SECOND, "run-2", 2)
    walidata = factories.User(name="walidata-uji")
    result = call_action(
        "tangerang_version_takedown", {"user": walidata["name"]}, package_id=dataset["name"]
    )
    assert result["removed"] == 2
    assert versions.versions_of(dataset["id"]) == []
    assert kept_files(resource_id, FIRST, SECOND) == [False, False]
    assert call_action("package_show", id=dataset["id"])["resources"][0]["url_type"] == "upload"


def test_takedown_of_one_run(dataset, sysadmin):
    resource_id = dataset["resources"][0]["id"]
    publish(dataset, sysadmin, FIRST, "run-1", 1)
    publish(dataset, sysadmin, SECOND, "run-2", 2)
    call_action("tangerang_version_takedown", package_id=dataset["id"], run_id="run-1")
    assert [v.run_id for v in versions.versions_of(dataset["id"])] == ["run-2"]
    assert kept_files(resource_id, FIRST, SECOND) == [False, True]
    with pytest.raises(tk.ObjectNotFound):
        call_action("tangerang_version_takedown", package_id=dataset["id"], run_id="run-1")


def test_only_the_walidata_and_sysadmins_may_take_versions_down(dataset, sysadmin):
    publish(dataset, sysadmin, FIRST, "run-1", 1)
    editor = factories.User()
    call_action(
        "organization_member_create",
        id=dataset["owner_org"],
        username=editor["name"],
        role="editor",
    )
    for user in (editor["name"], ""):
        with pytest.raises(tk.NotAuthorized):
            call_action(
                "tangerang_version_takedown",
                {"user": user, "ignore_auth": False},
                package_id=dataset["id"],
            )
    assert len(versions.versions_of(dataset["id"])) == 1


def test_deleting_the_dataset_takes_its_versions_down(dataset, sysadmin):
    resource_id = dataset["resources"][0]["id"]
    publish(dataset, sysadmin, FIRST, "run-1", 1)
    publish(dataset, sysadmin, SECOND, "run-2", 2)
    call_action("package_delete", {"user": sysadmin["name"]}, id=dataset["id"])
    assert versions.versions_of(dataset["id"]) == []
    assert kept_files(resource_id, FIRST, SECOND) == [False, False]


def test_purging_the_dataset_removes_the_files(dataset, sysadmin):
    resource_id = dataset["resources"][0]["id"]
    publish(dataset, sysadmin, FIRST, "run-1", 1)
    publish(dataset, sysadmin, SECOND, "run-2", 2)
    call_action("dataset_purge", {"user": sysadmin["name"]}, id=dataset["id"])
    assert (
        model.Session.query(versions.ResourceVersion).filter_by(resource_id=resource_id).count()
        == 0
    )
    assert kept_files(resource_id, FIRST, SECOND) == [False, False]


# --- over HTTP ---------------------------------------------------------------------------


def test_an_earlier_version_downloads_with_its_own_sha256(app, dataset, sysadmin):
    publish(dataset, sysadmin, FIRST, "run-1", 1)
    publish(dataset, sysadmin, SECOND, "run-2", 2)
    response = app.get(f"/dataset/{dataset['name']}/versi/run-1/fasyankes.csv")
    assert response.status_code == 200
    assert response.data == FIRST
    assert response.headers["ETag"] == f'"{sha(FIRST)}"'
    b64 = base64.b64encode(hashlib.sha256(FIRST).digest()).decode()
    assert response.headers["Digest"] == f"sha-256={b64}"
    assert response.headers["Repr-Digest"] == f"sha-256=:{b64}:"
    assert "attachment" in response.headers["Content-Disposition"]
    # The resource's own download gives the latest.
    resource_id = dataset["resources"][0]["id"]
    latest = app.get(f"/dataset/{dataset['name']}/resource/{resource_id}/download/fasyankes.csv")
    assert latest.data == SECOND
    again = app.get(
        f"/dataset/{dataset['name']}/versi/run-1/fasyankes.csv",
        headers={"If-None-Match": f'"{sha(FIRST)}"'},
    )
    assert again.status_code == 304


def test_unknown_versions_and_unreadable_datasets_are_404(app, dataset, sysadmin):
    publish(dataset, sysadmin, FIRST, "run-1", 1)
    assert app.get(f"/dataset/{dataset['name']}/versi/run-9/fasyankes.csv").status_code == 404
    assert app.get(f"/dataset/{dataset['name']}/versi/run-1/lain.csv").status_code == 404
    call_action("package_patch", {"user": sysadmin["name"]}, id=dataset["id"], private=True)
    assert app.get(f"/dataset/{dataset['name']}/versi/run-1/fasyankes.csv").status_code == 404
    assert app.get(f"/dataset/{dataset['name']}/versi").status_code == 404


def test_the_dataset_page_lists_versions_and_cites_the_current_one(app, dataset, sysadmin):
    publish(dataset, sysadmin, FIRST, "run-1", 1)
    publish(dataset, sysadmin, SECOND, "run-2", 2)
    for url in (f"/dataset/{dataset['name']}", f"/dataset/{dataset['name']}/versi"):
        page = app.get(url).get_data(as_text=True)
        assert 'data-run-id="run-2"' in page and 'data-run-id="run-1"' in page
        assert f"/dataset/{dataset['name']}/versi/run-1/fasyankes.csv" in page
        assert "versi run-2" in page
        assert sha(SECOND)[:12] in page
        assert "@misc{satudata-tangerang:" in page


def test_a_restricted_datasets_versions_follow_its_download_rule(app, sdi, sysadmin):
    org = factories.Organization(org_type="opd")
    pkg = factories.Dataset(
        owner_org=org["id"],
        name=f"versi-terbatas-{uuid.uuid4().hex[:8]}",
        **{**sdi, "klasifikasi_akses": "terbatas"},
    )
    call_action(
        "resource_create", {"user": sysadmin["name"]}, package_id=pkg["id"], name="Data (CSV)"
    )
    dataset = call_action("package_show", id=pkg["id"])
    publish(dataset, sysadmin, FIRST, "run-1", 1)
    publish(dataset, sysadmin, SECOND, "run-2", 2)
    url = f"/dataset/{pkg['name']}/versi/run-1/fasyankes.csv"
    # The metadata is public, the list too; the file only for those who may download it.
    assert "run-1" in app.get(f"/dataset/{pkg['name']}/versi").get_data(as_text=True)
    assert app.get(url).status_code == 403
    admin = factories.SysadminWithToken()
    allowed = app.get(url, headers={"Authorization": admin["token"]})
    assert allowed.status_code == 200 and allowed.data == FIRST
