"""Usage statistics counted on the server (usage.py, usage_views.py, tangerang_usage_show).

Hits go through the real CKAN app over its WSGI interface (downloads, DataStore API reads,
dataset pages); the counts are read from the table, the action, the page and the export.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.tangerang import usage

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations datastore activity"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
IP = "203.0.113.77"  # TEST-NET-3: recognisable if it were ever stored


@pytest.fixture(autouse=True)
def _fresh_salts():
    usage._salts.clear()
    yield
    usage._salts.clear()


@pytest.fixture
def dataset(make_org, sdi, create_with_upload) -> dict[str, Any]:
    org = make_org(name="dinkes-usage")
    pkg = factories.Dataset(owner_org=org["id"], name="faskes-usage", **sdi)
    admin = factories.Sysadmin()
    resource = create_with_upload(
        "kode,nama\n1,Puskesmas\n",
        "faskes.csv",
        context={"user": admin["name"]},
        package_id=pkg["id"],
        name="faskes.csv",
    )
    return {**pkg, "resource": resource, "admin": admin["name"]}


def _download(app: Any, dataset: dict[str, Any], user_agent: str = BROWSER, **headers: str):
    resource = dataset["resource"]
    url = f"/dataset/{dataset['id']}/resource/{resource['id']}/download/faskes.csv"
    return app.get(
        url, headers={"User-Agent": user_agent, **headers}, environ_base={"REMOTE_ADDR": IP}
    )


def _rows(table: str) -> list[dict[str, Any]]:
    with model.meta.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.text(f"SELECT * FROM {table}"))]


def _downloads_shown(app: Any, package_id: str) -> int:
    """The download count of the dataset's row on /statistik (0 when it has no row)."""
    page = BeautifulSoup(app.get("/statistik?lang=id").body, "html.parser")
    row = page.select_one(f'tr[data-package-id="{package_id}"]')
    if row is None:
        return 0
    return int(row.select_one('td[data-kind="download"]').get_text(strip=True).replace(".", ""))


def test_the_hub_pipelines_own_requests_are_not_counted():
    """The engine's User-Agent (read from its source: the CKAN env does not install it)."""
    import re
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "dags/tangerang_hub/http_client.py"
    [product] = re.findall(r'^USER_AGENT = f"([^/{]+)/', source.read_text(), re.M)
    assert usage.is_bot(f"{product}/9.9.9 (+https://data.tangerangkota.go.id)")
    assert not usage.is_bot(f"Mozilla/5.0 {product}-fan")


def test_bots_are_recognised_by_user_agent():
    for agent in (
        BOT,
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "facebookexternalhit/1.1",
        "Yahoo! Slurp",
        "Some-Crawler/1.0",
        "AhrefsBot/7.0",
        "Baiduspider",
        "tangerang-open-data-hub/0.1.0 (+https://data.tangerangkota.go.id)",  # the pipeline
    ):
        assert usage.is_bot(agent), agent
    for agent in (BROWSER, "curl/8.5.0", "python-requests/2.32", "ckanapi/4.8", ""):
        assert not usage.is_bot(agent), agent


def test_three_downloads_over_http_count_three_on_the_page_the_action_and_the_export(app, dataset):
    pid = dataset["id"]
    before = call_action("tangerang_usage_show")["totals"]["download"]["count"]
    assert _downloads_shown(app, pid) == 0

    for _i in range(3):
        response = _download(app, dataset)
        assert response.status_code == 200
        assert response.body == "kode,nama\n1,Puskesmas\n"
    # A crawler downloads the same file: not counted.
    assert _download(app, dataset, user_agent=BOT).status_code == 200

    result = call_action("tangerang_usage_show")
    assert result["totals"]["download"]["count"] == before + 3
    assert result["totals"]["download"]["unique_visitors"] == 1  # one IP and browser
    (entry,) = [d for d in result["datasets"] if d["id"] == pid]
    assert entry["counts"]["download"] == 3
    assert entry["resources"][dataset["resource"]["id"]]["download"] == 3
    assert [d["id"] for d in result["dimensions"]["society"]] == [pid]
    assert _downloads_shown(app, pid) == 3
    assert usage.downloads_per_package() == {pid: 3}
    assert usage.downloads_per_package(end=usage.today() - dt.timedelta(days=1)) == {}

    month = usage.today().strftime("%Y-%m")
    response = app.get(f"/en/statistik/{month}.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    header, *rows = list(csv.reader(io.StringIO(response.body)))
    assert header[0] == "Month" and "Count" in header
    by_kind = {row[header.index("Kind")]: row for row in rows if row[3] == pid}
    assert set(by_kind) == set(usage.KINDS)
    assert by_kind["download"][header.index("Count")] == "3"
    assert by_kind["download"][header.index("Daily unique visitors (sum)")] == "1"
    assert by_kind["api"][header.index("Count")] == "0"

    # No IP address in any stored row, in any column.
    for table in (usage.DAILY, usage.SEEN, usage.SALT):
        for row in _rows(table):
            assert IP not in repr(row) and "127.0.0.1" not in repr(row), (table, row)


def test_another_month_exports_nothing_and_a_bad_month_is_404(app, dataset):
    _download(app, dataset)
    response = app.get("/statistik/2001-01.csv")
    assert response.status_code == 200
    assert len(list(csv.reader(io.StringIO(response.body)))) == 1  # the header only
    assert app.get("/statistik/2001-13.csv").status_code == 404
    assert app.get("/statistik/januari.csv").status_code == 404


def test_unique_visitors_are_per_ip_and_user_agent_within_a_day(dataset):
    pid, rid = dataset["id"], dataset["resource"]["id"]
    day = usage.today()
    for ip, agent in (
        ("10.0.0.1", BROWSER),
        ("10.0.0.1", BROWSER),
        ("10.0.0.1", "curl/8"),
        ("10.0.0.2", BROWSER),
    ):
        assert usage.record(usage.DOWNLOAD, pid, rid, ip=ip, user_agent=agent, day=day)
    assert not usage.record(usage.DOWNLOAD, pid, rid, ip="10.0.0.3", user_agent=BOT, day=day)
    (row,) = _rows(usage.DAILY)
    assert (row["count"], row["unique_visitors"]) == (4, 3)
    assert len(_rows(usage.SEEN)) == 3


def test_a_new_day_deletes_the_earlier_salts_and_visitor_hashes(dataset):
    # clean_db resets CKAN's own tables only: a salt of a later day that a frozen-clock test
    # left (test_access_http runs on 31 December 2026) would outlive today's first hit.
    with model.meta.engine.begin() as conn:
        conn.execute(sa.text(f"DELETE FROM {usage.SALT}"))
        conn.execute(sa.text(f"DELETE FROM {usage.SEEN}"))
    pid = dataset["id"]
    yesterday, today = usage.today() - dt.timedelta(days=1), usage.today()
    usage.record(usage.VIEW, pid, ip="10.0.0.1", user_agent=BROWSER, day=yesterday)
    usage._salts.clear()  # another process, or this one the next day
    usage.record(usage.VIEW, pid, ip="10.0.0.1", user_agent=BROWSER, day=today)
    assert [r["day"] for r in _rows(usage.SALT)] == [today]
    assert {r["day"] for r in _rows(usage.SEEN)} == {today}
    # The counts stay; the same visitor is new again on a new day (another salt).
    daily = {r["day"]: (r["count"], r["unique_visitors"]) for r in _rows(usage.DAILY)}
    assert daily == {yesterday: (1, 1), today: (1, 1)}


def test_dataset_pages_count_as_views_and_package_show_does_not(app, dataset):
    headers = {"User-Agent": BROWSER}
    assert app.get(f"/dataset/{dataset['name']}", headers=headers).status_code == 200
    assert app.get(f"/dataset/{dataset['id']}", headers=headers).status_code == 200
    assert app.get("/dataset/does-not-exist", headers=headers).status_code == 404
    app.get(f"/api/3/action/package_show?id={dataset['id']}", headers=headers)
    rows = _rows(usage.DAILY)
    assert [(r["kind"], r["package_id"], r["resource_id"], r["count"]) for r in rows] == [
        (usage.VIEW, dataset["id"], "", 2)
    ]


def test_datastore_reads_through_the_api_are_counted_and_internal_calls_are_not(app, dataset):
    rid = dataset["resource"]["id"]
    call_action(
        "datastore_create",
        context={"user": dataset["admin"]},
        resource_id=rid,
        force=True,
        fields=[{"id": "kode", "type": "text"}],
        records=[{"kode": "1"}, {"kode": "2"}],
    )
    # Called inside CKAN (a page or another action): not a visitor's read.
    call_action("datastore_search", context={"user": dataset["admin"]}, resource_id=rid)
    assert _rows(usage.DAILY) == []

    headers = {"User-Agent": BROWSER}
    response = app.post(
        "/api/3/action/datastore_search", json={"resource_id": rid}, headers=headers
    )
    assert response.status_code == 200, response.body[:500]
    assert response.json["result"]["total"] == 2
    assert app.post("/api/action/datastore_info", json={"id": rid}, headers=headers).json["success"]
    # A failed read is not counted.
    assert (
        app.post(
            "/api/3/action/datastore_search", json={"resource_id": "nothing"}, headers=headers
        ).status_code
        == 404
    )
    (row,) = _rows(usage.DAILY)
    assert (row["kind"], row["resource_id"], row["count"]) == (usage.API, rid, 2)


def test_signed_in_university_members_are_counted_for_their_university(app, dataset, make_org):
    university = make_org(org_type="universitas", name="umt-usage")
    opd = make_org(name="dishub-usage")
    member = factories.User(name="mahasiswa-umt")
    call_action(
        "organization_member_create", id=university["id"], username=member["name"], role="member"
    )
    call_action("organization_member_create", id=opd["id"], username=member["name"], role="member")
    token = call_action(
        "api_token_create", context={"user": member["name"]}, user=member["name"], name="t"
    )["token"]

    _download(app, dataset, Authorization=token)
    _download(app, dataset)  # anonymous: all visitors only

    counts = {r["organization"]: r["count"] for r in _rows(usage.DAILY)}
    assert counts == {"": 2, university["id"]: 1}
    (org_entry,) = call_action("tangerang_usage_show")["organizations"]
    assert (org_entry["name"], org_entry["counts"]["download"]) == ("umt-usage", 1)


def test_counting_errors_never_break_a_download(app, dataset, monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> bool:
        raise sa.exc.OperationalError("INSERT", {}, Exception("database is gone"))

    monkeypatch.setattr(usage, "record", broken)
    response = _download(app, dataset)
    assert response.status_code == 200
    assert response.body == "kode,nama\n1,Puskesmas\n"


def test_private_datasets_are_not_shown(app, dataset, sdi):
    private = factories.Dataset(
        owner_org=dataset["owner_org"], name="rahasia-usage", private=True, **sdi
    )
    usage.record(usage.VIEW, private["id"], ip="10.0.0.1", user_agent=BROWSER)
    usage.record(usage.VIEW, dataset["id"], ip="10.0.0.1", user_agent=BROWSER)
    result = call_action("tangerang_usage_show")
    assert [d["id"] for d in result["datasets"]] == [dataset["id"]]
    assert result["totals"]["view"]["count"] == 1
    assert "rahasia-usage" not in app.get("/statistik").body


def test_the_action_validates_its_period(dataset):
    usage.record(
        usage.VIEW, dataset["id"], ip="10.0.0.1", user_agent=BROWSER, day=dt.date(2026, 3, 31)
    )
    result = call_action("tangerang_usage_show", start="2026-03-01", end="2026-03-31")
    assert (result["start"], result["end"], len(result["daily"])) == (
        "2026-03-01",
        "2026-03-31",
        31,
    )
    assert result["daily"][-1] == {"day": "2026-03-31", "download": 0, "api": 0, "view": 1}
    assert (
        call_action("tangerang_usage_show", start="2026-04-01", end="2026-04-30")["totals"]["view"][
            "count"
        ]
        == 0
    )
    from ckan.plugins import toolkit as tk

    with pytest.raises(tk.ValidationError):
        call_action("tangerang_usage_show", start="2026-04-02", end="2026-04-01")
    with pytest.raises(tk.ValidationError):
        call_action("tangerang_usage_show", start="2024-01-01", end="2026-01-01")
    with pytest.raises(tk.ValidationError):
        call_action("tangerang_usage_show", start="kemarin")


def test_the_page_in_both_languages(app, dataset):
    _download(app, dataset)
    id_page = app.get("/statistik?lang=id")
    assert id_page.status_code == 200
    assert "Statistik Pemanfaatan" in id_page.body
    en_page = BeautifulSoup(app.get("/en/statistik").body, "html.parser")
    assert en_page.select_one("h1").get_text(strip=True) == "Usage statistics"
    charts = en_page.select(".tangerang-chart[data-chart]")
    assert {json.loads(c["data-chart"])["kind"] for c in charts} == {
        "usage_daily",
        "usage_totals",
    }
    assert app.get("/statistik?dari=2026-13-01").status_code == 400
