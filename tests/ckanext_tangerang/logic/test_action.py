"""The tangerang actions, called without auth (logic/test_auth.py checks who may call them)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.tangerang.logic.validators import DATA_DOCS_MAX_BYTES
from ckanext.tangerang.redact import JWT, SECRET_KEY

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

VALIDATION = {
    "success": True,
    "blocking": [],
    "warnings": [{"column": "jumlah", "message": "outlier"}],
    "statistics": {"evaluated_expectations": 12},
}


@pytest.fixture
def dataset(make_org, make_dataset):
    return make_dataset(make_org()["id"], name="penduduk-kecamatan")


def _report(**data):
    return call_action("tangerang_run_report_create", **data)


def test_create_by_name_stores_every_field(dataset):
    run = _report(
        package_id="penduduk-kecamatan",
        run_id="2025-01-31T00:00:00+00:00",
        status="published",
        started_at="2025-01-31T07:00:00+07:00",
        finished_at="2025-01-31T07:02:30+07:00",
        rows=13,
        sha256="F" * 64,
        validation=VALIDATION,
        message="13 baris diterbitkan",
        report_url="https://hub.example.org/reports/1.html",
    )
    shown = call_action("tangerang_run_report_show", id=run["id"])
    assert shown == run
    assert shown["package_id"] == dataset["id"]
    assert shown["started_at"] == "2025-01-31T00:00:00"
    assert shown["finished_at"] == "2025-01-31T00:02:30"
    assert shown["rows"] == 13
    assert shown["sha256"] == "f" * 64
    assert shown["validation"] == VALIDATION


def test_message_code_and_params_are_kept_with_the_validation(dataset):
    validation = {**VALIDATION, "message_code": "published", "message_params": {"rows": 13}}
    run = _report(package_id=dataset["id"], run_id="r1", status="published", validation=validation)
    assert call_action("tangerang_run_report_show", id=run["id"])["validation"] == validation


def test_same_run_reported_twice_is_updated_not_duplicated(dataset):
    first = _report(package_id=dataset["id"], run_id="r1", status="failed", message="timeout")
    second = _report(package_id=dataset["id"], run_id="r1", status="published", rows=5)
    assert second["id"] == first["id"]
    runs = call_action("tangerang_run_report_list", package_id=dataset["id"])
    assert [(r["run_id"], r["status"], r["rows"], r["message"]) for r in runs] == [
        ("r1", "published", 5, None)
    ]


def test_list_is_newest_first_and_limited(dataset):
    for day in (1, 3, 2):
        _report(
            package_id=dataset["id"],
            run_id=f"r{day}",
            status="unchanged",
            finished_at=f"2025-02-0{day}T00:00:00Z",
        )
    runs = call_action("tangerang_run_report_list", package_id=dataset["name"], limit=2)
    assert [r["run_id"] for r in runs] == ["r3", "r2"]
    rest = call_action("tangerang_run_report_list", package_id=dataset["name"], offset=2)
    assert [r["run_id"] for r in rest] == ["r1"]


@pytest.mark.parametrize(
    "data, field",
    [
        ({"status": "done"}, "status"),
        ({"rows": -3}, "rows"),
        ({"sha256": "xyz"}, "sha256"),
        ({"finished_at": "31/01/2025"}, "finished_at"),
        ({"validation": {"success": "yes"}}, "validation"),
        ({"validation": {"blocking": []}}, "validation"),
        ({"report_url": "javascript:alert(1)"}, "report_url"),
        ({"run_id": ""}, "run_id"),
        ({"validation": {"success": True, "message_code": "Bukan Kode"}}, "validation"),
        ({"validation": {"success": True, "message_params": {"rows": 1}}}, "validation"),
        (
            {"validation": {"success": True, "message_code": "x", "message_params": {"a": [1]}}},
            "validation",
        ),
    ],
)
def test_create_rejects_bad_data(dataset, data, field):
    with pytest.raises(tk.ValidationError) as exc:
        _report(**{"package_id": dataset["id"], "run_id": "r1", "status": "published", **data})
    assert list(exc.value.error_dict) == [field]


def test_create_for_unknown_dataset_fails(dataset):
    with pytest.raises(tk.ValidationError) as exc:
        _report(package_id="tidak-ada", run_id="r1", status="published")
    assert "package_id" in exc.value.error_dict


def test_show_unknown_run_is_not_found(dataset):
    with pytest.raises(tk.ObjectNotFound):
        call_action("tangerang_run_report_show", id="tidak-ada")


def _iso(delta: dt.timedelta) -> str:
    return (dt.datetime.now(dt.UTC) - delta).isoformat()


def test_dimension_summary_counts_public_datasets(make_org, make_dataset):
    opd = make_org(name="dinkes", title="Dinas Kesehatan")
    make_org(name="umt", org_type="universitas")
    bulan = dt.timedelta(days=3)
    common = {"frekuensi": "bulanan"}
    make_dataset(
        opd["id"],
        dimensi=["living", "society"],
        last_run_at=_iso(bulan),
        quality_score=90,
        **common,
    )
    make_dataset(
        opd["id"],
        dimensi=["living"],
        last_run_at=_iso(dt.timedelta(days=40)),
        quality_score=70,
        **common,
    )
    make_dataset(opd["id"], dimensi=["living"], **common)  # never run
    make_dataset(opd["id"], dimensi=["living"], private=True, last_run_at=_iso(bulan), **common)

    summary = call_action("tangerang_dimension_summary")
    dims = {d["name"]: d for d in summary["dimensions"]}
    assert list(dims) == ["governance", "branding", "economy", "living", "society", "environment"]
    assert dims["living"]["dataset_count"] == 3
    assert dims["living"]["freshness"] == {"on_time": 1, "late": 1, "no_run": 1, "irregular": 0}
    assert dims["living"]["average_quality_score"] == 80.0
    assert dims["society"]["dataset_count"] == 1
    assert dims["governance"] == {
        "name": "governance",
        "title": dims["governance"]["title"],
        "dataset_count": 0,
        "freshness": {"on_time": 0, "late": 0, "no_run": 0, "irregular": 0},
        "average_quality_score": None,
    }
    assert dims["governance"]["title"]["id"].startswith("Smart Governance")
    orgs = {o["name"]: o for o in summary["organizations"]}
    # OPDs are listed even without datasets; partner universities only when they publish
    assert orgs["dinkes"]["dataset_count"] == 3
    assert orgs["dinkes"]["org_type"] == "opd"
    assert "umt" not in orgs
    assert summary["total"]["dataset_count"] == 3

    only = call_action("tangerang_dimension_summary", dimensi="society")
    assert [d["name"] for d in only["dimensions"]] == ["society"]
    assert only["total"]["dataset_count"] == 1


def test_dimension_summary_rejects_unknown_dimension():
    with pytest.raises(tk.ValidationError):
        call_action("tangerang_dimension_summary", dimensi="smart-parking")


def test_rejected_run_payload_of_the_pipeline_is_accepted(dataset):
    # Shape sent by tangerang_hub.report.report_payload for a run that published nothing.
    run = _report(
        package_id=dataset["name"],
        run_id="manual__2025-02-01",
        status="rejected",
        started_at="2025-02-01T00:00:00+00:00",
        finished_at=None,
        rows=None,
        sha256=None,
        message="2 blocking problems",
        report_url="",
        validation={
            "success": False,
            "blocking": [{"file": "a.csv", "row": 3, "column": "kode", "message": "unknown"}],
            "warnings": [],
            "statistics": {},
        },
    )
    assert run["status"] == "rejected"
    assert run["validation"]["blocking"][0]["row"] == 3
    assert run["finished_at"] is None and run["sha256"] is None


def _docs_report(dataset: dict, html: object) -> dict:
    return _report(package_id=dataset["id"], run_id="r1", status="rejected", data_docs_html=html)


@pytest.mark.parametrize(
    "value, message",
    [
        (12, "string"),
        ("<p>no document</p>", "HTML document"),
        ("<html>" + "x" * DATA_DOCS_MAX_BYTES + "</html>", "2 MB"),
        ("<html>\x00</html>", "NUL"),
    ],
)
def test_bad_docs_are_refused(dataset, value, message):
    with pytest.raises(tk.ValidationError) as exc:
        _docs_report(dataset, value)
    assert list(exc.value.error_dict) == ["data_docs_html"]
    assert message in str(exc.value.error_dict["data_docs_html"])


def test_docs_up_to_2_mb_are_accepted(dataset):
    # 2 MB counted in UTF-8 bytes: multi-byte characters count for what they weigh.
    head, tail = "<html><body>", "</body></html>"
    filler = "é" * ((DATA_DOCS_MAX_BYTES - len(head) - len(tail)) // 2)
    run = _docs_report(dataset, head + filler + tail)
    assert run["has_data_docs"]
    with pytest.raises(tk.ValidationError):
        _docs_report(dataset, head + filler + "é" + tail)


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value).union(*(_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys(v) for v in value))
    return set()


def test_no_action_returns_a_credential(dataset):
    # The reporting user has a token; nothing about them but their id comes back.
    editor = factories.UserWithToken()
    created = call_action(
        "tangerang_run_report_create",
        context={"user": editor["name"]},
        package_id=dataset["id"],
        run_id="r1",
        status="published",
        validation=VALIDATION,
        data_docs_html="<html><body>ok</body></html>",
    )
    results = [
        created,
        call_action("tangerang_run_report_list", package_id=dataset["id"]),
        call_action("tangerang_run_report_show", id=created["id"]),
        call_action("tangerang_dimension_summary"),
    ]
    assert created["user_id"] == editor["id"]
    assert [key for key in _keys(results) if SECRET_KEY.search(key)] == []
    text = json.dumps(results)
    assert editor["token"] not in text and not JWT.search(text)
