"""Restricted data for partner universities over HTTP, with each role's API token: the access
matrix of a terbatas resource (anonymous, university without agreement, after approval, after
the agreement's end date), the DataStore reads, and the audit of each."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action, call_auth
from freezegun import freeze_time

WALIDATA = "walidata-akses"
PLUGINS = "tangerang scheming_datasets scheming_organizations datastore activity"
pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("ckanext.tangerang.walidata_users", WALIDATA),
    pytest.mark.ckan_config("ckan.datastore.sqlsearch.enabled", "true"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

CSV = "kecamatan,penerima\nCiledug,120\nPinang,95\n"
# 31 December 2026, 17:30 UTC is already 1 January 2027, 00:30 WIB.
LAST_DAY = "2026-12-31"
LAST_DAY_WIB_EVENING = "2026-12-31T16:30:00Z"  # 23:30 WIB
AFTER_END_WIB = "2026-12-31T17:30:00Z"  # 00:30 WIB, 1 January 2027


class Api:
    """POST /api/3/action/<name> as one role; returns (HTTP status, the JSON answer)."""

    def __init__(self, app: Any, tokens: dict[str, str | None]) -> None:
        self.app, self.tokens = app, tokens

    def headers(self, role: str) -> dict[str, str]:
        token = self.tokens[role]
        return {"Authorization": token} if token else {}

    def __call__(self, role: str, action: str, **data: Any) -> tuple[int, dict[str, Any]]:
        response = self.app.post(f"/api/3/action/{action}", json=data, headers=self.headers(role))
        return response.status_code, response.json

    def download(self, role: str, resource: dict[str, Any]) -> int:
        url = f"/dataset/{resource['package_id']}/resource/{resource['id']}/download/data.csv"
        return self.app.get(url, headers=self.headers(role)).status_code


@pytest.fixture
def world(app, make_org, make_dataset, create_with_upload, tmp_path, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    producer = make_org("opd", name="dinsos-uji")
    partner = make_org("universitas", name="univ-mitra")
    other = make_org("universitas", name="univ-lain")
    users = {
        "member": factories.UserWithToken(),  # of the partner university
        "stranger": factories.UserWithToken(),  # of a university without an agreement
        "citizen": factories.UserWithToken(),  # of no university
        "sysadmin": factories.SysadminWithToken(),
    }
    walidata = factories.User(name=WALIDATA)
    users["walidata"] = {
        **walidata,
        "token": call_action("api_token_create", user=WALIDATA, name="uji")["token"],
    }
    for org, role in ((partner, "member"), (other, "stranger")):
        call_action(
            "organization_member_create",
            id=org["id"],
            username=users[role]["name"],
            role="member",
        )
    dataset = make_dataset(
        producer["id"],
        name="penerima-bansos-uji",
        klasifikasi_akses="terbatas",
        dimensi=["society"],
        contract_id="penerima-bansos-uji",
        private=True,
    )
    sysadmin = {"user": users["sysadmin"]["name"]}
    resource = create_with_upload(
        CSV, "data.csv", package_id=dataset["id"], url="data.csv", context=sysadmin
    )
    call_action(
        "datastore_create",
        context=sysadmin,
        resource_id=resource["id"],
        force=True,
        fields=[{"id": "kecamatan", "type": "text"}, {"id": "penerima", "type": "int"}],
        records=[{"kecamatan": "Ciledug", "penerima": 120}],
    )
    tokens = {"anonymous": None, **{role: user["token"] for role, user in users.items()}}
    names = {"anonymous": "", **{role: user["name"] for role, user in users.items()}}
    return {
        "api": Api(app, tokens),
        "names": names,
        "dataset": dataset,
        "resource": resource,
        "partner": partner,
        "other": other,
    }


def _approve_publication(world) -> None:
    api = world["api"]
    status, _ = api("sysadmin", "tangerang_review_submit", package_id=world["dataset"]["id"])
    assert status == 200
    status, body = api("walidata", "tangerang_review_approve", package_id=world["dataset"]["id"])
    assert status == 200 and body["result"]["state"] == "disetujui"


def _audit(world) -> list[tuple[str, str | None, str | None]]:
    status, body = world["api"]("walidata", "tangerang_access_audit_list", limit=100)
    assert status == 200
    return [(r["action"], r["user"], r["detail"]) for r in reversed(body["result"]["results"])]


def test_approved_terbatas_metadata_is_public_its_bytes_are_not(world):
    api = world["api"]
    assert api("anonymous", "package_show", id=world["dataset"]["id"])[0] == 403  # in review
    _approve_publication(world)
    status, body = api("anonymous", "package_show", id=world["dataset"]["id"])
    assert status == 200 and body["result"]["private"] is False
    assert body["result"]["resources"][0]["id"] == world["resource"]["id"]
    status, body = api("anonymous", "package_search", q="name:penerima-bansos-uji")
    assert body["result"]["count"] == 1
    assert api.download("anonymous", world["resource"]) == 403
    assert api("anonymous", "datastore_search", resource_id=world["resource"]["id"])[0] == 403


def test_the_access_matrix_of_a_restricted_resource(world):
    api, resource = world["api"], world["resource"]
    _approve_publication(world)
    names = world["names"]

    with freeze_time("2026-12-10T03:00:00Z"):
        # Anonymous, and a university member without agreement nor approval: 403.
        assert api.download("anonymous", resource) == 403
        assert api.download("member", resource) == 403
        assert (
            api("citizen", "tangerang_access_request_create", package_id="x", purpose="y")[0] == 403
        )
        status, body = api(
            "member",
            "tangerang_access_request_create",
            package_id="penerima-bansos-uji",
            purpose="Skripsi: sebaran penerima bantuan sosial per kecamatan.",
        )
        assert status == 200 and body["result"]["status"] == "diajukan"
        request_id = body["result"]["id"]
        # No agreement yet: the walidata cannot grant it.
        status, body = api(
            "walidata",
            "tangerang_access_request_decide",
            id=request_id,
            status="disetujui",
            reason="Sesuai.",
        )
        assert status == 409 and list(body["error"]) == ["status", "__type"]
        assert api("member", "tangerang_agreement_create", organization="univ-mitra")[0] == 403
        status, body = api(
            "walidata",
            "tangerang_agreement_create",
            organization="univ-mitra",
            number="MoU/001/2026",
            start_date="2026-01-01",
            end_date=LAST_DAY,
            dimensions=["society"],
        )
        assert status == 200, body
        agreement = body["result"]
        assert agreement["in_force"] is True
        status, body = api(
            "walidata",
            "tangerang_access_request_decide",
            id=request_id,
            status="disetujui",
            reason="Tujuan penelitian sesuai MoU.",
        )
        assert status == 200 and body["result"]["status"] == "disetujui"
        # After approval: 200, the file itself; the DataStore rows too.
        assert api.download("member", resource) == 200
        status, body = api("member", "datastore_search", resource_id=resource["id"])
        assert status == 200 and body["result"]["records"][0]["penerima"] == 120
        # A member of another university is still refused.
        assert api.download("stranger", resource) == 403
        assert call_auth(
            "tangerang_resource_download",
            {"user": names["member"], "model": None},
            id=resource["id"],
        )

    with freeze_time(LAST_DAY_WIB_EVENING):  # the agreement's last day, 23:30 WIB
        assert api.download("member", resource) == 200

    with freeze_time(AFTER_END_WIB):  # 00:30 WIB the day after: the agreement has ended
        assert api.download("member", resource) == 403
        assert api("member", "datastore_search", resource_id=resource["id"])[0] == 403
        sql = f'SELECT * FROM "{resource["id"]}"'
        assert api("member", "datastore_search_sql", sql=sql)[0] == 403
        with pytest.raises(tk.NotAuthorized):
            call_auth(
                "tangerang_resource_download",
                {"user": names["member"], "model": None},
                id=resource["id"],
            )
        shown = api("walidata", "tangerang_agreement_show", id=agreement["id"])[1]["result"]
        assert shown["in_force"] is False

    member = names["member"]
    assert _audit(world) == [
        ("denied", None, "resource.download"),
        ("denied", member, "resource.download"),
        ("grant", WALIDATA, "Tujuan penelitian sesuai MoU."),
        ("download", member, "resource.download"),
        ("download", member, "datastore_search"),
        ("denied", names["stranger"], "resource.download"),
        ("download", member, "resource.download"),
        ("denied", member, "resource.download"),
        ("denied", member, "datastore_search"),
        ("denied", member, "datastore_search_sql"),
    ]


def test_a_refusal_is_audited_and_gives_nothing(world):
    api = world["api"]
    _approve_publication(world)
    api(
        "walidata",
        "tangerang_agreement_create",
        organization="univ-mitra",
        number="MoU/002/2026",
        start_date=(dt.date.today() - dt.timedelta(days=30)).isoformat(),
        end_date=(dt.date.today() + dt.timedelta(days=30)).isoformat(),
        packages=["penerima-bansos-uji"],
    )
    request = api(
        "member",
        "tangerang_access_request_create",
        package_id="penerima-bansos-uji",
        purpose="Tugas kuliah.",
    )[1]["result"]
    # Only the walidata decides; a reason is required.
    assert (
        api(
            "member",
            "tangerang_access_request_decide",
            id=request["id"],
            status="ditolak",
            reason="x",
        )[0]
        == 403
    )
    assert (
        api("walidata", "tangerang_access_request_decide", id=request["id"], status="ditolak")[0]
        == 409
    )
    status, body = api(
        "walidata",
        "tangerang_access_request_decide",
        id=request["id"],
        status="ditolak",
        reason="Tujuan belum jelas; sebutkan judul penelitian.",
    )
    assert status == 200 and body["result"]["status"] == "ditolak"
    assert api.download("member", world["resource"]) == 403
    # The requester sees their own request and its reason; the walidata every request.
    mine = api("member", "tangerang_access_request_list")[1]["result"]
    assert [r["reason"] for r in mine["results"]] == [
        "Tujuan belum jelas; sebutkan judul penelitian."
    ]
    assert api("stranger", "tangerang_access_request_list")[1]["result"]["count"] == 0
    assert api("anonymous", "tangerang_access_audit_list")[0] == 403
    assert api("member", "tangerang_access_audit_list")[0] == 403
    assert _audit(world) == [
        ("refuse", WALIDATA, "Tujuan belum jelas; sebutkan judul penelitian."),
        ("denied", world["names"]["member"], "resource.download"),
    ]


def _login(app, name: str) -> None:
    page = BeautifulSoup(app.get("/user/login").body, "html.parser")
    token = page.select_one("form input[name=_csrf_token]")["value"]
    app.post(
        "/user/login",
        data={"login": name, "password": "correct123", "_csrf_token": token},
        follow_redirects=False,
    )


def test_the_dataset_page_notice_the_request_form_and_the_walidata_page(app, world):
    _approve_publication(world)
    url = "/dataset/penerima-bansos-uji"
    # Anonymous: the notice and a login link, no form.
    page = BeautifulSoup(app.get(url).body, "html.parser")
    notice = page.select_one("#akses-terbatas")
    assert notice is not None and notice.select_one(".tangerang-restricted-login")
    assert notice.select_one("form") is None
    assert app.get("/akses-data").status_code == 403

    factories.User(name="mahasiswa-peramban", password="correct123")
    call_action(
        "organization_member_create", id="univ-mitra", username="mahasiswa-peramban", role="member"
    )
    _login(app, "mahasiswa-peramban")
    page = BeautifulSoup(app.get(url).body, "html.parser")
    form = page.select_one("#akses-terbatas form")
    assert form["method"] == "post" and form.select_one("textarea[name=purpose]")
    # Without the form's CSRF token nothing is recorded.
    app.post(form["action"], data={"purpose": "Penelitian."}, status=400)
    token = form.select_one("input[name=_csrf_token]")["value"]
    evil = "<script>alert('x')</script> Penelitian skripsi."
    response = app.post(
        form["action"], data={"purpose": evil, "_csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 302
    page = BeautifulSoup(app.get(url).body, "html.parser")
    assert page.select_one("#akses-terbatas [data-status=diajukan]")
    assert page.select_one("#akses-terbatas form") is None  # one waiting request at a time
    assert app.get("/akses-data").status_code == 403

    status, body = world["api"]("walidata", "tangerang_access_request_list", status="diajukan")
    assert [r["user"] for r in body["result"]["results"]] == ["mahasiswa-peramban"]
    walidata = world["api"].headers("walidata")
    admin = app.get("/akses-data", headers=walidata)
    assert admin.status_code == 200
    assert "<script>alert" not in admin.body and "&lt;script&gt;" in admin.body
    page = BeautifulSoup(admin.body, "html.parser")
    assert page.select("table.tangerang-access-waiting tr[data-request]")
    decide = page.select_one("table.tangerang-access-waiting form")
    assert decide.select_one("input[name=_csrf_token]") and decide["method"] == "post"


def test_viewing_the_dataset_page_is_not_an_audited_attempt_at_the_rows(app, world):
    """The page renders the data dictionary (datastore_info) for every visitor: a denial of
    that internal read is no download attempt, while the same read through the API is."""
    _approve_publication(world)
    before = _audit(world)
    for _ in range(2):
        assert app.get("/dataset/penerima-bansos-uji").status_code == 200
    assert _audit(world) == before
    status, _ = world["api"]("anonymous", "datastore_info", id=world["resource"]["id"])
    assert status == 403
    assert _audit(world) == [*before, ("denied", None, "datastore_info")]
