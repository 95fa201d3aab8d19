"""The steward dashboard: one row per contract, from the contracts, the run reports and Airflow.

``tangerang_dashboard_show`` (called as a sysadmin; logic/test_dashboard_auth.py checks who may),
the page ``/dasbor`` and its CSV export ``/dasbor.csv``, against the hub's real
``schemas/`` (the checkout's, as ``ckanext.tangerang.schemas_dir`` is unset).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from ckan import model
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action
from local_http import Server

from ckanext.tangerang import seed

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
FAILING = "aspirasi-rekap-kategori"  # a real contract (Diskominfo, monthly)


def _contract_ids() -> set[str]:
    return {
        yaml.safe_load(path.read_text(encoding="utf-8"))["id"]
        for folder in ("datasets", "catalog")
        for path in (SCHEMAS / folder).glob("*.yaml")
    }


def _quality(total: float, grade: str) -> dict[str, Any]:
    dimensions = {"validity": 100.0, "completeness": 98.6, "freshness": 100.0}
    dimensions |= {"metadata": 100.0, "accessibility": None, "documentation": 30.0}
    return {"total": total, "grade": grade, "dimensions": dimensions}


def _run(package: str, run_id: str, status: str, minutes_ago: int, **kwargs: Any) -> dict:
    finished = NOW - dt.timedelta(minutes=minutes_ago)
    quality = kwargs.pop("quality", None)
    validation = {
        "success": status in ("published", "unchanged"),
        "blocking": [],
        "warnings": [],
        "statistics": {"quality": quality} if quality else {},
    }
    return call_action(
        "tangerang_run_report_create",
        package_id=package,
        run_id=run_id,
        status=status,
        started_at=(finished - dt.timedelta(seconds=84.4)).isoformat(),
        finished_at=finished.isoformat(),
        validation=validation,
        **kwargs,
    )


@pytest.fixture
def sysadmin() -> dict[str, Any]:
    return factories.SysadminWithToken()


@pytest.fixture
def catalog(make_dataset) -> dict[str, Any]:
    """Seeded producers; fasyankes (Dinkes, monthly) fresh with three scored runs, the last
    unchanged; aspirasi-rekap-kategori (Diskominfo) whose last run failed; sekolah-kecamatan
    (Disdik) with one unscored run; a dataset with runs but no contract."""
    seed.seed()
    fasyankes = make_dataset(
        "dinkes",
        name="fasyankes",
        title="Fasilitas Pelayanan Kesehatan Kota Tangerang",
        dimensi=["living"],
        frekuensi="bulanan",
        last_run_at=(NOW - dt.timedelta(days=2)).isoformat(),
    )
    _run("fasyankes", "20261101T000000Z", "published", 300, rows=57, quality=_quality(80.0, "B"))
    _run("fasyankes", "20261102T000000Z", "published", 200, rows=58, quality=_quality(85.5, "B"))
    _run("fasyankes", "20261103T000000Z", "unchanged", 100, rows=58, quality=_quality(92.7, "A"))
    failing = make_dataset(
        "diskominfo",
        name=FAILING,
        dimensi=["governance"],
        frekuensi="bulanan",
        last_run_at=(NOW - dt.timedelta(hours=3)).isoformat(),
    )
    _run(FAILING, "20261103T010000Z", "published", 120, rows=10, quality=_quality(70, "C"))
    _run(FAILING, "20261103T020000Z", "failed", 30, message="Proses gagal: HTTP 500")
    sekolah = make_dataset("disdik", name="sekolah-kecamatan", dimensi=["society"])
    _run("sekolah-kecamatan", "r1", "published", 500, rows=3)
    # A dataset of no contract (a test's leftover, say) is not the dashboard's.
    make_dataset("dinkes", name="bukan-kontrak")
    _run("bukan-kontrak", "r1", "published", 500, rows=3)
    return {"fasyankes": fasyankes, "failing": failing, "sekolah": sekolah}


def _dashboard(user: dict[str, Any], **params: Any) -> dict[str, Any]:
    return call_action("tangerang_dashboard_show", context={"user": user["name"]}, **params)


def _rows(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["contract_id"]: row for row in result["rows"]}


def test_every_contract_has_a_row_before_anything_is_published(sysadmin):
    result = _dashboard(sysadmin)
    rows = _rows(result)
    assert set(rows) == _contract_ids()
    assert len(rows) >= 11 and result["count"] == len(rows)
    for row in rows.values():
        assert row["package"] is None and row["last_run"] is None
        assert row["freshness"] == "no_run" and row["quality_trend"] == []
        assert not row["contract_error"]
    assert rows["fasyankes"]["airflow"]["dag_id"] == "hub_fasyankes"
    assert rows["skor-kualitas-data"]["airflow"]["dag_id"] == "hub_quality_score"
    assert result["summary"]["no_run"] == len(rows)
    assert result["airflow"] == {"configured": False, "error": "not_configured"}


def test_last_run_freshness_and_quality_trend_come_from_the_run_reports(sysadmin, catalog):
    rows = _rows(_dashboard(sysadmin))
    assert set(rows) == _contract_ids()  # not bukan-kontrak
    fasyankes = rows["fasyankes"]
    assert fasyankes["package"]["name"] == "fasyankes"
    assert fasyankes["organization"] == "dinkes"
    assert fasyankes["organization_title"] == model.Group.get("dinkes").title
    last = fasyankes["last_run"]
    assert (last["run_id"], last["status"], last["rows"]) == ("20261103T000000Z", "unchanged", 58)
    assert last["duration_seconds"] == 84.4
    assert fasyankes["freshness"] == "on_time"
    assert [p["total"] for p in fasyankes["quality_trend"]] == [80.0, 85.5, 92.7]
    assert fasyankes["quality"] == {"total": 92.7, "grade": "A"}
    # The last run failed: gagal, whatever the schedule says.
    assert rows[FAILING]["freshness"] == "failed"
    assert rows[FAILING]["last_run"]["message"] == "Proses gagal: HTTP 500"
    assert [p["total"] for p in rows[FAILING]["quality_trend"]] == [70]
    assert rows["sekolah-kecamatan"]["quality_trend"] == []
    # Without last_run_at on the dataset, its last good run says how fresh it is.
    assert rows["sekolah-kecamatan"]["freshness"] == "on_time"
    # The contracts that never published are listed too.
    never = _contract_ids() - {"fasyankes", FAILING, "sekolah-kecamatan"}
    assert never and all(rows[c]["package"] is None for c in never)


def test_a_dataset_past_its_period_is_late(sysadmin, catalog):
    call_action(
        "package_patch",
        context={"user": sysadmin["name"]},
        id="fasyankes",
        last_run_at=(NOW - dt.timedelta(days=40)).isoformat(),
    )
    row = _rows(_dashboard(sysadmin))["fasyankes"]
    assert row["freshness"] == "late"
    assert row["due_at"].startswith((NOW - dt.timedelta(days=9)).date().isoformat())


def test_filters_by_producer_and_dimension(sysadmin, catalog):
    dinkes = _dashboard(sysadmin, organization="dinkes")
    assert {r["organization"] for r in dinkes["rows"]} == {"dinkes"}
    assert "fasyankes" in _rows(dinkes)
    assert FAILING not in _rows(dinkes)
    living = _dashboard(sysadmin, dimensi="living")
    assert living["rows"] and all("living" in r["dimensions"] for r in living["rows"])
    # The choices are those of every row, not only of the filtered ones.
    assert {o["name"] for o in living["choices"]["organizations"]} >= {"dinkes", "diskominfo"}
    with pytest.raises(tk.ValidationError):
        _dashboard(sysadmin, dimensi="smart-nothing")
    with pytest.raises(tk.ValidationError):
        _dashboard(sysadmin, sort="secret_column")


def test_sorts_with_missing_values_last(sysadmin, catalog):
    by_default = [r["freshness"] for r in _dashboard(sysadmin)["rows"]]
    assert by_default[0] == "failed"
    order = ["failed", "late", "no_run", "irregular", "on_time"]
    assert by_default == sorted(by_default, key=order.index)
    descending = _dashboard(sysadmin, sort="quality", order="desc")["rows"]
    scores = [(r["quality"] or {}).get("total") for r in descending]
    assert scores[:2] == [92.7, 70]
    assert all(s is None for s in scores[2:])
    ascending = [
        r["last_run"]["rows"]
        for r in _dashboard(sysadmin, sort="rows")["rows"]
        if r["last_run"] and r["last_run"]["rows"] is not None
    ]
    assert ascending == sorted(ascending) == [3, 58]


def test_the_page_lists_every_contract_and_marks_the_failure(app, sysadmin, catalog):
    headers = {"Authorization": sysadmin["token"]}
    soup = BeautifulSoup(app.get("/dasbor", headers=headers).body, "html.parser")
    rows = {tr["data-contract"]: tr for tr in soup.select("tr[data-contract]")}
    assert set(rows) == _contract_ids()
    failed = rows[FAILING]
    assert failed["data-freshness"] == "failed"
    assert failed.select_one(".tangerang-dashboard-freshness").get_text(strip=True) == "Gagal"
    assert failed.select_one(".tangerang-run-status").get_text(strip=True) == "gagal"
    fresh = rows["fasyankes"]
    assert fresh.select_one(".tangerang-dashboard-freshness .badge").get_text() == "Tepat waktu"
    assert fresh.select_one(".tangerang-dashboard-duration").get_text(strip=True) == "1 mnt 24 dtk"
    chart = json.loads(fresh.select_one(".tangerang-chart")["data-chart"])
    assert chart["kind"] == "sparkline"
    assert [p["y"] for p in chart["points"]] == [80.0, 85.5, 92.7]
    assert chart["points"][-1]["text"] == "92,7"
    assert chart["points"][-1]["when"].endswith(" WIB")
    # The vendored ECharts and our script, from the catalog itself.
    scripts = [s["src"] for s in soup.select("script[src]")]
    assert any(s.endswith("/tangerang/vendor/echarts/echarts.common.min.js") for s in scripts)
    assert any(s.endswith("/tangerang/charts.js") for s in scripts)
    assert soup.select_one("[data-airflow]")["data-airflow"] == "not_configured"

    english = BeautifulSoup(app.get("/en/dasbor", headers=headers).body, "html.parser")
    row = english.select_one(f'tr[data-contract="{FAILING}"]')
    assert row.select_one(".tangerang-dashboard-freshness").get_text(strip=True) == "Failed"
    fresh = english.select_one('tr[data-contract="fasyankes"]')
    assert fresh.select_one(".tangerang-dashboard-duration").get_text(strip=True) == "1 min 24 s"
    assert english.select_one(".tangerang-dashboard h1").get_text(strip=True) == (
        "Steward dashboard"
    )


def test_the_page_filters_and_keeps_the_filters_in_its_links(app, sysadmin, catalog):
    headers = {"Authorization": sysadmin["token"]}
    body = app.get("/dasbor?organization=dinkes&dimensi=&sort=title", headers=headers).body
    soup = BeautifulSoup(body, "html.parser")
    shown = {tr["data-contract"] for tr in soup.select("tr[data-contract]")}
    assert "fasyankes" in shown and FAILING not in shown
    csv_link = soup.select_one("a.tangerang-dashboard-csv")["href"]
    assert "organization=dinkes" in csv_link and "sort=title" in csv_link
    app.get("/dasbor?dimensi=bogus", headers=headers, status=400)


def test_csv_export_has_one_line_per_row_in_the_same_order(app, sysadmin, catalog):
    headers = {"Authorization": sysadmin["token"]}
    response = app.get("/dasbor.csv?sort=quality&order=desc", headers=headers)
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    lines = list(csv.DictReader(io.StringIO(response.body)))
    expected = _dashboard(sysadmin, sort="quality", order="desc")["rows"]
    assert [line["kontrak"] for line in lines] == [r["contract_id"] for r in expected]
    by_id = {line["kontrak"]: line for line in lines}
    assert by_id["fasyankes"]["kemutakhiran"] == "Tepat waktu"
    assert by_id["fasyankes"]["tren_skor"] == "[80.0, 85.5, 92.7]"
    assert by_id["fasyankes"]["baris"] == "58" and by_id["fasyankes"]["durasi_detik"] == "84.4"
    assert by_id[FAILING]["kemutakhiran"] == "Gagal"
    assert by_id[FAILING]["status_proses_terakhir"] == "gagal"
    english = app.get("/en/dasbor.csv", headers=headers).body
    lines = {line["kontrak"]: line for line in csv.DictReader(io.StringIO(english))}
    assert lines[FAILING]["kemutakhiran"] == "Failed"


def test_contracts_come_from_the_configured_schemas_dir(
    app, sysadmin, tmp_path, ckan_config, monkeypatch
):
    for name in ("frequencies.yaml", "run_statuses.yaml", "contract.schema.json"):
        shutil.copy(SCHEMAS / name, tmp_path / name)
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "rumus.yaml").write_text(
        'id: rumus\ntitle: "=HYPERLINK(\\"x\\")"\nproducer: dinkes\nfrequency: bulanan\n',
        encoding="utf-8",
    )
    (tmp_path / "datasets" / "rusak.yaml").write_text("id: [tidak, lengkap\n", encoding="utf-8")
    monkeypatch.setitem(ckan_config, "ckanext.tangerang.schemas_dir", str(tmp_path))

    rows = _rows(_dashboard(sysadmin))
    assert {c: r["contract_error"] for c, r in rows.items()} == {"rumus": False, "rusak": True}
    assert rows["rumus"]["airflow"]["dag_id"] == "hub_rumus"
    body = app.get("/dasbor.csv", headers={"Authorization": sysadmin["token"]}).body
    lines = {line["kontrak"]: line for line in csv.DictReader(io.StringIO(body))}
    # A title a spreadsheet would run as a formula stays text.
    assert lines["rumus"]["judul"] == '\'=HYPERLINK("x")'


def test_durations_read_as_a_steward_writes_them(app):
    from ckanext.tangerang.helpers import tangerang_duration

    with app.flask_app.test_request_context("/"):
        assert tangerang_duration(8.44) == "8,4 dtk"
        assert tangerang_duration(84.4) == "1 mnt 24 dtk"
        assert tangerang_duration(3725) == "1 j 2 mnt"
        assert tangerang_duration(None) == "—"


# --- Airflow's REST API ------------------------------------------------------------------------


@pytest.fixture
def airflow(tmp_path, ckan_config, monkeypatch):
    """A local stand-in for Airflow's api-server answering dagRuns/list, with its token file."""
    answers: dict[str, Any] = {"status": 200}
    dag_runs = [
        {
            "dag_id": "hub_fasyankes",
            "dag_run_id": "manual__2026-11-04T00:00:00+00:00",
            "state": "running",
            "logical_date": None,
            "data_interval_end": None,
            "run_after": "2026-11-04T00:00:00Z",
        },
        {
            "dag_id": "hub_fasyankes",
            "dag_run_id": "scheduled__2026-11-02T00:00:00+00:00",
            "state": "success",
            "data_interval_end": "2026-11-03T07:00:00+07:00",
            "logical_date": "2026-11-02T00:00:00Z",
            "run_after": "2026-11-03T00:00:00Z",
        },
    ]

    def reply(handler):
        body = json.dumps({"dag_runs": dag_runs, "total_entries": len(dag_runs)}).encode()
        return answers["status"], {"Content-Type": "application/json"}, body

    server = Server(reply)
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLW9mLXRlc3Q"
    token_file = tmp_path / "airflow_token"
    token_file.write_text(token + "\n")
    monkeypatch.setitem(ckan_config, "ckanext.tangerang.airflow_url", server.url + "/")
    monkeypatch.setitem(ckan_config, "ckanext.tangerang.airflow_token_file", str(token_file))
    yield {"server": server, "token": token, "answers": answers}
    server.stop()


def test_airflow_runs_are_matched_to_run_reports_and_linked(app, sysadmin, catalog, airflow):
    result = _dashboard(sysadmin)
    [request] = airflow["server"].seen
    assert request["method"] == "POST" and request["path"] == "/api/v2/dags/~/dagRuns/list"
    assert request["headers"]["Authorization"] == f"Bearer {airflow['token']}"
    sent = json.loads(request["body"])
    assert {"hub_fasyankes", "hub_quality_score"} <= set(sent["dag_ids"])
    assert sent["order_by"] == "-run_after"
    row = _rows(result)["fasyankes"]["airflow"]
    base = airflow["server"].url
    assert row["dag_url"] == f"{base}/dags/hub_fasyankes"
    # The last run report (run key 20261103T000000Z) is the scheduled run of that interval.
    assert row["run"]["dag_run_id"] == "scheduled__2026-11-02T00:00:00+00:00"
    assert row["run"]["url"] == (
        f"{base}/dags/hub_fasyankes/runs/scheduled__2026-11-02T00%3A00%3A00%2B00%3A00"
    )
    assert row["latest"]["state"] == "running"
    assert result["airflow"] == {"configured": True, "error": None}
    # The token goes to Airflow only: not in the result, not on the page.
    assert airflow["token"] not in json.dumps(result)
    page = app.get("/dasbor", headers={"Authorization": sysadmin["token"]}).body
    assert airflow["token"] not in page
    assert row["run"]["url"] in page


def test_a_refused_token_leaves_the_run_reports(sysadmin, catalog, airflow):
    airflow["answers"]["status"] = 401
    result = _dashboard(sysadmin)
    assert result["airflow"] == {"configured": True, "error": "unauthorized"}
    row = _rows(result)["fasyankes"]
    assert row["airflow"]["run"] is None and row["airflow"]["dag_url"].endswith("/hub_fasyankes")
    assert row["last_run"]["status"] == "unchanged"


def test_without_a_token_airflow_is_not_asked(sysadmin, catalog, airflow, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.tangerang.airflow_token_file", "")
    result = _dashboard(sysadmin)
    assert airflow["server"].seen == []
    assert result["airflow"] == {"configured": True, "error": "no_token"}
