"""Publish a validated, staged batch to CKAN.

Guarantees:
- **Idempotent.** The dataset's name is the contract id and every resource
  keeps its id across runs, so a re-run never creates duplicates.
- **Unchanged data costs nothing.** When the published ``sha256`` equals the
  staged one, nothing is uploaded.
- **Atomic.** All files and lineage fields change in one ``package_revise``
  guarded by ``match`` on the previously published sha256; a concurrent or
  failed run leaves the previous version intact. A new dataset is created
  private.
- **Walidata review.** Before a version is uploaded, ``tangerang_review_submit`` tells the
  catalog what it is published with (access class, field names). The first publication,
  and a version whose access class or set of fields changed, wait for a walidata
  (*menunggu_pemeriksaan*): the revision asks for ``private`` then, and the catalog keeps
  the dataset private whatever it is asked. After the walidata approves (``disetujui``),
  the catalog makes it public; later versions publish without review. Public means its
  metadata: a ``terbatas`` dataset's files and rows are served only to partner universities
  with an agreement (the catalog's ``tangerang_resource_download``); ``tertutup`` stays private.
- **Typed DataStore.** The catalog's loader COPYs the uploaded CSV into a new table
  with the contract's fields (types, labels, descriptions) and swaps it in atomically.
- **Groups are the catalog's.** The extension derives a dataset's dimension groups from
  ``dimensi``; the bot is no group member, so every ``package_revise`` leaves ``groups``
  out of the revised dict (``filter: ["-groups"]``) and CKAN keeps the memberships.
- **Quality score.** With ``score=``, ``quality_score`` and ``quality_grade`` go into
  the same ``package_revise`` as the data; for unchanged data they are revised alone
  (guarded by ``match`` on id and sha256) and only when the score changed, so an
  unchanged run stays one ``package_show``.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tangerang_hub.catalog import SAMPLE_TAG, dataset_metadata
from tangerang_hub.ckan_client import CkanClient, CkanError
from tangerang_hub.contracts import Contract
from tangerang_hub.stage import StagedBatch
from tangerang_quality.texts import Said, say

# package_revise: leave the catalog-owned group memberships out of the update.
KEEP_GROUPS = ["-groups"]
# The walidata review state in which a dataset may be public (tangerang_review_submit).
APPROVED = "disetujui"
WAITING = "menunggu_pemeriksaan"

# Contract field type -> DataStore (PostgreSQL) column type.
DATASTORE_TYPES = {
    "string": "text",
    "integer": "int8",
    "number": "numeric",
    "boolean": "bool",
    "date": "date",
    "datetime": "timestamp",  # wall-clock WIB: normalize keeps datetimes in Asia/Jakarta
    "year": "int4",
}


@dataclass(frozen=True)
class ResourceSpec:
    """One resource the hub maintains on every dataset."""

    role: str
    name: str
    format: str
    description: str


RESOURCES = (
    ResourceSpec(
        "data-csv", "Data (CSV)", "CSV", "Data lengkap dalam CSV UTF-8. Full data, UTF-8 CSV."
    ),
    ResourceSpec(
        "data-parquet",
        "Data (Parquet)",
        "Parquet",
        "Data bertipe dalam Apache Parquet. Typed data.",
    ),
    ResourceSpec(
        "dictionary",
        "Kamus Data (Table Schema)",
        "JSON",
        "Kamus data: nama, tipe, judul, deskripsi dan batasan setiap kolom (Frictionless Table "
        "Schema). Data dictionary.",
    ),
)


# last data change (None: never) -> tangerang_quality.score.Score of the batch
ScoreFor = Callable[[datetime | None], Any]


@dataclass(frozen=True)
class PublishResult:
    status: str  # "published" | "unchanged"
    package_id: str
    resource_ids: list[str] = field(default_factory=list)
    datastore_rows: int | None = None
    score: dict[str, Any] | None = None  # Score.to_dict() now stored on the dataset
    # The catalog kept the new version private for the walidata's review: uploaded, not public.
    awaiting_review: bool = False


class PublishError(RuntimeError):
    """Publishing could not complete. `said` words it in both languages; `str()` is the
    English text."""

    def __init__(self, said: Said) -> None:
        self.said = said
        super().__init__(said.render("en"))


# --- metadata derived from the contract (dataset_metadata: tangerang_hub.catalog) ---


def table_schema(contract: Contract) -> dict[str, Any]:
    """The data dictionary as a Frictionless Table Schema."""
    fields = []
    for f in contract.fields:
        item: dict[str, Any] = {"name": f.name, "type": f.type, "title": f.title}
        if f.description:
            item["description"] = f.description
        if f.format:
            item["format"] = f.format
        constraints = {
            key: value
            for key, value in (
                ("required", f.required or None),
                ("unique", f.unique or None),
                ("enum", list(f.enum) if f.enum else None),
                ("pattern", f.pattern),
                ("minimum", f.minimum),
                ("maximum", f.maximum),
            )
            if value is not None
        }
        if constraints:
            item["constraints"] = constraints
        if f.reference:
            item["x-reference"] = f"wilayah:{f.reference} (Kepmendagri 300.2.2-2138/2025)"
        fields.append(item)
    return {"fields": fields, "primaryKey": list(contract.primary_key)}


def datastore_fields(contract: Contract) -> list[dict[str, Any]]:
    """DataStore columns with the contract's types and labels (the Data Dictionary)."""
    fields = []
    for f in contract.fields:
        pg_type = DATASTORE_TYPES[f.type]
        fields.append(
            {
                "id": f.name,
                "type": pg_type,
                "info": {
                    "label": f.title,
                    "notes": f.description,
                    "type_override": pg_type,
                },
            }
        )
    return fields


# --- publishing ---------------------------------------------------------------


def _by_role(package: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    names = {spec.name: spec.role for spec in RESOURCES}
    for resource in package.get("resources", []):
        role = names.get(resource.get("name", ""))
        if role and role not in found:
            found[role] = resource
    return found


def _same(current: Any, wanted: Any) -> bool:
    if isinstance(wanted, list) and wanted and isinstance(wanted[0], dict):  # tags
        return sorted(t["name"] for t in current or []) == sorted(t["name"] for t in wanted)
    return (current if current not in (None, "") else "") == (
        wanted if wanted not in (None, "") else ""
    )


def request_review(client: CkanClient, package_id: str, contract: Contract) -> str:
    """Tell the catalog's walidata review what the next version is published with, and
    return the review state (``disetujui``: it may be public)."""
    review = client.call(
        "tangerang_review_submit",
        {
            "package_id": package_id,
            "klasifikasi_akses": contract.access,
            "fields": [f.name for f in contract.fields],
        },
    )
    return review["state"]


def _private(contract: Contract, review_state: str | None) -> bool:
    return contract.access == "tertutup" or review_state != APPROVED


def sync_metadata(
    client: CkanClient, package: dict[str, Any], contract: Contract
) -> dict[str, Any]:
    """Apply contract edits (title, SDI fields, access) even when the data is
    unchanged: the contract governs the dataset, so a steward who sets
    `access: tertutup` takes it out of public view on the next run. An edit is a new
    version for the walidata's review (``request_review``); a dataset that only waits to
    be made public is left to the review (one ``tangerang_review_show``)."""
    wanted = {**dataset_metadata(contract), "private": contract.access == "tertutup"}
    changed = {key: value for key, value in wanted.items() if not _same(package.get(key), value)}
    if not changed:
        return package
    if changed == {"private": False}:
        state = client.call("tangerang_review_show", package_id=package["id"])["state"]
    else:
        state = request_review(client, package["id"], contract)
    wanted["private"] = _private(contract, state)
    changed = {key: value for key, value in wanted.items() if not _same(package.get(key), value)}
    if not changed:
        return package
    match = {"id": package["id"], "sha256": package.get("sha256") or ""}
    return client.call(
        "package_revise", {"match": match, "filter": KEEP_GROUPS, "update": changed}
    )["package"]


def publish(
    staged: StagedBatch,
    contract: Contract,
    client: CkanClient,
    gate: Any,
    *,
    run_id: str | None = None,
    datastore_timeout: float = 300.0,
    score: ScoreFor | None = None,
) -> PublishResult:
    """Publish ``staged`` as dataset ``contract.id``; see the module docstring."""
    package = client.show_or_none("package_show", id=contract.id)
    if package is not None and package.get("state") == "deleted":
        # A takedown in the catalog wins until a steward restores the dataset
        # or removes its contract; the hub never resurrects it on its own.
        raise PublishError(
            say(
                "dataset {id} telah dihapus di katalog; pulihkan di sana (atau hapus "
                "kontraknya) sebelum hub menerbitkannya lagi",
                "dataset {id} was deleted in the catalog; restore it there "
                "(or remove its contract) before the hub publishes it again",
                id=contract.id,
            )
        )
    existing = _by_role(package) if package else {}
    if (
        package
        and package.get("sha256") == staged.sha256
        and len(existing) == len(RESOURCES)
        and package.get("state") == "active"
    ):
        ids = [existing[s.role]["id"] for s in RESOURCES]
        csv = existing["data-csv"]
        if contract.datastore and not datastore_current(client, csv, staged.rows):
            # Files are current but an earlier DataStore load failed or never ran: repair it.
            rows = load_datastore(client, contract, csv["id"], datastore_timeout)
            scored = update_score(client, package, score)
            return PublishResult("published", package["id"], ids, rows, scored)
        package = sync_metadata(client, package, contract)
        return PublishResult(
            "unchanged", package["id"], ids, score=update_score(client, package, score)
        )

    if package is None:
        package = client.call(
            "package_create", {**dataset_metadata(contract), "private": True, "resources": []}
        )

    missing = [spec for spec in RESOURCES if spec.role not in existing]
    if missing:
        # Create placeholders first so every file below replaces a resource by
        # id; a new dataset is still private at this point.
        package = client.call(
            "package_revise",
            {
                "match": {"id": package["id"]},
                "filter": KEEP_GROUPS,
                "update__resources__extend": [
                    {"name": spec.name, "format": spec.format, "url": ""} for spec in missing
                ],
            },
        )["package"]
        existing = _by_role(package)

    review_state = request_review(client, package["id"], contract)
    moment = datetime.now(UTC).replace(microsecond=0)
    now = moment.isoformat()
    status = "warning" if getattr(gate, "warnings", None) else "passed"
    scored = score(moment) if score is not None else None
    match: dict[str, Any] = {"id": package["id"]}
    if package.get("sha256"):
        match["sha256"] = package["sha256"]
    payload: dict[str, Any] = {
        "match": match,
        "filter": KEEP_GROUPS,
        "update": {
            **dataset_metadata(contract),
            "private": _private(contract, review_state),
            "sha256": staged.sha256,
            "row_count": staged.rows,
            "last_run_id": run_id or staged.sha256[:12],
            "last_run_at": now,
            "validation_status": status,
            **(_score_fields(scored) if scored is not None else {}),
        },
    }
    with tempfile.TemporaryDirectory(prefix="hub-publish-") as tmp:
        dictionary = Path(tmp) / f"{contract.id}-tableschema.json"
        dictionary.write_text(json.dumps(table_schema(contract), ensure_ascii=False, indent=2))
        paths = {
            "data-csv": staged.csv_path,
            "data-parquet": staged.parquet_path,
            "dictionary": dictionary,
        }
        files: dict[str, Path] = {}
        for spec in RESOURCES:
            key = f"update__resources__{existing[spec.role]['id']}"
            payload[key] = {
                "name": spec.name,
                "format": spec.format,
                "description": spec.description,
                "sha256": staged.sha256,
                "row_count": staged.rows if spec.role != "dictionary" else None,
                "schema_version": "1",
                "validated_at": now,
                "validation_status": status,
            }
            files[f"{key}__upload"] = paths[spec.role]
        revised = client.call("package_revise", payload, files=files)["package"]

    resources = _by_role(revised)
    missing = [spec.role for spec in RESOURCES if spec.role not in resources]
    if missing:
        raise PublishError(
            say(
                "package_revise tidak mengembalikan sumber daya untuk {missing}",
                "package_revise returned no resource for {missing}",
                missing=missing,
            )
        )
    rows = None
    if contract.datastore:
        rows = load_datastore(client, contract, resources["data-csv"]["id"], datastore_timeout)
        if rows != staged.rows:
            raise PublishError(
                say(
                    "DataStore memuat {rows} baris untuk {id}, diharapkan {expected}",
                    "DataStore holds {rows} rows for {id}, expected {expected}",
                    rows=rows,
                    id=contract.id,
                    expected=staged.rows,
                )
            )
    return PublishResult(
        "published",
        revised["id"],
        [resources[s.role]["id"] for s in RESOURCES],
        rows,
        scored.to_dict() if scored is not None else None,
        awaiting_review=bool(revised.get("private")) and review_state == WAITING,
    )


def _score_fields(scored: Any) -> dict[str, Any]:
    from tangerang_quality.score import dataset_fields

    return dataset_fields(scored)


def update_score(
    client: CkanClient, package: Mapping[str, Any], score: ScoreFor | None
) -> dict[str, Any] | None:
    """Score unchanged data (freshness from ``last_run_at``, the last data change) and
    revise ``quality_score``/``quality_grade`` only when they differ from the stored ones."""
    if score is None:
        return None
    from tangerang_quality.score import parse_timestamp, stored_matches

    scored = score(parse_timestamp(package.get("last_run_at")))
    if not stored_matches(package, scored):
        match: dict[str, Any] = {"id": package["id"]}
        if package.get("sha256"):
            match["sha256"] = package["sha256"]
        client.call(
            "package_revise",
            {"match": match, "filter": KEEP_GROUPS, "update": _score_fields(scored)},
        )
    return scored.to_dict()


def load_datastore(client: CkanClient, contract: Contract, resource_id: str, timeout: float) -> int:
    """Have the catalog load the uploaded CSV into a new table typed from the contract and swap
    it in for the old one (``tangerang_datastore_load``; readers see the old table until the
    swap), wait for the job, and return the rows ``datastore_search`` then counts."""
    request: dict[str, Any] = {
        "resource_id": resource_id,
        "fields": datastore_fields(contract),
        "primary_key": list(contract.primary_key),
    }
    if contract.full_text:
        request["full_text_columns"] = list(contract.full_text)
    job = client.call("tangerang_datastore_load", request)
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        status = client.call("tangerang_datastore_load_status", id=job["id"])
        if status["status"] == "complete":
            break
        if status["status"] == "error":
            raise PublishError(
                say(
                    "pemuatan DataStore gagal untuk {id}: {error}",
                    "DataStore load failed for {id}: {error}",
                    id=contract.id,
                    error=status["error"]["message"],
                )
            )
        if time.monotonic() > deadline:
            raise PublishError(
                say(
                    "pemuatan DataStore untuk {id} tidak selesai dalam {timeout:.0f} detik",
                    "DataStore load did not finish for {id} within {timeout:.0f}s",
                    id=contract.id,
                    timeout=timeout,
                )
            )
        time.sleep(delay)
        delay = min(delay * 1.5, 0.2)  # a status poll reads one row: poll often
    return datastore_total(client, resource_id) or 0


def datastore_current(client: CkanClient, resource: Mapping[str, Any], rows: int) -> bool:
    """Whether the resource's DataStore table was loaded from its current file: the latest
    ``tangerang_datastore_load`` of the resource is complete, was asked for after the file's
    last upload (``last_modified``), and the table holds `rows` rows. A run that died
    between the upload and the load leaves a table of the previous file, which may have
    as many rows."""
    load = client.show_or_none("tangerang_datastore_load_status", resource_id=resource["id"])
    if load is None or load.get("status") != "complete":
        return False
    uploaded = resource.get("last_modified") or resource.get("created")
    if uploaded and datetime.fromisoformat(load["created"]) < datetime.fromisoformat(uploaded):
        return False
    return datastore_total(client, resource["id"]) == rows


def datastore_total(client: CkanClient, resource_id: str) -> int | None:
    """Rows in the resource's DataStore table, or None when it has none."""
    info = client.show_or_none("datastore_search", resource_id=resource_id, limit=0)
    return None if info is None else int(info.get("total", 0))


__all__ = [
    "PublishResult",
    "SAMPLE_TAG",
    "update_score",
    "request_review",
    "PublishError",
    "publish",
    "dataset_metadata",
    "table_schema",
    "CkanError",
]
