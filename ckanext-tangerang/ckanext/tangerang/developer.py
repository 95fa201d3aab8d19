"""The developer portal: ``/pengembang``, ``/pengembang/api/<id>`` and
``/dataset/<id>/openapi.json``.

``/pengembang`` shows working examples (curl, Python with ckanapi, pandas) built from a real
dataset of this catalog (``example_dataset``): the option
``ckanext.tangerang.developer_example_dataset`` when that dataset is public and open
(``terbuka``) with a DataStore table, else the first such dataset by name. Each example is a
``Example`` whose code is generated with that dataset's organization, tag, resource ids, a
column and one of its real values, so a copy-paste works against this site
(tests/developer runs every one).

``/dataset/<id>/openapi.json`` is ``openapi.document`` for the dataset's DataStore resource
(``?resource_id=`` picks another one), and ``/pengembang/api/<id>`` renders it with the
vendored swagger-ui (public/tangerang/vendor/swagger-ui). Whoever may read the dataset with
``package_show`` may read its document: column names and types are metadata, also for
``terbatas`` datasets whose rows are restricted.

``datastore_search_sql`` is not offered (``ckan.datastore.sqlsearch.enabled`` stays false):
the page says why.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ckanext.tangerang import openapi

developer = Blueprint("tangerang_developer", __name__)

OPEN_ACCESS = "terbuka"
API_LIST_ROWS = 20
# A word of a value that full-text search (q=) finds: letters only, at least four.
WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass(frozen=True)
class Example:
    """One runnable example: ``key`` names it in the page (``data-example``) and the tests."""

    key: str
    language: str  # "bash" | "python"
    code: str


def _site_url() -> str:
    return tk.config.get("ckan.site_url").rstrip("/")


def _action_url(action: str, params: dict[str, Any] | None = None) -> str:
    query = f"?{urlencode(params)}" if params else ""
    return f"{_site_url()}/api/3/action/{action}{query}"


def _datastore_resource(package: dict[str, Any], resource_id: str | None = None) -> dict | None:
    """The resource with that id if it has a DataStore table, else the first that has one."""
    for resource in package.get("resources", []):
        if resource.get("datastore_active") and resource_id in (None, resource["id"]):
            return resource
    return None


def _parquet_resource(package: dict[str, Any]) -> dict[str, Any] | None:
    return next(
        (r for r in package.get("resources", []) if (r.get("format") or "").lower() == "parquet"),
        None,
    )


def _usable(package: dict[str, Any] | None) -> bool:
    return bool(
        package
        and not package.get("private")
        and package.get("klasifikasi_akses", OPEN_ACCESS) == OPEN_ACCESS
        and _datastore_resource(package)
        and _parquet_resource(package)
    )


def example_dataset() -> dict[str, Any] | None:
    """The public, open dataset with a DataStore table and a Parquet file the examples use
    (see the module); None when the catalog has none."""
    name = tk.config.get("ckanext.tangerang.developer_example_dataset")
    anonymous = {"user": "", "ignore_auth": False}
    if name:
        try:
            package = tk.get_action("package_show")(dict(anonymous), {"id": name})
        except (tk.ObjectNotFound, tk.NotAuthorized):
            package = None
        if _usable(package):
            return package
    found = tk.get_action("package_search")(
        dict(anonymous),
        {"fq": "res_format:Parquet", "sort": "name asc", "rows": 100},
    )
    return next((p for p in found["results"] if _usable(p)), None)


def datastore_fields(resource_id: str) -> list[dict[str, Any]]:
    """The DataStore columns of a resource (``datastore_info``), ``_id`` and other internal
    columns left out. Read as the site: callers have checked the dataset with package_show."""
    info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
    return [f for f in info["fields"] if not f["id"].startswith("_")]


def _filter_column(fields: list[dict[str, Any]], contract: dict[str, Any] | None) -> str:
    """A text column worth filtering on: one the contract lists values for, else a wilayah
    code, else the first text column that is not the primary key."""
    specs = {f["name"]: f for f in (contract or {}).get("fields") or []}
    key = set((contract or {}).get("primary_key") or [])
    text = [f["id"] for f in fields if f["type"] == "text" and f["id"] not in key]
    for wanted in (
        lambda c: (specs.get(c, {}).get("constraints") or {}).get("enum"),
        lambda c: specs.get(c, {}).get("reference"),
        lambda c: True,
    ):
        for column in text:
            if wanted(column):
                return column
    return fields[0]["id"]


def _first_record(resource_id: str, column: str) -> dict[str, Any]:
    found = tk.get_action("datastore_search")(
        {"ignore_auth": True},
        {"resource_id": resource_id, "filters": {}, "sort": "_id asc", "limit": 20},
    )
    for record in found["records"]:
        if record.get(column) not in (None, ""):
            return record
    return found["records"][0] if found["records"] else {}


def examples(package: dict[str, Any]) -> dict[str, Any]:
    """The examples of ``/pengembang`` for ``package`` (an ``example_dataset``): ``examples``
    (key -> Example) plus what the page says about them (dataset, resource, column, value)."""
    resource = _datastore_resource(package)
    parquet = _parquet_resource(package)
    assert resource and parquet, "example_dataset() returns datasets with both"
    fields = datastore_fields(resource["id"])
    contract = openapi.contract(package.get("contract_id"))
    column = _filter_column(fields, contract)
    value = _first_record(resource["id"], column).get(column)
    words = WORD.findall(str(value or ""))
    word = words[0].lower() if words else ""
    shown = [column] + [f["id"] for f in fields if f["id"] != column][:2]
    org = (package.get("organization") or {}).get("name", "")
    tags = [t["name"] for t in package.get("tags", []) if t["name"] != "contoh-data"]
    tag = tags[0] if tags else ""
    search_params = {"fq": f'organization:{org} tags:"{tag}"' if tag else f"organization:{org}"}
    search_params["rows"] = 5
    filters = json.dumps({column: value}, ensure_ascii=False)
    site = _site_url()
    curl_datastore = " \\\n  ".join(
        [
            f"curl -s -G {shlex.quote(_action_url('datastore_search'))}",
            f"--data-urlencode {shlex.quote('resource_id=' + resource['id'])}",
            f"--data-urlencode {shlex.quote('filters=' + filters)}",
            f"--data-urlencode {shlex.quote('fields=' + ','.join(shown))}",
            f"--data-urlencode {shlex.quote('sort=' + shown[1] + ' asc')}",
            "--data-urlencode 'limit=5'",
        ]
    )
    python_ckanapi = "\n".join(
        [
            "from ckanapi import RemoteCKAN",
            "",
            f"portal = RemoteCKAN({site!r}, user_agent='contoh-pengembang/1.0')",
            f"found = portal.action.package_search(fq={search_params['fq']!r}, rows=5)",
            "print('datasets:', found['count'])",
            "rows = portal.action.datastore_search(",
            f"    resource_id={resource['id']!r},",
            f"    filters={{{column!r}: {value!r}}},",
            *([f"    q={word!r},"] if word else []),
            "    limit=5,",
            ")",
            "print('rows:', rows['total'])",
            "for record in rows['records']:",
            f"    print(record[{column!r}], record[{shown[1]!r}])",
        ]
    )
    python_pandas = "\n".join(
        [
            "import pandas as pd",
            "",
            f"df = pd.read_parquet({parquet['url']!r})",
            "print(df.shape)",
            "print(df.dtypes)",
        ]
    )
    token_curl = (
        'curl -s -H "Authorization: $CKAN_API_TOKEN" \\\n  '
        f'"{_action_url("user_show")}?id=$CKAN_USER"'
    )
    items = [
        Example(
            "curl-package-search",
            "bash",
            f"curl -s {shlex.quote(_action_url('package_search', search_params))}",
        ),
        Example(
            "curl-package-show",
            "bash",
            f"curl -s {shlex.quote(_action_url('package_show', {'id': package['name']}))}",
        ),
        Example("curl-datastore-search", "bash", curl_datastore),
        Example("curl-token", "bash", token_curl),
        Example("python-ckanapi", "python", python_ckanapi),
        Example("python-pandas", "python", python_pandas),
    ]
    return {
        "package": package,
        "resource": resource,
        "parquet": parquet,
        "column": column,
        "value": value,
        "word": word,
        "organization": org,
        "tag": tag,
        "examples": {e.key: e for e in items},
    }


def api_datasets(q: str = "", limit: int = API_LIST_ROWS) -> dict[str, Any]:
    """The datasets the current user can see that have a DataStore table and match the
    catalog search ``q`` (for the list of OpenAPI documents), by title: the first ``limit``
    as ``results``, and how many ``more`` there are."""
    found = tk.get_action("package_search")(
        {}, {"q": q, "sort": "title_string asc, name asc", "rows": 1000}
    )
    datasets = [p for p in found["results"] if _datastore_resource(p)]
    return {"q": q, "results": datasets[:limit], "more": max(0, len(datasets) - limit)}


def _package_or_404(id: str) -> dict[str, Any]:
    try:
        return tk.get_action("package_show")({}, {"id": id})
    # Like CKAN's dataset page, a dataset one may not read does not exist.
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))


def openapi_document(package: dict[str, Any], resource_id: str | None = None) -> dict | None:
    """The OpenAPI document of the dataset's DataStore resource; None when it has none."""
    resource = _datastore_resource(package, resource_id)
    if resource is None:
        return None
    rows_max = tk.config.get("ckan.datastore.search.rows_max") or 32000
    fields = datastore_fields(resource["id"])
    contract = openapi.contract(package.get("contract_id"))
    example_filter = None
    # A value of the rows as the example of `filters`: for open, public data only.
    if _usable(package):
        column = _filter_column(fields, contract)
        value = _first_record(resource["id"], column).get(column)
        example_filter = {column: value} if value is not None else None
    return openapi.document(
        package, resource, fields, contract, _site_url(), int(rows_max), example_filter
    )


@developer.route("/pengembang")
def index() -> str:
    """The developer portal: examples, tokens, the OpenAPI documents, why no SQL."""
    package = example_dataset()
    return tk.render(
        "tangerang/developer.html",
        {
            "example": examples(package) if package else None,
            "apis": api_datasets(tk.request.args.get("q", "")[:200]),
        },
    )


@developer.route("/dataset/<id>/openapi.json")
def dataset_openapi(id: str) -> Response:
    """The dataset's OpenAPI 3.1 document (404 without a DataStore table)."""
    package = _package_or_404(id)
    document = openapi_document(package, tk.request.args.get("resource_id"))
    if document is None:
        return tk.abort(404, tk._("This dataset has no DataStore table"))
    body = json.dumps(document, ensure_ascii=False, indent=2)
    response = Response(body, status=200, mimetype="application/json")
    response.headers["Content-Disposition"] = f'inline; filename="{package["name"]}.openapi.json"'
    return response


@developer.route("/pengembang/api/<id>")
def api_viewer(id: str) -> str:
    """The dataset's OpenAPI document in the API viewer."""
    package = _package_or_404(id)
    resource = _datastore_resource(package, tk.request.args.get("resource_id"))
    if resource is None:
        return tk.abort(404, tk._("This dataset has no DataStore table"))
    return tk.render(
        "tangerang/developer_api.html",
        {"pkg_dict": package, "pkg": package, "resource": resource},
    )
