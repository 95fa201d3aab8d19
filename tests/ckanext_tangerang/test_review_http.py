"""The walidata review over HTTP, with each role's real API token, and its queue page."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from ckan.tests.helpers import call_action

WALIDATA = "walidata-diskominfo"  # seed.yaml
# A second walidata who signs in with a password (the seeded one has a random password).
BROWSER_WALIDATA = "walidata-peramban"
EVIL = "<script>alert('x')</script>"

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.ckan_config("ckanext.tangerang.walidata_users", f"{WALIDATA} {BROWSER_WALIDATA}"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

FIELDS = ["kode_kecamatan", "nama_faskes", "jumlah"]


class Api:
    """POST /api/3/action/<name> as one role; returns (HTTP status, the JSON answer)."""

    def __init__(self, app: Any, world: dict[str, Any]) -> None:
        self.app, self.tokens = app, world["tokens"]

    def __call__(self, role: str, action: str, **data: Any) -> tuple[int, dict[str, Any]]:
        token = self.tokens[role]
        headers = {"Authorization": token} if token else {}
        response = self.app.post(f"/api/3/action/{action}", json=data, headers=headers)
        return response.status_code, response.json


@pytest.fixture
def api(app, review_world):
    return Api(app, review_world)


def _statuses(api: Api, action: str, **data: Any) -> dict[str, int]:
    return {role: api(role, action, **data)[0] for role in api.tokens}


def test_the_state_machine_over_http_for_every_role(api):
    dataset = {"package_id": "faskes-baru"}
    # Only the producer's side submits; the bot does, as the hub would.
    assert _statuses(api, "tangerang_review_submit", **dataset)["anonymous"] == 403
    assert api("walidata", "tangerang_review_submit", **dataset)[0] == 403
    status, body = api("bot", "tangerang_review_submit", **dataset, fields=FIELDS)
    assert status == 200 and body["result"]["state"] == "menunggu_pemeriksaan"

    # Nobody but the walidata and sysadmins sees the queue or decides; nothing is public yet.
    assert _statuses(api, "tangerang_review_list") == {
        "anonymous": 403,
        "producer": 403,
        "bot": 403,
        "walidata": 200,
        "sysadmin": 200,
    }
    for role in ("anonymous", "producer", "bot"):
        assert api(role, "tangerang_review_approve", **dataset)[0] == 403, role
    assert api("anonymous", "package_show", id="faskes-baru")[0] == 403
    assert api("walidata", "package_show", id="faskes-baru")[0] == 200  # to review it
    assert api("walidata", "package_patch", id="faskes-baru", title="x")[0] == 403
    queue = api("walidata", "tangerang_review_list")[1]["result"]
    assert [r["name"] for r in queue["results"]] == ["faskes-baru"]
    shown = api("producer", "tangerang_review_show", **dataset)[1]["result"]
    assert shown["state"] == "menunggu_pemeriksaan" and shown["changes"] == ["first_publication"]
    assert api("anonymous", "tangerang_review_show", **dataset)[0] == 403

    # The walidata approves: public; the next version publishes without review.
    status, body = api("walidata", "tangerang_review_approve", **dataset, note="Sesuai.")
    assert status == 200 and body["result"]["state"] == "disetujui"
    public = api("anonymous", "package_show", id="faskes-baru")
    assert public[0] == 200 and public[1]["result"]["private"] is False
    assert api("bot", "tangerang_review_submit", **dataset, fields=FIELDS)[1]["result"][
        "state"
    ] == ("disetujui")
    assert api("bot", "package_patch", id="faskes-baru", private=False)[0] == 200
    assert api("anonymous", "package_show", id="faskes-baru")[0] == 200

    # A new set of fields goes back to review, private; the bot cannot make it public.
    changed = api("bot", "tangerang_review_submit", **dataset, fields=[*FIELDS, "alamat"])[1]
    assert changed["result"]["changes"] == ["fields_changed"]
    assert api("anonymous", "package_show", id="faskes-baru")[0] == 403
    revised = api("bot", "package_patch", id="faskes-baru", private=False, title="Versi 3")
    assert revised[0] == 200 and revised[1]["result"]["private"] is True
    assert api("bot", "tangerang_review_approve", **dataset)[0] == 403

    # A sysadmin returns it; a return without a reason is refused.
    assert api("sysadmin", "tangerang_review_return", **dataset)[0] == 409
    status, body = api(
        "sysadmin", "tangerang_review_return", **dataset, reason="Kolom alamat belum dijelaskan."
    )
    assert status == 200 and body["result"]["state"] == "dikembalikan"
    seen = api("producer", "tangerang_review_show", **dataset)[1]["result"]
    assert seen["reason"] == "Kolom alamat belum dijelaskan."
    assert api("anonymous", "package_show", id="faskes-baru")[0] == 403

    # The producer reads every transition in the dataset's activity stream.
    activities = api(
        "producer", "package_activity_list", id="faskes-baru", activity_types=["tangerang review"]
    )[1]["result"]
    assert [a["data"]["review"]["state"] for a in reversed(activities)] == [
        "menunggu_pemeriksaan",
        "disetujui",
        "menunggu_pemeriksaan",
        "dikembalikan",
    ]


def _queue_page(app, token: str | None, prefix: str = "", status: int = 200):
    headers = {"Authorization": token} if token else {}
    response = app.get(f"{prefix}/pemeriksaan", headers=headers, status=status)
    return BeautifulSoup(response.body, "html.parser")


def test_the_queue_page_is_for_the_walidata_and_sysadmins(app, review_world):
    tokens = review_world["tokens"]
    for role in ("anonymous", "producer", "bot"):
        _queue_page(app, tokens[role], status=403)
    for role in ("walidata", "sysadmin"):
        _queue_page(app, tokens[role])


def test_the_queue_page_shows_what_waits_escaped_in_both_languages(app, review_world):
    call_action(
        "package_patch",
        context={"user": review_world["users"]["sysadmin"]},
        id="faskes-baru",
        title=f"Faskes {EVIL}",
    )
    call_action(
        "tangerang_review_submit",
        context={"user": review_world["users"]["bot"]},
        package_id="faskes-baru",
        fields=FIELDS,
    )
    headers = {"Authorization": review_world["tokens"]["walidata"]}
    body = app.get("/pemeriksaan", headers=headers).body
    assert EVIL not in body and "&lt;script&gt;" in body

    soup = BeautifulSoup(body, "html.parser")
    row = soup.select_one("tr[data-dataset=faskes-baru]")
    assert row is not None
    text = " ".join(row.get_text(" ", strip=True).split())
    assert "Dinas Kesehatan Kota Tangerang" in text and "Terbit pertama" in text
    assert "Terbuka" in text and "oleh tangerang-bot" in text
    assert soup.select_one("h1").get_text(strip=True) == "Antrean pemeriksaan"
    forms = row.select("form")
    assert [f["action"] for f in forms] == [
        "/pemeriksaan/faskes-baru/setujui",
        "/pemeriksaan/faskes-baru/kembalikan",
    ]
    assert all(f["method"] == "post" and f.select_one("input[name=_csrf_token]") for f in forms)
    assert forms[1].select_one("textarea[name=reason][required]") is not None

    english = _queue_page(app, review_world["tokens"]["walidata"], prefix="/en")
    assert english.select_one("h1").get_text(strip=True) == "Review queue"
    assert "First publication" in english.select_one("tr[data-dataset=faskes-baru]").get_text()


def _login(app, name: str) -> None:
    page = BeautifulSoup(app.get("/user/login").body, "html.parser")
    token = page.select_one("form input[name=_csrf_token]")["value"]
    app.post(
        "/user/login",
        data={"login": name, "password": "correct123", "_csrf_token": token},
        follow_redirects=False,
    )


def test_a_browser_decision_needs_the_forms_csrf_token(app, review_world):
    factories.User(name=BROWSER_WALIDATA, password="correct123")
    call_action("tangerang_review_submit", package_id="faskes-baru", fields=FIELDS)
    # A request with an API token makes CKAN exempt the view from CSRF checks for good;
    # the view checks the browser's token itself.
    token = review_world["tokens"]["walidata"]
    app.post("/pemeriksaan/tidak-ada/setujui", headers={"Authorization": token}, status=404)
    _login(app, BROWSER_WALIDATA)

    app.post("/pemeriksaan/faskes-baru/setujui", data={}, status=400)
    assert call_action("tangerang_review_show", package_id="faskes-baru")["state"] == (
        "menunggu_pemeriksaan"
    )

    page = BeautifulSoup(app.get("/pemeriksaan").body, "html.parser")
    form = page.select_one("tr[data-dataset=faskes-baru] form")
    token = form.select_one("input[name=_csrf_token]")["value"]
    response = app.post(form["action"], data={"_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 302
    shown = call_action("tangerang_review_show", package_id="faskes-baru")
    assert shown["state"] == "disetujui" and shown["updated_by"] == BROWSER_WALIDATA
    assert call_action("package_show", id="faskes-baru")["private"] is False


def test_a_return_from_the_form_without_a_reason_changes_nothing(app, review_world):
    call_action("tangerang_review_submit", package_id="faskes-baru", fields=FIELDS)
    headers = {"Authorization": review_world["tokens"]["walidata"]}
    page = app.post("/pemeriksaan/faskes-baru/kembalikan", data={"reason": " "}, headers=headers)
    assert page.status_code == 200  # back on the queue, with the error
    assert call_action("tangerang_review_show", package_id="faskes-baru")["state"] == (
        "menunggu_pemeriksaan"
    )
    app.post(
        "/pemeriksaan/faskes-baru/kembalikan",
        data={"reason": "Satuan kolom jumlah tidak dijelaskan."},
        headers=headers,
    )
    shown = call_action("tangerang_review_show", package_id="faskes-baru")
    assert shown["state"] == "dikembalikan"
    assert shown["reason"] == "Satuan kolom jumlah tidak dijelaskan."
