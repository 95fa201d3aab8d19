"""The catalog's own pages: a dataset's run history and a run's GX Data Docs, served sandboxed."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from ckan import model
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action, call_auth

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

RUN_ID = "manual__2026-01-31T00:00:00+00:00"
DOCS = (
    "<!DOCTYPE html><html><head><title>Data Docs</title>"
    "<style>body{font-family:sans-serif}</style></head><body>"
    "<h1 id='suite'>fasyankes.warning</h1><p>12 expectations, 11 passed</p>"
    "<script>document.body.innerHTML = 'DIJALANKAN';</script>"
    "</body></html>"
)
CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
VALIDATION = {"success": False, "blocking": [], "warnings": [], "statistics": {}}
EVIL = "<script>alert('x')</script>"


def _report(dataset: dict, **data) -> dict:
    return call_action(
        "tangerang_run_report_create",
        package_id=dataset["id"],
        run_id=RUN_ID,
        status="rejected",
        validation=VALIDATION,
        **data,
    )


def _path(name: str, run_id: str = RUN_ID) -> str:
    return f"/dataset/{name}/riwayat-proses/{run_id}/validasi"


@pytest.fixture
def dataset(make_org, make_dataset):
    return make_dataset(make_org()["id"], name="fasyankes-uji")


def test_docs_are_stored_and_report_url_points_to_them(app, dataset):
    run = _report(dataset, data_docs_html=DOCS, report_url="https://elsewhere.example/r.html")
    site = tk.config["ckan.site_url"].rstrip("/")
    expected = f"{site}/dataset/fasyankes-uji/riwayat-proses/{RUN_ID}/validasi"
    assert tk.url_for(
        "tangerang.run_validation_report", id="fasyankes-uji", run_id=RUN_ID, _external=True
    ).startswith(site)
    assert run["report_url"].replace("%2B", "+").replace("%3A", ":") == expected
    assert run["has_data_docs"] is True
    assert "data_docs_html" not in run
    shown = call_action("tangerang_run_report_show", id=run["id"])
    listed = call_action("tangerang_run_report_list", package_id=dataset["id"])
    assert shown["report_url"] == run["report_url"] == listed[0]["report_url"]
    assert all("data_docs_html" not in r for r in [shown, *listed])
    assert (
        call_action("tangerang_run_data_docs_show", package_id="fasyankes-uji", run_id=RUN_ID)
        == DOCS
    )

    # The page the URL names serves exactly the stored document.
    path = run["report_url"][len(site) :]
    response = app.get(path, status=200)
    assert response.body == DOCS
    assert response.headers["Content-Type"].startswith("text/html")


def test_docs_are_served_with_strict_headers(app, dataset):
    _report(dataset, data_docs_html=DOCS)
    response = app.get(_path(dataset["name"]), status=200)
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    directives = [d.strip() for d in response.headers["Content-Security-Policy"].split(";")]
    # A bare `sandbox` (no allow-scripts, no allow-same-origin): the page's scripts never run.
    assert directives[0] == "sandbox"
    assert "allow-scripts" not in response.headers["Content-Security-Policy"]


def test_run_without_docs_keeps_its_own_report_url_and_has_no_page(app, dataset):
    run = _report(dataset, report_url="https://elsewhere.example/r.html", data_docs_html="")
    assert run["has_data_docs"] is False
    assert run["report_url"] == "https://elsewhere.example/r.html"
    app.get(_path(dataset["name"]), status=404)
    with pytest.raises(tk.ObjectNotFound):
        call_action("tangerang_run_data_docs_show", package_id=dataset["id"], run_id=RUN_ID)


def test_reporting_the_run_again_replaces_the_docs(app, dataset):
    _report(dataset, data_docs_html=DOCS)
    again = _report(dataset, data_docs_html=DOCS.replace("11 passed", "12 passed"))
    assert "12 passed" in app.get(_path(dataset["name"])).body
    assert again["has_data_docs"]


def test_docs_of_a_private_dataset_are_hidden(app, make_org, make_dataset):
    editor = factories.UserWithToken()
    outsider = factories.UserWithToken()
    org = make_org(users=[{"name": editor["name"], "capacity": "editor"}])
    private = make_dataset(org["id"], name="rahasia", private=True)
    _report(private, data_docs_html=DOCS)

    app.get(_path("rahasia"), status=404)
    app.get(_path("rahasia"), headers={"Authorization": outsider["token"]}, status=404)
    body = app.get(_path("rahasia"), headers={"Authorization": editor["token"]}, status=200).body
    assert body == DOCS
    # The same permission through the action API, anonymous and outsider refused.
    data = {"package_id": "rahasia", "run_id": RUN_ID}
    for user in (None, outsider["name"]):
        with pytest.raises(tk.NotAuthorized):
            call_auth("tangerang_run_data_docs_show", {"user": user, "model": model}, **data)
    assert call_auth(
        "tangerang_run_data_docs_show", {"user": editor["name"], "model": model}, **data
    )
    # Its reader finds it linked from the run history.
    runs = app.get("/dataset/rahasia/riwayat-proses", headers={"Authorization": editor["token"]})
    assert "GX Data Docs" in runs.body


def test_unknown_run_or_dataset_is_404(app, dataset):
    _report(dataset, data_docs_html=DOCS)
    app.get(_path(dataset["name"], "tidak-ada"), status=404)
    app.get(_path("tidak-ada"), status=404)


def test_run_list_page_links_the_docs_in_indonesian(app, dataset):
    _report(dataset, data_docs_html=DOCS)
    soup = BeautifulSoup(app.get(f"/dataset/{dataset['name']}/riwayat-proses").body, "html.parser")
    link = soup.select_one("a.tangerang-data-docs")
    assert link is not None
    assert link.get_text(strip=True) == "Laporan validasi (GX Data Docs)"
    assert soup.select_one(".tangerang-run-status").get_text(strip=True) == "ditolak"
    assert link["href"].endswith("/validasi")
    assert app.get(link["href"], status=200).body == DOCS
    # The HTML of the docs never reaches the catalog's own pages.
    assert "DIJALANKAN" not in str(soup)


def test_run_history_page_escapes_messages(app, make_org, make_dataset):
    dataset = make_dataset(make_org()["id"], name="faskes", title=f"Fasilitas Kesehatan {EVIL}")
    call_action(
        "tangerang_run_report_create",
        package_id=dataset["id"],
        run_id="run-42",
        status="published",
        message=EVIL,
        validation={"success": True, "blocking": [], "warnings": [], "statistics": {}},
    )
    body = app.get(f"/dataset/{dataset['name']}/riwayat-proses").body
    assert "run-42" in body
    assert EVIL not in body
    assert "Riwayat proses pipeline" in body


def test_run_history_of_private_dataset_is_hidden_from_anonymous(app, make_org, make_dataset):
    make_dataset(make_org()["id"], name="rahasia", private=True)
    app.get("/dataset/rahasia/riwayat-proses", status=404)


def _messages_by_run(app, path: str) -> dict[str, str]:
    soup = BeautifulSoup(app.get(path).body, "html.parser")
    return {
        row.select_one("code").get_text(strip=True): row.select_one(
            ".tangerang-run-message"
        ).get_text(strip=True)
        for row in soup.select("table.tangerang-runs tbody tr")
    }


def test_run_message_given_as_code_is_shown_in_the_visitors_language(app, dataset):
    runs = {
        "r1": ("published", {"rows": 13}, "Diterbitkan: 13 baris."),
        "r2": ("unchanged", {}, "data unchanged; nothing uploaded"),
        # A code the catalog does not know yet, and parameters that do not fit it.
        "r3": ("kode_baru", {}, "teks dari pipeline"),
        "r4": ("published", {}, "Diterbitkan (tanpa jumlah)"),
    }
    for run_id, (code, params, text) in runs.items():
        call_action(
            "tangerang_run_report_create",
            package_id=dataset["id"],
            run_id=run_id,
            status="published",
            message=text,
            validation={**VALIDATION, "message_code": code, "message_params": params},
        )
    path = f"/dataset/{dataset['name']}/riwayat-proses"
    assert _messages_by_run(app, path) == {
        "r1": "Diterbitkan: 13 baris.",
        "r2": "Data tidak berubah; tidak ada yang diunggah.",
        "r3": "teks dari pipeline",
        "r4": "Diterbitkan (tanpa jumlah)",
    }
    assert _messages_by_run(app, f"/en{path}") == {
        "r1": "Published: 13 rows.",
        "r2": "Data unchanged; nothing uploaded.",
        "r3": "teks dari pipeline",
        "r4": "Diterbitkan (tanpa jumlah)",
    }
    assert "(0 penghambat, 0 peringatan)" in app.get(path).body
    assert "(0 blocking, 0 warnings)" in app.get(f"/en{path}").body


def test_why_a_run_failed_is_shown_in_the_visitors_language(app, dataset):
    # The pipeline words a source's error in both languages: `error` and `error_en`.
    params = {
        "error": "HttpStatusError: http://agency/a.csv menjawab 500",
        "error_en": "HttpStatusError: http://agency/a.csv answered 500",
    }
    call_action(
        "tangerang_run_report_create",
        package_id=dataset["id"],
        run_id="gagal",
        status="failed",
        message="Proses gagal: HttpStatusError: http://agency/a.csv menjawab 500",
        validation={**VALIDATION, "message_code": "failed", "message_params": params},
    )
    path = f"/dataset/{dataset['name']}/riwayat-proses"
    assert _messages_by_run(app, path) == {
        "gagal": "Proses gagal: HttpStatusError: http://agency/a.csv menjawab 500"
    }
    assert _messages_by_run(app, f"/en{path}") == {
        "gagal": "The run failed: HttpStatusError: http://agency/a.csv answered 500"
    }
