"""The scheming dataset schema: SDI fields, clear errors, pipeline-owned fields."""

from __future__ import annotations

from typing import Any

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

SHA = "a" * 64


def _create_errors(**data: Any) -> dict[str, Any]:
    data.setdefault("title", "Dataset uji")
    with pytest.raises(tk.ValidationError) as exc:
        call_action("package_create", **data)
    return exc.value.error_dict


def test_schema_show_holds_sdi_and_lineage_fields():
    schema = call_action("scheming_dataset_schema_show", type="dataset")
    names = {f["field_name"] for f in schema["dataset_fields"]}
    assert {
        "dimensi",
        "topik",
        "walidata_nama",
        "walidata_email",
        "frekuensi",
        "tingkat_penyajian",
        "cakupan_waktu_mulai",
        "cakupan_waktu_selesai",
        "cakupan_wilayah",
        "satuan",
        "sumber",
        "metodologi",
        "klasifikasi_akses",
        "contract_id",
        "last_run_at",
        "quality_grade",
    } <= names
    resource_names = {f["field_name"] for f in schema["resource_fields"]}
    assert {"sha256", "row_count", "schema_version", "validated_at", "report_url"} <= resource_names


def test_valid_dataset_is_stored_with_defaults(make_org, make_dataset):
    org = make_org()
    dataset = make_dataset(org["id"], dimensi=["society", "governance"])
    shown = call_action("package_show", id=dataset["id"])
    assert shown["frekuensi"] == "tahunan"
    assert shown["cakupan_wilayah"] == "36.71"
    # stored in schema order, whatever the input order
    assert shown["dimensi"] == ["governance", "society"]
    assert shown["license_id"] == "cc-by"


def test_bad_frequency_is_rejected(make_org, sdi):
    org = make_org()
    errors = _create_errors(
        name="bad-freq", owner_org=org["id"], **{**sdi, "frekuensi": "sometimes"}
    )
    assert list(errors) == ["frekuensi"]


def test_missing_owner_org_is_rejected(sdi):
    errors = _create_errors(name="no-org", **sdi)
    assert "owner_org" in errors


@pytest.mark.parametrize("code", ["3671", "36.7", "36.71.1", "36.71.01.101", "36-71", "x"])
def test_malformed_wilayah_code_is_rejected(make_org, sdi, code):
    org = make_org()
    errors = _create_errors(
        name="bad-wilayah", owner_org=org["id"], **{**sdi, "cakupan_wilayah": code}
    )
    assert list(errors) == ["cakupan_wilayah"]
    assert "Kemendagri" in errors["cakupan_wilayah"][0]


@pytest.mark.parametrize("code", ["36", "36.71", "36.71.01", "36.71.01.1001"])
def test_wilayah_codes_of_every_level_are_accepted(make_org, make_dataset, code):
    org = make_org()
    assert make_dataset(org["id"], cakupan_wilayah=code)["cakupan_wilayah"] == code


def test_contract_schema_accepts_the_same_wilayah_codes():
    """The hub's contract checks cakupan_wilayah with this field's own rule."""
    from ckanext.tangerang import hub_tables
    from ckanext.tangerang.logic.validators import WILAYAH_CODE

    sdi = hub_tables.contract_schema()["properties"]["sdi"]["properties"]
    assert sdi["cakupan_wilayah"]["pattern"] == WILAYAH_CODE.pattern


def test_open_ended_coverage_has_no_end_date(make_org, make_dataset, sdi):
    """A register kept current (keadaan terakhir): a start date and no end date."""
    del sdi["cakupan_waktu_selesai"]
    dataset = make_dataset(make_org()["id"])
    shown = call_action("package_show", id=dataset["id"])
    assert shown["cakupan_waktu_mulai"] == "2024-01-01"
    assert not shown.get("cakupan_waktu_selesai")


def test_required_sdi_fields_are_reported_together(make_org):
    org = make_org()
    errors = _create_errors(name="bare", owner_org=org["id"])
    assert {"dimensi", "frekuensi", "tingkat_penyajian", "klasifikasi_akses"} <= set(errors)


def test_unknown_dimension_and_reversed_coverage_are_rejected(make_org, sdi):
    org = make_org()
    errors = _create_errors(
        name="bad-dim",
        owner_org=org["id"],
        **{**sdi, "dimensi": ["smart-parking"], "cakupan_waktu_selesai": "2023-01-01"},
    )
    assert set(errors) == {"dimensi", "cakupan_waktu_selesai"}


def _editor_context(user: dict[str, Any]) -> dict[str, Any]:
    return {"user": user["name"], "ignore_auth": False}


@pytest.mark.ckan_config("ckanext.tangerang.bot_user", "pipeline-bot")
def test_pipeline_fields_are_written_by_the_bot_only(make_org, make_dataset):
    editor = factories.User()
    bot = factories.User(name="pipeline-bot")
    org = make_org(
        users=[
            {"name": editor["name"], "capacity": "editor"},
            {"name": bot["name"], "capacity": "editor"},
        ]
    )
    dataset = make_dataset(org["id"])

    revised = call_action(
        "package_revise",
        context={"user": bot["name"], "ignore_auth": False},
        match={"id": dataset["id"]},
        update={
            "contract_id": "penduduk-kecamatan",
            "last_run_at": "2025-01-31T07:00:00+07:00",
            "row_count": 13,
            "sha256": SHA.upper(),
            "quality_score": 87.5,
            "quality_grade": "B",
            "validation_status": "passed",
        },
    )["package"]
    assert revised["last_run_at"] == "2025-01-31T00:00:00Z"
    assert revised["row_count"] == 13
    assert revised["sha256"] == SHA
    assert revised["quality_score"] == 87.5

    with pytest.raises(tk.ValidationError) as exc:
        call_action(
            "package_patch",
            context=_editor_context(editor),
            id=dataset["id"],
            quality_grade="A",
        )
    assert list(exc.value.error_dict) == ["quality_grade"]

    # The web form sends no pipeline fields: an editor's update keeps them.
    form_like = {k: v for k, v in revised.items() if k not in ("contract_id", "quality_grade")}
    form_like["title"] = "Judul baru"
    updated = call_action("package_update", context=_editor_context(editor), **form_like)
    assert updated["title"] == "Judul baru"
    assert updated["contract_id"] == "penduduk-kecamatan"
    assert updated["quality_grade"] == "B"


@pytest.mark.parametrize(
    "field, value",
    [("quality_score", 101), ("sha256", "abc"), ("row_count", -1), ("last_run_at", "kemarin")],
)
def test_pipeline_field_formats_are_checked(make_org, sdi, field, value):
    org = make_org()
    errors = _create_errors(name="bad-lineage", owner_org=org["id"], **{**sdi, field: value})
    assert list(errors) == [field]
