"""The showcase (/galeri): auth per role, the API over HTTP with each role's token, images
(https, uploads checked by content and size, shipped SVGs), the walidata's form and the
pages that show the items (the gallery, a dataset's "Dipakai oleh", Smart Branding)."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from bs4 import BeautifulSoup
from ckan import model
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action, call_auth

WALIDATA = "walidata-diskominfo"  # seed.yaml
BROWSER_WALIDATA = "walidata-galeri"
EVIL = "<script>alert('x')</script>"
ROLES = ("anonymous", "user", "producer", "bot", "walidata", "sysadmin")
# A 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.ckan_config("ckanext.tangerang.walidata_users", f"{WALIDATA} {BROWSER_WALIDATA}"),
    pytest.mark.ckan_config("ckanext.tangerang.showcase_image_max_mb", 1),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


@pytest.fixture
def world(make_dataset) -> dict[str, Any]:
    """The seeded catalog, one user per role with an API token, and two datasets of dishub:
    one public in Smart Branding, one private."""
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
    make_dataset("dishub", name="kunjungan-wisata", title="Kunjungan Wisata", dimensi=["branding"])
    make_dataset("dishub", name="data-privat", private=True)
    return {"names": names, "tokens": tokens}


def _api(app, world, role: str, action: str, files: dict | None = None, **data: Any):
    token = world["tokens"][role]
    headers = {"Authorization": token} if token else {}
    if files:
        response = app.post(
            f"/api/3/action/{action}",
            data={**data, **files},
            headers=headers,
            content_type="multipart/form-data",
        )
    else:
        response = app.post(f"/api/3/action/{action}", json=data, headers=headers)
    return response.status_code, response.json


ITEM = {
    "type": "aplikasi",
    "title": "Peta Wisata Tangerang",
    "description": "Aplikasi peta tempat wisata.",
    "partner_organization": "umt",
    "url": "https://contoh.id/wisata",
    "image_url": "https://contoh.id/wisata.png",
    "packages": ["kunjungan-wisata"],
}


def _allowed(world, action: str, **data: Any) -> dict[str, bool]:
    result = {}
    for role in ROLES:
        try:
            call_auth(action, {"user": world["names"][role], "model": model}, **data)
            result[role] = True
        except tk.NotAuthorized:
            result[role] = False
    return result


def test_who_may_do_what(world):
    reviewers = {role: role in ("walidata", "sysadmin") for role in ROLES}
    assert _allowed(world, "tangerang_showcase_create") == reviewers
    assert _allowed(world, "tangerang_showcase_update", id="x") == reviewers
    for action in ("tangerang_showcase_show", "tangerang_showcase_list"):
        assert all(_allowed(world, action, id="x").values()), action


def test_the_api_for_every_role(app, world):
    for role in ("anonymous", "user", "producer", "bot"):
        assert _api(app, world, role, "tangerang_showcase_create", **ITEM)[0] == 403, role
    status, body = _api(app, world, "walidata", "tangerang_showcase_create", **ITEM)
    assert status == 200, body
    item = body["result"]
    assert item["name"] == "peta-wisata-tangerang"
    assert item["partner_organization"]["name"] == "umt"
    assert [p["name"] for p in item["packages"]] == ["kunjungan-wisata"]
    assert item["image_display_url"] == "https://contoh.id/wisata.png"

    for role in ROLES:
        status, body = _api(app, world, role, "tangerang_showcase_show", id=item["name"])
        assert status == 200 and body["result"]["id"] == item["id"], role
    listed = _api(app, world, "anonymous", "tangerang_showcase_list", package_id="kunjungan-wisata")
    assert [i["name"] for i in listed[1]["result"]["results"]] == ["peta-wisata-tangerang"]

    change = {"id": item["id"], "title": "Peta Wisata Kota Tangerang"}
    for role in ("anonymous", "user", "producer", "bot"):
        assert _api(app, world, role, "tangerang_showcase_update", **change)[0] == 403, role
    status, body = _api(app, world, "sysadmin", "tangerang_showcase_update", **change)
    assert status == 200 and body["result"]["title"] == "Peta Wisata Kota Tangerang"
    assert body["result"]["url"] == ITEM["url"]  # left out: kept


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("image_url", "http://contoh.id/gambar.png"),
        ("image_url", "javascript:alert(1)"),
        ("url", "javascript:alert(1)"),
        ("type", "iklan"),
        ("packages", ["data-privat"]),
        ("packages", ["tidak-ada"]),
        ("partner_organization", ""),
    ],
)
def test_invalid_items_are_refused(app, world, field, value):
    status, body = _api(
        app, world, "walidata", "tangerang_showcase_create", **{**ITEM, field: value}
    )
    assert status == 409
    expected = "partner_name" if field == "partner_organization" else field
    assert expected in body["error"], body
    assert call_action("tangerang_showcase_list")["count"] == 2  # the seeded ones


def test_uploaded_images_are_checked_by_content_and_size(app, world):
    data = {k: v for k, v in ITEM.items() if k not in ("image_url", "packages")}
    fake = {"image_upload": (io.BytesIO(SVG), "gambar.png", "image/png")}
    status, body = _api(app, world, "walidata", "tangerang_showcase_create", fake, **data)
    assert status == 409 and "image_upload" in body["error"]
    big = {"image_upload": (io.BytesIO(PNG + b"\0" * (1024 * 1024)), "besar.png", "image/png")}
    status, body = _api(app, world, "walidata", "tangerang_showcase_create", big, **data)
    assert status == 409 and "image_upload" in body["error"]

    good = {"image_upload": (io.BytesIO(PNG), "peta.png", "image/png")}
    status, body = _api(app, world, "walidata", "tangerang_showcase_create", good, **data)
    assert status == 200, body
    url = body["result"]["image_display_url"]
    assert body["result"]["image_url"].endswith(".png")
    served = app.get(url.replace(tk.config["ckan.site_url"], ""))
    assert served.status_code == 200 and served.data == PNG


def _login(app, name: str) -> None:
    page = BeautifulSoup(app.get("/user/login").body, "html.parser")
    token = page.select_one("form input[name=_csrf_token]")["value"]
    app.post(
        "/user/login",
        data={"login": name, "password": "correct123", "_csrf_token": token},
        follow_redirects=False,
    )


def test_the_walidata_form_needs_its_csrf_token(app, world):
    assert app.get("/galeri/baru").status_code == 403
    other = {"Authorization": world["tokens"]["producer"]}
    assert app.get("/galeri/baru", headers=other).status_code == 403

    factories.User(name=BROWSER_WALIDATA, password="correct123")
    _login(app, BROWSER_WALIDATA)
    form_data = {**ITEM, "packages": "kunjungan-wisata", "name": "peta-wisata", "title": EVIL}
    assert app.post("/galeri/baru", data=form_data, follow_redirects=False).status_code == 400
    assert call_action("tangerang_showcase_list")["count"] == 2

    page = BeautifulSoup(app.get("/galeri/baru").body, "html.parser")
    form = page.select_one("form[action='/galeri/baru']")
    assert form["enctype"] == "multipart/form-data"
    token = form.select_one("input[name=_csrf_token]")["value"]
    sent = app.post(
        "/galeri/baru", data={**form_data, "_csrf_token": token}, follow_redirects=False
    )
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/galeri/peta-wisata")

    # The title is shown as text on every page that shows the item.
    for url in ("/galeri", "/galeri/peta-wisata", "/dataset/kunjungan-wisata", "/group/branding"):
        body = app.get(url).get_data(as_text=True)
        assert EVIL not in body, url
        assert "&lt;script&gt;alert(" in body, url

    # Edited through its own form; a blank image address keeps the image.
    page = BeautifulSoup(app.get("/galeri/peta-wisata/ubah").body, "html.parser")
    token = page.select_one("form input[name=_csrf_token]")["value"]
    edited = {**form_data, "title": "Peta Wisata", "image_url": "", "_csrf_token": token}
    assert (
        app.post("/galeri/peta-wisata/ubah", data=edited, follow_redirects=False).status_code == 302
    )
    shown = call_action("tangerang_showcase_show", id="peta-wisata")
    assert shown["title"] == "Peta Wisata" and shown["image_url"] == ITEM["image_url"]


def test_the_pages_show_the_items(app, world):
    call_action("tangerang_showcase_create", context={"user": WALIDATA}, **ITEM)
    gallery = BeautifulSoup(app.get("/galeri").body, "html.parser")
    cards = {c["data-showcase"]: c for c in gallery.select(".tangerang-showcase-card")}
    # The seeded demo items (our own SVGs, served by the portal) and the new one.
    assert set(cards) == {
        "aplikasi-parkir-tangerang",
        "kampanye-tangerang-bersih",
        "peta-wisata-tangerang",
    }
    assert "Aplikasi" in cards["peta-wisata-tangerang"].get_text()
    assert "Kampanye branding" in cards["kampanye-tangerang-bersih"].get_text()
    image = cards["kampanye-tangerang-bersih"].select_one("img")["src"]
    assert image.endswith("/tangerang/galeri/tangerang-bersih.svg")
    assert app.get(image).status_code == 200
    english = BeautifulSoup(app.get("/en/galeri").body, "html.parser")
    assert english.select_one("h1").get_text(strip=True) == "Showcase"
    assert (
        "Branding campaign"
        in english.select_one("[data-showcase=kampanye-tangerang-bersih]").get_text()
    )
    only_research = BeautifulSoup(app.get("/galeri?type=riset").body, "html.parser")
    assert only_research.select(".tangerang-showcase-card") == []

    detail = BeautifulSoup(app.get("/galeri/peta-wisata-tangerang").body, "html.parser")
    assert [a["href"] for a in detail.select(".tangerang-showcase-datasets a")] == [
        "/dataset/kunjungan-wisata"
    ]
    assert "Universitas Muhammadiyah Tangerang" in detail.get_text()

    dataset = BeautifulSoup(app.get("/dataset/kunjungan-wisata").body, "html.parser")
    used_by = dataset.select_one(".tangerang-used-by")
    assert used_by is not None and "Dipakai oleh" in used_by.get_text()
    assert [li["data-showcase"] for li in used_by.select("li")] == ["peta-wisata-tangerang"]

    # Smart Branding: its campaign (no dataset yet) and the item using its dataset.
    branding = BeautifulSoup(app.get("/group/branding").body, "html.parser")
    shown = [c["data-showcase"] for c in branding.select(".tangerang-dimension-showcase article")]
    assert sorted(shown) == ["kampanye-tangerang-bersih", "peta-wisata-tangerang"]
    # The home page shows Smart Branding's items under the dimensions.
    home = BeautifulSoup(app.get("/").body, "html.parser")
    strip = home.select_one(".tangerang-dimensions .tangerang-branding-strip")
    assert strip is not None and "Smart Branding di galeri pemanfaatan" in strip.get_text()
    assert sorted(a["data-showcase"] for a in strip.select("article")) == sorted(shown)
    # Another dimension shows only the items using its datasets.
    living = BeautifulSoup(app.get("/group/living").body, "html.parser")
    assert living.select_one(".tangerang-dimension-showcase") is None

    # A dataset made private leaves the item's list.
    call_action(
        "package_patch",
        context={"user": world["names"]["sysadmin"]},
        id="kunjungan-wisata",
        private=True,
    )
    assert call_action("tangerang_showcase_show", id="peta-wisata-tangerang")["packages"] == []
