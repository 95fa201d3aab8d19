"""Datasets join the dimension groups of their `dimensi`, and leave the others."""

from __future__ import annotations

import pytest
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.tangerang import seed

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


@pytest.fixture
def groups(with_plugins, clean_db, clean_index):
    seed.seed()


def _groups(name: str) -> list[str]:
    return sorted(g["name"] for g in call_action("package_show", id=name)["groups"])


def _indexed_groups(name: str) -> list[str]:
    result = call_action("package_search", fq=f"name:{name}", fl="groups")
    return sorted(result["results"][0]["groups"])


def _patch(**data) -> dict:
    sysadmin = factories.Sysadmin()
    return call_action("package_patch", context={"user": sysadmin["name"]}, **data)


def _member_rows(name: str) -> int:
    package = model.Package.get(name)
    return model.Session.query(model.Member).filter_by(table_id=package.id).count()


@pytest.mark.usefixtures("groups")
def test_dataset_joins_its_dimension_groups_on_create(make_dataset):
    make_dataset("dinkes", name="faskes", dimensi=["living", "society"])
    assert _groups("faskes") == ["living", "society"]
    # ... in the search index too, so /group/living lists it.
    assert _indexed_groups("faskes") == ["living", "society"]
    found = call_action("group_show", id="living", include_datasets=True)
    assert [d["name"] for d in found["packages"]] == ["faskes"]


@pytest.mark.usefixtures("groups")
def test_changing_dimensi_moves_the_dataset_and_is_idempotent(make_dataset):
    make_dataset("dinkes", name="faskes", dimensi=["living", "society"])
    _patch(id="faskes", dimensi=["living", "economy"])
    assert _groups("faskes") == ["economy", "living"]
    assert _indexed_groups("faskes") == ["economy", "living"]
    rows = _member_rows("faskes")

    # Saving again (same dimensions, other change) neither duplicates nor drops memberships.
    _patch(id="faskes", topik="Kesehatan")
    _patch(id="faskes", dimensi=["economy", "living"], topik="Faskes")
    assert _groups("faskes") == ["economy", "living"]
    assert _member_rows("faskes") == rows

    # Back into a dimension it left: the old membership is reused.
    _patch(id="faskes", dimensi=["society"])
    assert _groups("faskes") == ["society"]
    assert _member_rows("faskes") == rows


@pytest.mark.usefixtures("groups")
def test_other_groups_are_left_alone_and_dimension_groups_restored(make_dataset):
    factories.Group(name="kampus-mitra")
    make_dataset("dinkes", name="faskes", dimensi=["living"])
    call_action(
        "member_create",
        id="kampus-mitra",
        object="faskes",
        object_type="package",
        capacity="public",
    )
    assert _groups("faskes") == ["kampus-mitra", "living"]
    _patch(id="faskes", dimensi=["environment"])
    assert _groups("faskes") == ["environment", "kampus-mitra"]
    # An API client that sends `groups` without a dimension group does not win.
    _patch(id="faskes", groups=[{"name": "kampus-mitra"}])
    assert _groups("faskes") == ["environment", "kampus-mitra"]


def test_missing_group_is_skipped_without_failing(make_org, make_dataset):
    factories.Group(name="economy")
    make_dataset(make_org()["id"], name="pasar", dimensi=["economy", "branding"])
    assert _groups("pasar") == ["economy"]


@pytest.mark.usefixtures("groups")
def test_editor_without_group_rights_still_gets_the_groups(app, make_dataset, sdi):
    editor = factories.UserWithToken()
    call_action("organization_member_create", id="dinkes", username=editor["name"], role="editor")
    app.post(
        "/api/3/action/package_create",
        json={**sdi, "name": "sekolah", "title": "Sekolah", "owner_org": "dinkes"},
        headers={"Authorization": editor["token"]},
        status=200,
    )
    assert _groups("sekolah") == ["society"]


def test_existing_datasets_are_brought_into_their_groups(make_org, make_dataset):
    from ckanext.tangerang import dimension_groups

    make_dataset(make_org()["id"], name="lama", dimensi=["economy", "governance"])
    seed.seed()  # the groups appear after the dataset, as on a catalog that predates them
    assert _groups("lama") == []
    assert dimension_groups.sync_all() == ["lama"]
    assert _groups("lama") == ["economy", "governance"]
    assert _indexed_groups("lama") == ["economy", "governance"]
    assert dimension_groups.sync_all() == []
