"""openapi.document: the JSON Schema of each DataStore column, narrowed by the contract."""

from __future__ import annotations

from ckanext.tangerang import openapi

PACKAGE = {
    "name": "contoh",
    "title": "Contoh",
    "license_title": "Creative Commons Attribution",
    "license_url": "http://www.opendefinition.org/licenses/cc-by",
    "last_run_id": "20261201T000000Z",
    "sha256": "a" * 64,
}
FIELDS = [
    {"id": "kode", "type": "text", "info": {"label": "Kode", "notes": "Tujuh digit."}},
    {"id": "jenis", "type": "text"},
    {"id": "jumlah", "type": "int8"},
    {"id": "tanggal", "type": "date"},
    {"id": "waktu", "type": "timestamp"},
]
CONTRACT = {
    "primary_key": ["kode"],
    "fields": [
        {
            "name": "kode",
            "title": "Kode Faskes",
            "constraints": {"required": True, "pattern": "^[0-9]{7}$"},
        },
        {"name": "jenis", "constraints": {"enum": ["Puskesmas", "Apotek"]}},
        {"name": "jumlah", "constraints": {"minimum": 0, "maximum": 2000}},
    ],
}


def _doc(contract=CONTRACT, example=None):
    return openapi.document(
        PACKAGE, {"id": "r-1"}, FIELDS, contract, "http://portal.test/", 500, example
    )


def test_record_types_follow_the_datastore_and_the_contract():
    record = _doc()["components"]["schemas"]["Record"]["properties"]
    # required in the contract: never null, with its pattern and title
    assert record["kode"]["type"] == "string" and record["kode"]["pattern"] == "^[0-9]{7}$"
    assert record["kode"]["description"].startswith("Kode Faskes (teks).")
    jenis, null = record["jenis"]["anyOf"]
    assert jenis == {"type": "string", "enum": ["Puskesmas", "Apotek"]} and null == {"type": "null"}
    assert record["jumlah"]["anyOf"][0] == {"type": "integer", "minimum": 0, "maximum": 2000}
    assert record["tanggal"]["anyOf"][0] == {"type": "string", "format": "date"}
    assert record["waktu"]["anyOf"][0]["pattern"] == openapi.TIMESTAMP
    assert set(record) == {"_id", "rank", "kode", "jenis", "jumlah", "tanggal", "waktu"}


def test_without_a_contract_text_refuses_only_nul():
    record = _doc(contract=None)["components"]["schemas"]["Record"]["properties"]
    assert record["kode"]["anyOf"][0] == {"type": "string", "pattern": openapi.NO_NUL}
    assert record["kode"]["description"] == "Kode (teks). Tujuh digit."


def test_parameters_fix_the_resource_and_list_the_columns():
    doc = _doc(example={"jenis": "Apotek"})
    params = {p["name"]: p for p in doc["paths"]["/datastore_search"]["get"]["parameters"]}
    assert params["resource_id"]["schema"]["enum"] == ["r-1"]
    assert params["limit"]["schema"]["maximum"] == 500
    assert "jenis desc" in params["sort"]["schema"]["enum"]
    assert params["fields"]["schema"]["items"]["enum"][0] == "_id"
    assert params["filters"]["content"]["application/json"]["example"] == {"jenis": "Apotek"}
    filters = doc["components"]["schemas"]["Filters"]["properties"]
    assert filters["waktu"]["oneOf"][0]["pattern"] == openapi.TIMESTAMP_FILTER
    assert doc["servers"] == [
        {"url": "http://portal.test/api/3/action", "description": "Action API CKAN"}
    ]
    assert doc["info"]["version"] == "20261201T000000Z (sha256 aaaaaaaaaaaa)"


def test_a_contract_id_is_never_a_path():
    assert openapi.contract("../secrets") is None
    assert openapi.contract("fasyankes")["id"] == "fasyankes"
