"""Each demo dataset's OpenAPI document (/dataset/<id>/openapi.json): valid OpenAPI 3.1
(openapi-spec-validator), true to the contract and the DataStore table, and true to the live
endpoint (schemathesis, a fixed seed and a few examples per dataset). datastore_search_sql is
not offered."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from ckan_site import bot_client, site_url
from openapi_spec_validator import validate

from tangerang_hub.contracts import get_contract, load_contracts

DEMO = sorted(c.id for c in load_contracts())
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CONFORMANCE = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
]
# Contract field type -> JSON Schema type of its DataStore value.
JSON_TYPES = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "date": "string",
    "datetime": "string",
    "year": "integer",
}


def document(dataset_id: str) -> dict[str, Any]:
    response = requests.get(f"{site_url()}/dataset/{dataset_id}/openapi.json", timeout=60)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def schemathesis(
    doc: dict[str, Any], tmp_path: Path, examples: int, checks: list[str]
) -> subprocess.CompletedProcess:
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            str(path),
            "--url",
            f"{site_url()}/api/3/action",
            "--mode",
            "positive",
            "--checks",
            ",".join(checks),
            "--max-examples",
            str(examples),
            "--seed",
            "2026",
            "--generation-database",
            "none",
            "--workers",
            "1",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )


def _value_type(schema: dict[str, Any]) -> str:
    options = schema.get("anyOf", [schema])
    return next(o["type"] for o in options if o.get("type") != "null")


@pytest.mark.parametrize("dataset_id", DEMO)
def test_document_is_valid_openapi_true_to_contract_and_table(dataset_id, demo_datasets):
    doc = document(dataset_id)
    validate(doc)  # raises on any violation of the OpenAPI 3.1 schema
    assert doc["openapi"] == "3.1.0"
    package = demo_datasets[dataset_id]
    resource = next(r for r in package["resources"] if r["datastore_active"])
    parameters = doc["paths"]["/datastore_search"]["get"]["parameters"]
    [param] = [p for p in parameters if p["name"] == "resource_id"]
    assert param["schema"]["enum"] == [resource["id"]]
    assert doc["servers"][0]["url"] == f"{site_url()}/api/3/action"

    record = doc["components"]["schemas"]["Record"]["properties"]
    contract = get_contract(dataset_id)
    # the bot edits for every producer: it reads the columns of restricted tables too
    table = bot_client().call("datastore_search", resource_id=resource["id"], limit=0)
    columns = [f["id"] for f in table["fields"] if f["id"] != "_id"]
    assert set(record) == {"_id", "rank", *columns}
    assert columns == [f.name for f in contract.fields]
    for field in contract.fields:
        schema = record[field.name]
        assert _value_type(schema) == JSON_TYPES[field.type], field.name
        assert field.title in schema["description"]
        assert ("anyOf" not in schema) == field.required, field.name
        if field.enum:
            value = schema if "enum" in schema else schema["anyOf"][0]
            assert value["enum"] == list(field.enum)


@pytest.mark.parametrize("dataset_id", DEMO)
def test_schemathesis_passes_against_the_live_datastore(dataset_id, demo_datasets, tmp_path):
    """Open data: every valid request is answered 200 as documented. Restricted (terbatas)
    data, asked anonymously: every answer is the documented 403 (positive data refused)."""
    open_data = demo_datasets[dataset_id]["klasifikasi_akses"] == "terbuka"
    if not open_data:
        resource = next(r for r in demo_datasets[dataset_id]["resources"] if r["datastore_active"])
        response = requests.get(
            f"{site_url()}/api/3/action/datastore_search",
            params={"resource_id": resource["id"]},
            timeout=60,
        )
        assert response.status_code == 403
    checks = CONFORMANCE + (["positive_data_acceptance"] if open_data else [])
    done = schemathesis(document(dataset_id), tmp_path, examples=8, checks=checks)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    [(generated, passed)] = re.findall(r"(\d+) generated, (\d+) passed", done.stdout)
    assert int(generated) == int(passed) > 0


def test_schemathesis_fails_a_document_that_lies_about_a_column(demo_datasets, tmp_path):
    """The run above can fail: a text column documented as a number breaks the response
    schema on the first page of rows."""
    doc = copy.deepcopy(document("fasyankes"))
    doc["components"]["schemas"]["Record"]["properties"]["nama"] = {"type": "number"}
    done = schemathesis(doc, tmp_path, examples=3, checks=CONFORMANCE)
    assert done.returncode != 0
    assert "Response violates schema" in done.stdout


def test_a_dataset_without_datastore_table_has_no_document():
    response = requests.get(f"{site_url()}/dataset/tidak-ada-dataset-ini/openapi.json", timeout=60)
    assert response.status_code == 404


def test_datastore_search_sql_is_not_offered():
    response = requests.get(
        f"{site_url()}/api/3/action/datastore_search_sql",
        params={"sql": "SELECT 1"},
        timeout=60,
    )
    # CKAN's answer to an action it does not have (the plugin registers it only when enabled)
    assert response.status_code == 400
    assert response.json() == "Bad request: Action name not known: datastore_search_sql"
