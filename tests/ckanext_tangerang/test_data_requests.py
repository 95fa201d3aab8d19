"""Public data requests (/permohonan-data): auth per role, the API over HTTP with each role's
token, the anonymous form (CSRF, e-mail, hourly limits) and the public pages."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from bs4 import BeautifulSoup
from ckan import model
from ckan.lib.redis import connect_to_redis
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action, call_auth

WALIDATA = "walidata-diskominfo"  # seed.yaml
EVIL = "<script>alert('x')</script>"
PER_CLIENT = 3

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.ckan_config("ckanext.tangerang.walidata_users", WALIDATA),
    pytest.mark.ckan_config("ckanext.tangerang.data_request_rate_per_hour", PER_CLIENT),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_rate_counters"),
]

ROLES = ("anonymous", "user", "producer", "bot", "walidata", "sysadmin")
REQUEST = {
    "title": "Jumlah pedagang kaki lima per kecamatan",
    "description": "Per kecamatan, 2020 sampai 2025.",
    "purpose": "Skripsi tentang ekonomi informal.",
}


@pytest.fixture
def clean_rate_counters():
    """Only this site's data request counters, never the rest of the shared Redis."""
    redis = connect_to_redis()
    pattern = f"{tk.config.get('ckan.site_id')}:tangerang:data_request:*"
    for key in redis.scan_iter(pattern):
        redis.delete(key)


@pytest.fixture
def world() -> dict[str, Any]:
    """The seeded catalog and one user per role, each with an API token (anonymous: none)."""
    from ckanext.tangerang import seed

    seed.seed()
    user = factories.UserWithToken()
    producer = factories.UserWithToken()
    call_action("organization_member_create", id="dinkes", username=producer["name"], role="editor")
    sysadmin = factories.SysadminWithToken()
    bot = tk.config.get("ckanext.tangerang.bot_user")
    names = {"anonymous": "", "user": user["name"], "producer": producer["name"], "bot": bot}
    names |= {"walidata": WALIDATA, "sysadmin": sysadmin["name"]}
    tokens = {"anonymous": None, "user": user["token"], "producer": producer["token"]}
    tokens["sysadmin"] = sysadmin["token"]
    for role in ("bot", "walidata"):
        tokens[role] = call_action("api_token_create", user=names[role], name="uji")["token"]
    return {"names": names, "tokens": tokens}


def _api(app, world, role: str, action: str, **data: Any) -> tuple[int, dict[str, Any]]:
    token = world["tokens"][role]
    headers = {"Authorization": token} if token else {}
    response = app.post(f"/api/3/action/{action}", json=data, headers=headers)
    return response.status_code, response.json


def _allowed(world, action: str, context: dict[str, Any] | None = None, **data: Any):
    result = {}
    for role in ROLES:
        try:
            call_auth(
                action, {"user": world["names"][role], "model": model, **(context or {})}, **data
            )
            result[role] = True
        except tk.NotAuthorized:
            result[role] = False
    return result


def test_who_may_do_what(world):
    assert _allowed(world, "tangerang_data_request_create") == {
        "anonymous": False,  # only through the form, which checked its CSRF token
        "user": True,
        "producer": True,
        "bot": False,
        "walidata": True,
        "sysadmin": True,
    }
    from_form = _allowed(world, "tangerang_data_request_create", {"tangerang_form_checked": True})
    assert from_form["anonymous"] is True and from_form["bot"] is False
    for action in ("tangerang_data_request_show", "tangerang_data_request_list"):
        assert all(_allowed(world, action, id="x").values()), action
    assert _allowed(world, "tangerang_data_request_update_status", id="x") == {
        "anonymous": False,
        "user": False,
        "producer": False,
        "bot": False,
        "walidata": True,
        "sysadmin": True,
    }


def test_the_api_for_every_role(app, world, make_dataset):
    assert _api(app, world, "anonymous", "tangerang_data_request_create", **REQUEST)[0] == 403
    assert _api(app, world, "bot", "tangerang_data_request_create", **REQUEST)[0] == 403
    status, body = _api(app, world, "user", "tangerang_data_request_create", **REQUEST)
    assert status == 200
    created = body["result"]
    assert created["status"] == "diterima" and "email" not in created and "user" not in created
    request_id = created["id"]

    # Everyone reads it; only reviewers see who asked.
    for role in ROLES:
        status, body = _api(app, world, role, "tangerang_data_request_show", id=request_id)
        assert status == 200, role
        assert ("user" in body["result"]) is (role in ("walidata", "sysadmin")), role
    shown = _api(app, world, "walidata", "tangerang_data_request_show", id=request_id)[1]
    assert shown["result"]["user"] == world["names"]["user"]
    listed = _api(app, world, "anonymous", "tangerang_data_request_list")[1]["result"]
    assert [r["id"] for r in listed["results"]] == [request_id]

    change = {"id": request_id, "status": "diproses"}
    for role in ("anonymous", "user", "producer", "bot"):
        assert _api(app, world, role, "tangerang_data_request_update_status", **change)[0] == 403
    status, body = _api(app, world, "walidata", "tangerang_data_request_update_status", **change)
    assert status == 200 and body["result"]["status"] == "diproses"

    # Refused without a reason; available only with a published dataset.
    refuse = {"id": request_id, "status": "ditolak"}
    status, body = _api(app, world, "sysadmin", "tangerang_data_request_update_status", **refuse)
    assert status == 409 and "reason" in body["error"]
    available = {"id": request_id, "status": "tersedia"}
    status, body = _api(app, world, "sysadmin", "tangerang_data_request_update_status", **available)
    assert status == 409 and "package_id" in body["error"]
    make_dataset("dinkes", name="pkl-privat", private=True)
    status, body = _api(
        app,
        world,
        "walidata",
        "tangerang_data_request_update_status",
        **available,
        package_id="pkl-privat",
    )
    assert status == 409 and "package_id" in body["error"]
    dataset = make_dataset("dinkes", name="pkl-kecamatan", title="PKL per Kecamatan")
    status, body = _api(
        app,
        world,
        "walidata",
        "tangerang_data_request_update_status",
        **available,
        package_id="pkl-kecamatan",
    )
    assert status == 200
    assert body["result"]["package"] == {
        "id": dataset["id"],
        "name": "pkl-kecamatan",
        "title": "PKL per Kecamatan",
    }
    assert [e["status"] for e in body["result"]["history"]] == ["diterima", "diproses", "tersedia"]

    # The dataset's page says which request it answers.
    page = BeautifulSoup(app.get("/dataset/pkl-kecamatan").body, "html.parser")
    answers = page.select_one(".tangerang-answers")
    assert answers is not None
    assert "Menjawab permohonan" in answers.get_text(" ", strip=True)
    assert answers.select_one("a")["href"] == f"/permohonan-data/{request_id}"


def _form_token(app, prefix: str = "") -> str:
    page = BeautifulSoup(app.get(f"{prefix}/permohonan-data").body, "html.parser")
    form = page.select_one("form[action='/permohonan-data']")
    assert form is not None and form["method"] == "post"
    return form.select_one("input[name=_csrf_token]")["value"]


def _send(app, token: str | None, address: str, **fields: Any):
    data = {**REQUEST, "email": "warga@contoh.id", **fields}
    if token is not None:
        data["_csrf_token"] = token
    return app.post(
        "/permohonan-data",
        data=data,
        extra_environ={"REMOTE_ADDR": address},
        follow_redirects=False,
    )


def _address() -> str:
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def test_the_anonymous_form_needs_its_csrf_token_and_an_e_mail_address(app, world):
    address = _address()
    assert _send(app, None, address).status_code == 400
    token = _form_token(app)
    assert _send(app, "not-the-token", address).status_code == 400

    refused = _send(app, token, address, email="bukan-alamat")
    assert refused.status_code == 400
    assert "alamat e-mail yang benar" in refused.get_data(as_text=True)
    missing = _send(app, token, address, email="")
    assert missing.status_code == 400 and "Alamat e-mail wajib diisi" in missing.get_data(
        as_text=True
    )
    assert call_action("tangerang_data_request_list")["count"] == 0

    sent = _send(app, token, address, organization="dinkes")
    assert sent.status_code == 302
    request_id = sent.headers["Location"].rsplit("/", 1)[1]
    private = call_action("tangerang_data_request_show", context={"user": WALIDATA}, id=request_id)
    assert private["email"] == "warga@contoh.id" and private["user"] is None
    assert private["organization"]["name"] == "dinkes"

    # The e-mail address is on no public page, in no language, nor in the public API.
    for url in ("/permohonan-data", f"/permohonan-data/{request_id}", "/en/permohonan-data"):
        body = app.get(url).get_data(as_text=True)
        assert "Jumlah pedagang kaki lima" in body and "warga@contoh.id" not in body, url
    assert "email" not in call_action("tangerang_data_request_show", id=request_id)


def test_the_next_request_over_the_hourly_limit_is_refused_in_indonesian(app, world):
    token = _form_token(app)
    address = _address()
    for _ in range(PER_CLIENT):
        assert _send(app, token, address).status_code == 302
    refused = _send(app, token, address)
    assert refused.status_code == 429
    text = BeautifulSoup(refused.get_data(as_text=True), "html.parser").select_one(".alert-danger")
    assert text is not None
    assert "Anda sudah mengirim 3 permohonan data dalam satu jam terakhir" in text.get_text()
    # Another client is not affected; nothing of the address is kept.
    assert _send(app, token, _address()).status_code == 302
    assert call_action("tangerang_data_request_list")["count"] == PER_CLIENT + 1
    keys = [k.decode() for k in connect_to_redis().scan_iter("tangerang_unit:*data_request*")]
    assert keys and not any(address in key for key in keys)
    columns = {c.name for c in model.meta.metadata.tables["tangerang_data_request"].columns}
    assert not {"ip", "remote_addr", "client"} & columns


@pytest.mark.ckan_config("ckanext.tangerang.data_request_anonymous_rate_per_hour", 2)
def test_all_anonymous_requests_together_have_a_limit(app, world):
    token = _form_token(app)
    assert _send(app, token, _address()).status_code == 302
    assert _send(app, token, _address()).status_code == 302
    refused = _send(app, token, _address())
    assert refused.status_code == 429
    assert "terlalu banyak permohonan data" in refused.get_data(as_text=True)
    # A signed-in user is not counted against it.
    status, _ = _api(app, world, "user", "tangerang_data_request_create", **REQUEST)
    assert status == 200


def test_a_title_with_markup_is_shown_as_text(app, world):
    token = _form_token(app)
    sent = _send(app, token, _address(), title=EVIL, description=EVIL)
    assert sent.status_code == 302
    request_id = sent.headers["Location"].rsplit("/", 1)[1]
    for url in ("/permohonan-data", f"/permohonan-data/{request_id}"):
        body = app.get(url).get_data(as_text=True)
        assert EVIL not in body, url
        assert "&lt;script&gt;alert(" in body, url


def test_the_walidata_changes_the_status_on_the_page(app, world):
    request_id = call_action(
        "tangerang_data_request_create", context={"user": world["names"]["user"]}, **REQUEST
    )["id"]
    headers = {"Authorization": world["tokens"]["walidata"]}
    page = BeautifulSoup(
        app.get(f"/permohonan-data/{request_id}", headers=headers).body, "html.parser"
    )
    form = page.select_one(".tangerang-request-decide form")
    assert form is not None and form.select_one("input[name=_csrf_token]") is not None
    # Nobody else sees the form.
    anonymous = BeautifulSoup(app.get(f"/permohonan-data/{request_id}").body, "html.parser")
    assert anonymous.select_one(".tangerang-request-decide") is None

    refused = app.post(
        f"/permohonan-data/{request_id}/status", data={"status": "ditolak"}, headers=headers
    )
    assert refused.status_code == 400
    assert call_action("tangerang_data_request_show", id=request_id)["status"] == "diterima"
    app.post(
        f"/permohonan-data/{request_id}/status",
        data={"status": "ditolak", "reason": "Data ini dikecualikan."},
        headers=headers,
    )
    shown = call_action("tangerang_data_request_show", id=request_id)
    assert shown["status"] == "ditolak" and shown["reason"] == "Data ini dikecualikan."
    detail = BeautifulSoup(app.get(f"/permohonan-data/{request_id}").body, "html.parser")
    assert detail.select_one(".tangerang-request-status").get_text(strip=True) == "Ditolak"
    assert "Data ini dikecualikan." in detail.select_one(".tangerang-request-reason").get_text()
    english = BeautifulSoup(app.get(f"/en/permohonan-data/{request_id}").body, "html.parser")
    assert english.select_one(".tangerang-request-status").get_text(strip=True) == "Rejected"

    # Users who are not reviewers may not post the form.
    other = {"Authorization": world["tokens"]["producer"]}
    app.post(
        f"/permohonan-data/{request_id}/status",
        data={"status": "diproses"},
        headers=other,
        status=403,
    )
