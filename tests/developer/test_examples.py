"""Every example of /pengembang runs as printed against the test site: the curl ones in bash,
the Python ones (ckanapi, pandas) in this (the Airflow) environment, and each gives what it
says it gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import requests
from ckan_site import anonymous_client, bot_token, site_url

KEYS = {
    "curl-package-search",
    "curl-package-show",
    "curl-datastore-search",
    "curl-token",
    "python-ckanapi",
    "python-pandas",
}


class _Examples(HTMLParser):
    """The text of every <code data-example="key"> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}
        self._key: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        key = dict(attrs).get("data-example")
        if tag == "code" and key:
            self._key = key
            self.found[key] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self._key = None

    def handle_data(self, data: str) -> None:
        if self._key:
            self.found[self._key] += data


def page_examples(path: str) -> tuple[str, dict[str, str]]:
    response = requests.get(f"{site_url()}{path}", timeout=60)
    assert response.status_code == 200, response.text[:500]
    parser = _Examples()
    parser.feed(response.text)
    return response.text, parser.found


@pytest.fixture(scope="module")
def examples(demo_datasets) -> dict[str, str]:
    _, found = page_examples("/pengembang")
    return found


def run_bash(code: str, **env: str) -> dict[str, Any]:
    done = subprocess.run(
        ["bash", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
        check=True,
    )
    return json.loads(done.stdout)


def run_python(code: str, tmp_path: Path) -> list[str]:
    script = tmp_path / "contoh.py"
    script.write_text(code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def example_package(examples: dict[str, str]) -> dict[str, Any]:
    return run_bash(examples["curl-package-show"])["result"]


def test_both_languages_show_every_example_with_the_same_code(examples):
    id_page, _ = page_examples("/pengembang")
    en_page, en_examples = page_examples("/en/pengembang")
    assert set(examples) == KEYS
    assert en_examples == examples
    assert "Portal pengembang" in id_page and "Mengapa tidak ada SQL" in id_page
    assert "Developer portal" in en_page and "Why there is no SQL" in en_page


def test_package_show_gives_the_example_dataset_with_its_files(examples, demo_datasets):
    package = example_package(examples)
    assert package["name"] in demo_datasets  # a real dataset of the catalog
    assert not package["private"] and package["klasifikasi_akses"] == "terbuka"
    assert {"CSV", "Parquet"} <= {r["format"] for r in package["resources"]}


def test_package_search_filters_on_the_producer_and_tag(examples):
    package = example_package(examples)
    found = run_bash(examples["curl-package-search"])["result"]
    assert found["count"] >= 1
    assert 1 <= len(found["results"]) <= 5
    tag = next(t["name"] for t in package["tags"] if t["name"] != "contoh-data")
    for result in found["results"]:
        assert result["organization"]["name"] == package["organization"]["name"]
        assert tag in {t["name"] for t in result["tags"]}


def test_datastore_search_returns_the_filtered_sorted_columns(examples):
    result = run_bash(examples["curl-datastore-search"])["result"]
    [(column, value)] = result["filters"].items()
    records = result["records"]
    assert 1 <= len(records) <= 5
    wanted = [f["id"] for f in result["fields"]]
    assert wanted[0] == column and len(wanted) == 3
    for record in records:
        assert record[column] == value
        assert set(record) == set(wanted)
    assert result["sort"] == f"{wanted[1]} asc"
    direct = anonymous_client().call(
        "datastore_search",
        resource_id=result["resource_id"],
        filters={column: value},
        fields=wanted,
        sort=f"{wanted[1]} asc",
        limit=5,
    )
    assert records == direct["records"] and result["total"] == direct["total"]


def test_the_token_in_the_authorization_header_identifies_the_user(examples):
    me = run_bash(examples["curl-token"], CKAN_API_TOKEN=bot_token(), CKAN_USER="tangerang-bot")
    assert me["result"]["name"] == "tangerang-bot"
    assert me["result"]["email"]  # only the user's own token shows it
    anonymous = run_bash(examples["curl-token"], CKAN_API_TOKEN="", CKAN_USER="tangerang-bot")
    assert "email" not in anonymous["result"]


def test_ckanapi_example_prints_the_counts_and_rows(examples, tmp_path):
    lines = run_python(examples["python-ckanapi"], tmp_path)
    package = example_package(examples)
    search = run_bash(examples["curl-package-search"])["result"]
    table = run_bash(examples["curl-datastore-search"])["result"]
    [(column, value)] = table["filters"].items()
    assert lines[0] == f"datasets: {search['count']}"
    rows = int(lines[1].removeprefix("rows: "))
    assert 1 <= rows <= table["total"]
    assert lines[2:] and all(line.startswith(f"{value} ") for line in lines[2:])
    assert package["organization"]["name"] in examples["python-ckanapi"]


def test_pandas_reads_the_whole_parquet_file(examples, tmp_path):
    package = example_package(examples)
    lines = run_python(examples["python-pandas"], tmp_path)
    csv = next(r for r in package["resources"] if r["datastore_active"])
    fields = anonymous_client().call("datastore_search", resource_id=csv["id"], limit=0)["fields"]
    columns = [f["id"] for f in fields if f["id"] != "_id"]
    assert lines[0] == f"({package['row_count']}, {len(columns)})"
    assert [line.split()[0] for line in lines[1 : 1 + len(columns)]] == columns
