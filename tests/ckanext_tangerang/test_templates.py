"""Rendered pages: dataset page panels, home dimensions, run history, escaping, language."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from ckan.tests.helpers import call_action
from werkzeug.datastructures import MultiDict

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

EVIL = "<script>alert('x')</script>"


@pytest.fixture
def dataset(make_org, make_dataset, approve):
    org = make_org(name="dinkes")
    recent = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).isoformat()
    dataset = make_dataset(
        org["id"],
        name="faskes",
        title=f"Fasilitas Kesehatan {EVIL}",
        frekuensi="bulanan",
        contract_id="faskes-kota",
        source_system=f"sirs {EVIL}",
        last_run_id="run-42",
        last_run_at=recent,
        row_count=57,
        sha256="b" * 64,
        validation_status="warning",
        quality_score=91,
        quality_grade="A",
    )
    approve(dataset["id"])  # a hub dataset is public once the walidata approved it
    return dataset


def test_dataset_page_escapes_user_data(app, dataset):
    body = app.get(f"/dataset/{dataset['name']}").body
    assert EVIL not in body
    assert "&lt;script&gt;alert(" in body
    soup = BeautifulSoup(body, "html.parser")
    assert not [s for s in soup.find_all("script") if "alert(" in (s.string or "")]


def test_dataset_page_shows_quality_freshness_lineage_in_indonesian(app, dataset):
    soup = BeautifulSoup(app.get(f"/dataset/{dataset['name']}").body, "html.parser")
    panel = soup.select_one("section.tangerang-quality")
    assert panel is not None
    badge = panel.select_one(".tangerang-quality-badge").get_text(" ", strip=True)
    assert "Mutu" in badge and "A" in badge and "91/100" in badge
    validation = panel.select_one(".tangerang-validation-status").get_text(" ", strip=True)
    assert "Lolos dengan Peringatan" in validation
    fresh = panel.select_one(".tangerang-freshness")
    assert fresh["data-status"] == "on_time"
    assert fresh.get_text(strip=True) == "Tepat waktu"
    lineage = panel.select_one("table.tangerang-lineage").get_text(" ", strip=True)
    for value in ("faskes-kota", "run-42", "57", "b" * 64):
        assert value in lineage
    assert soup.find("html")["lang"] == "id"


def test_late_dataset_is_marked_late_and_english_is_available(app, make_org, make_dataset):
    org = make_org()
    make_dataset(org["id"], name="lama", frekuensi="harian", last_run_at="2020-01-01T00:00:00Z")
    soup = BeautifulSoup(app.get("/dataset/lama").body, "html.parser")
    assert soup.select_one(".tangerang-freshness").get_text(strip=True) == "Terlambat"
    soup = BeautifulSoup(app.get("/en/dataset/lama").body, "html.parser")
    assert soup.select_one(".tangerang-freshness").get_text(strip=True) == "Late"


def test_home_page_lists_six_dimensions_with_counts(app, dataset):
    soup = BeautifulSoup(app.get("/").body, "html.parser")
    cards = soup.select(".tangerang-dimension")
    assert [c["data-dimension"] for c in cards] == [
        "governance",
        "branding",
        "economy",
        "living",
        "society",
        "environment",
    ]
    counts = {c["data-dimension"]: c.select_one(".tangerang-dataset-count").text for c in cards}
    assert counts["society"] == "1"
    assert counts["economy"] == "0"


def test_edit_form_has_csrf_token_and_no_pipeline_fields(app, make_org, make_dataset):
    editor = factories.UserWithToken()
    org = make_org(users=[{"name": editor["name"], "capacity": "editor"}])
    make_dataset(org["id"], name="formulir", contract_id="kontrak-1")
    body = app.get("/dataset/edit/formulir", headers={"Authorization": editor["token"]}).body
    form = BeautifulSoup(body, "html.parser").select_one("form#dataset-edit")
    assert form is not None
    assert form.select_one("input[name=_csrf_token]") is not None
    names = {el.get("name") for el in form.select("input, select, textarea")}
    assert {"frekuensi", "tingkat_penyajian", "cakupan_wilayah", "dimensi"} <= names
    assert not names & {"contract_id", "last_run_at", "sha256", "quality_score", "quality_grade"}


def test_saving_the_edit_form_keeps_pipeline_fields(app, make_org, make_dataset):
    editor = factories.UserWithToken()
    org = make_org(users=[{"name": editor["name"], "capacity": "editor"}])
    make_dataset(org["id"], name="formulir", contract_id="kontrak-1", quality_grade="C")
    headers = {"Authorization": editor["token"]}
    form = BeautifulSoup(
        app.get("/dataset/edit/formulir", headers=headers).body, "html.parser"
    ).select_one("form#dataset-edit")
    data: list[tuple[str, str]] = []
    for el in form.select("input, select, textarea"):
        name = el.get("name")
        if not name or (el.get("type") in ("checkbox", "radio") and not el.has_attr("checked")):
            continue
        if el.name == "select":
            chosen = el.select_one("option[selected]") or el.select_one("option")
            data.append((name, chosen.get("value", "") if chosen else ""))
        elif el.name == "textarea":
            data.append((name, el.text))
        else:
            data.append((name, el.get("value", "")))
    data = [(k, "Judul dari formulir" if k == "title" else v) for k, v in data]
    data.append(("save", ""))
    app.post("/dataset/edit/formulir", data=MultiDict(data), headers=headers, status=200)
    shown = call_action("package_show", id="formulir")
    assert shown["title"] == "Judul dari formulir"
    assert shown["contract_id"] == "kontrak-1"
    assert shown["quality_grade"] == "C"
