"""The seed's restricted-data demo: a university student and an agreement in force."""

from __future__ import annotations

import ckan.authz as authz
import ckan.model as model
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.tangerang import access, seed

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

NUMBER = "001/MoU/DISKOMINFO-UMT/I/2026"


def test_the_demo_student_and_agreement_give_access_once_a_request_is_approved(make_dataset):
    first = seed.seed()
    assert f"agreement:{NUMBER}" in first.created and "user:mahasiswa-umt" in first.created
    assert authz.users_role_for_group_or_org("umt", "mahasiswa-umt") == "member"
    agreement = model.Session.query(access.Agreement).filter_by(number=NUMBER).one()
    assert agreement.as_dict()["in_force"] and agreement.dimensions == ["society"]
    assert agreement.organization_id == model.Group.get("umt").id

    # A walidata's change of the agreement survives the next seed.
    sysadmin = factories.Sysadmin()
    call_action(
        "tangerang_agreement_update",
        context={"user": sysadmin["name"]},
        id=agreement.id,
        note="Diperpanjang.",
    )
    again = seed.seed()
    assert f"agreement:{NUMBER}" in again.unchanged
    assert model.Session.get(access.Agreement, agreement.id).note == "Diperpanjang."

    dataset = make_dataset("dinsos", klasifikasi_akses="terbatas", dimensi=["society"])
    student = model.User.get("mahasiswa-umt")
    assert not access.granted(student, model.Package.get(dataset["id"]))
    request = call_action(
        "tangerang_access_request_create",
        context={"user": "mahasiswa-umt"},
        package_id=dataset["id"],
        purpose="Skripsi.",
    )
    call_action(
        "tangerang_access_request_decide",
        context={"user": sysadmin["name"]},
        id=request["id"],
        status="disetujui",
        reason="Sesuai MoU.",
    )
    assert access.granted(student, model.Package.get(dataset["id"]))
