"""DataStore loads into the CKAN test site, each on a throwaway dataset, until searchable.

"Searchable" is what a user needs: ``datastore_search`` answers ``total = N`` *and* a
full-text query (``q=`` the middle row's code, `fasyankes_data.known_code`) finds that row.
Every load below is timed up to that point.

- `xloader_load`: stock ckanext-xloader 2.5.2 on the hub's staged CSV, submitted with
  ``xloader_submit`` as CKAN's site user (a sysadmin: the token `make services` gives xloader,
  ``var/secrets/xloader_token_<site>``), polled with ``xloader_status`` every 0.1 s.
- `hub_load`: the hub's loader on the same file, ``tangerang_hub.publish.load_datastore``
  (``tangerang_datastore_load``, waited on through ``tangerang_datastore_load_status``) as the
  bot; the loader's own step timings and the time until its search indexes are ready are kept.
- `datapusher_load`: what DataPusher does, JSON records over the Action API:
  ``datastore_create`` with the contract's fields, then ``datastore_upsert`` ``method=insert``
  in chunks of 250 rows.

Each load gets a private dataset ``bench-<kind>-<random>`` in org ``dinkes`` with the CSV
uploaded by ``resource_create``; `purge` drops its tables (``datastore_delete``), purges it
(``dataset_purge`` as the site user) and removes its uploaded files from the site's storage.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bench.timing import say, stopwatch, wait_until
from tangerang_hub.ckan_client import CkanClient, CkanError
from tangerang_hub.contracts import Contract
from tangerang_hub.publish import dataset_metadata, datastore_fields, load_datastore
from tangerang_quality.score import parse_timestamp

BENCH_ORG = "dinkes"
DATAPUSHER_CHUNK = 250
POLL_S = 0.1


class CountingClient(CkanClient):
    """The CKAN client, counting the actions it calls and the file bytes it uploads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actions: list[str] = []
        self.file_bytes = 0

    def call(
        self,
        action: str,
        data: Mapping[str, Any] | None = None,
        *,
        files: Mapping[str, Path] | None = None,
        **params: Any,
    ) -> Any:
        self.actions.append(action)
        for path in (files or {}).values():
            self.file_bytes += Path(path).stat().st_size
        return super().call(action, data, files=files, **params)

    def reset(self) -> None:
        self.actions.clear()
        self.file_bytes = 0


def searchable(client: CkanClient, resource_id: str, rows: int, code: str) -> bool:
    """True when the DataStore answers ``total = rows`` and ``q=code`` finds that row."""
    try:
        total = client.call("datastore_search", resource_id=resource_id, limit=0)["total"]
        if total != rows:
            return False
        found = client.call(
            "datastore_search", resource_id=resource_id, q=code, limit=5, fields="kode_faskes"
        )["records"]
    except CkanError:
        return False  # no table yet
    return any(record.get("kode_faskes") == code for record in found)


def wait_searchable(
    client: CkanClient, resource_id: str, rows: int, code: str, timeout: float
) -> None:
    wait_until(
        lambda: searchable(client, resource_id, rows, code),
        timeout,
        f"DataStore of {resource_id} searchable with {rows} rows",
        POLL_S,
    )


# --------------------------------------------------------------------------- datasets


@contextmanager
def throwaway_resource(
    client: CkanClient,
    site: CkanClient,
    contract: Contract,
    csv_path: Path,
    kind: str,
    storage: Path | None,
) -> Iterator[str]:
    """A private dataset in ``dinkes`` with ``csv_path`` uploaded; purged on exit."""
    name = f"bench-{kind}-{uuid.uuid4().hex[:10]}"
    copy = replace(contract, id=name, title=f"Benchmark {kind} {name[-10:]}")
    package = client.call(
        "package_create",
        {**dataset_metadata(copy), "owner_org": BENCH_ORG, "private": True, "resources": []},
    )
    try:
        resource = client.call(
            "resource_create",
            {"package_id": package["id"], "name": "Data (CSV)", "format": "CSV"},
            files={"upload": csv_path},
        )
        yield resource["id"]
    finally:
        cleanup(site, package["id"], storage)


def site_answers(site: CkanClient, timeout: float = 300.0) -> None:
    """Wait until the site answers ``status_show`` again (another session may restart the
    shared test site while a benchmark runs)."""

    def up() -> bool:
        try:
            site.call("status_show")
        except CkanError:
            return False
        return True

    wait_until(up, timeout, "the CKAN site answering status_show", 1.0)


def cleanup(site: CkanClient, package_id: str, storage: Path | None) -> None:
    """`purge`, once more after the site answers again if it failed; a dataset that still
    cannot be purged is named on stderr (the benchmark goes on)."""
    try:
        purge(site, package_id, storage)
    except (CkanError, RuntimeError):
        try:
            site_answers(site)
            purge(site, package_id, storage)
        except (CkanError, RuntimeError) as exc:
            say(f"  could not purge benchmark dataset {package_id}: {exc}")


def purge(site: CkanClient, package_id: str, storage: Path | None = None) -> None:
    """Drop the dataset's DataStore tables, purge it, and delete its uploaded files from
    `storage` (the site's ``ckan.storage_path``) when given."""
    package = site.show_or_none("package_show", id=package_id)
    if package is None:
        return
    for resource in package.get("resources", []):
        try:
            site.call("datastore_delete", resource_id=resource["id"], force=True)
        except CkanError as exc:  # 404: it has no table; anything else leaves one behind
            if exc.status != 404:
                say(f"  the DataStore table of {resource['id']} was left behind: {exc}")
        if storage is not None:
            rid = resource["id"]
            (storage / "resources" / rid[:3] / rid[3:6] / rid[6:]).unlink(missing_ok=True)
    site.call("dataset_purge", id=package_id)


# --------------------------------------------------------------------------- the loads


def xloader_load(
    client: CkanClient,
    site: CkanClient,
    contract: Contract,
    csv_path: Path,
    rows: int,
    code: str,
    timeout: float,
    storage: Path | None,
) -> tuple[float, dict[str, Any]]:
    """Seconds from ``xloader_submit`` until searchable, and xloader's own job seconds."""
    with (
        throwaway_resource(client, site, contract, csv_path, "xloader", storage) as resource_id,
        stopwatch() as elapsed,
    ):
        site.call("xloader_submit", resource_id=resource_id, ignore_hash=True)
        status: dict[str, Any] = {}

        def done() -> bool:
            status.update(site.call("xloader_status", resource_id=resource_id))
            if status.get("status") == "error":
                raise RuntimeError(f"xloader failed: {str(status.get('error'))[:300]}")
            return status.get("status") == "complete"

        wait_until(done, timeout, "xloader job", POLL_S)
        wait_searchable(client, resource_id, rows, code, timeout)
        seconds = elapsed()
    return seconds, {"job_s": _xloader_job_seconds(status)}


def hub_load(
    client: CkanClient,
    site: CkanClient,
    contract: Contract,
    csv_path: Path,
    rows: int,
    code: str,
    timeout: float,
    storage: Path | None,
) -> tuple[float, dict[str, Any]]:
    """Seconds of `load_datastore` until searchable; the loader's step timings and the
    seconds until its search indexes were ready (or None when they were not within
    `timeout`)."""
    with (
        throwaway_resource(client, site, contract, csv_path, "loader", storage) as resource_id,
        stopwatch() as elapsed,
    ):
        loaded = load_datastore(client, contract, resource_id, timeout)
        wait_searchable(client, resource_id, rows, code, timeout)
        seconds = elapsed()
        if loaded != rows:
            raise RuntimeError(f"the hub's loader reported {loaded} rows, expected {rows}")
        status = wait_indexes(client, resource_id, timeout)
        indexes_ready = elapsed() if status.get("indexes") == "ready" else None
    return seconds, {
        "loader_timings": status.get("timings"),
        "indexes_ready_s": None if indexes_ready is None else round(indexes_ready, 3),
    }


def wait_indexes(client: CkanClient, resource_id: str, timeout: float) -> dict[str, Any]:
    """The last ``tangerang_datastore_load_status`` of the resource, once its indexes are
    no longer building (or after `timeout`)."""
    deadline = time.monotonic() + timeout
    while True:
        status = client.call("tangerang_datastore_load_status", resource_id=resource_id)
        if status.get("indexes") != "building" or time.monotonic() > deadline:
            return status
        time.sleep(POLL_S)


def datapusher_load(
    client: CkanClient,
    site: CkanClient,
    contract: Contract,
    csv_path: Path,
    records: list[dict[str, Any]],
    code: str,
    timeout: float,
    storage: Path | None,
) -> float:
    """Seconds of ``datastore_create`` + ``datastore_upsert`` in chunks of 250 records
    (`json_records`) until searchable."""
    with (
        throwaway_resource(client, site, contract, csv_path, "datapusher", storage) as resource_id,
        stopwatch() as elapsed,
    ):
        client.call(
            "datastore_create",
            resource_id=resource_id,
            fields=datastore_fields(contract),
            primary_key=list(contract.primary_key),
            force=True,
        )
        for offset in range(0, len(records), DATAPUSHER_CHUNK):
            client.call(
                "datastore_upsert",
                resource_id=resource_id,
                records=records[offset : offset + DATAPUSHER_CHUNK],
                method="insert",
                force=True,
            )
        wait_searchable(client, resource_id, len(records), code, timeout)
        seconds = elapsed()
    return seconds


def json_records(table: Any) -> list[dict[str, Any]]:
    """The table's rows as JSON-able records (dates as ISO text), as DataPusher sends them."""
    records = table.to_pylist()
    for record in records:
        for key, value in record.items():
            if isinstance(value, date | datetime):
                record[key] = value.isoformat()
    return records


def _xloader_job_seconds(status: Mapping[str, Any]) -> float | None:
    """Worker-side duration of the xloader job (requested -> finished), if reported."""
    job = status.get("task_info") or {}
    try:
        created = parse_timestamp(job["requested_timestamp"])
        finished = parse_timestamp(job["finished_timestamp"])
    except (KeyError, TypeError):
        return None
    if created is None or finished is None:
        return None
    return round((finished - created).total_seconds(), 3)
