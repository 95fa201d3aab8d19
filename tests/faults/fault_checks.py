"""What every fault test asserts once the fault is over and the run retried or re-run.

- `assert_published`: one dataset, exactly the hub's three resources (the same ids as before
  the fault), every file byte-equal to the staged one, and the DataStore holding the staged
  CSV's rows (count and content), as many as the source sent;
- `Poller` / `assert_readers_saw`: a reader thread polling ``datastore_search`` the whole time
  saw only the previous version's total or the new one, never 0, a partial count or a missing
  table, and errors only while a service was down (an `Outages` window).

The datasets are copies of the fasyankes contract: ``kode_faskes`` is the key the content
check compares by, ``jumlah_tempat_tidur`` the value.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import requests
from ckan_site import bot_client, bot_token, site_url
from in_thread import InThread

from tangerang_hub.ckan_client import CkanClient, CkanError, NotFound
from tangerang_hub.contracts import Contract
from tangerang_hub.publish import RESOURCES, table_schema
from tangerang_hub.workdir import staged_paths

KEY, VALUE = "kode_faskes", "jumlah_tempat_tidur"
PAGE = 32_000  # CKAN's default ckan.datastore.search.rows_max
MISSING = "missing"  # what the poller records when the resource has no DataStore table
# An error right after a service came back still belongs to its outage.
OUTAGE_SLACK = 2.0


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def by_role(package: dict[str, Any]) -> dict[str, dict[str, Any]]:
    names = {spec.name: spec.role for spec in RESOURCES}
    return {names[r["name"]]: r for r in package["resources"] if r["name"] in names}


def resource_ids(package: dict[str, Any]) -> list[str]:
    """The ids of the hub's resources, in `RESOURCES` order."""
    found = by_role(package)
    return [found[spec.role]["id"] for spec in RESOURCES]


def download(url: str) -> bytes:
    response = requests.get(url, headers={"Authorization": bot_token()}, timeout=60)
    response.raise_for_status()
    return response.content


def csv_digest(text: str) -> tuple[int, str]:
    """Rows and a digest of (key, value) pairs of a staged CSV, in key order."""
    rows = list(csv.DictReader(io.StringIO(text)))
    pairs = sorted(f"{row[KEY]}:{row[VALUE]}" for row in rows)
    return len(rows), hashlib.md5(",".join(pairs).encode()).hexdigest()  # noqa: S324 - a checksum


def datastore_digest(client: CkanClient, resource_id: str) -> tuple[int, str]:
    """The same digest over the resource's DataStore table, read page by page."""
    pairs: list[str] = []
    while True:
        page = client.call(
            "datastore_search",
            resource_id=resource_id,
            fields=[KEY, VALUE],
            sort="_id",
            limit=PAGE,
            offset=len(pairs),
            records_format="csv",
        )
        got = list(csv.reader(io.StringIO(page["records"])))
        pairs.extend(f"{key}:{value}" for key, value in got)
        if len(got) < PAGE:
            break
    digest = hashlib.md5(",".join(sorted(pairs)).encode())  # noqa: S324 - a checksum
    return len(pairs), digest.hexdigest()


def assert_published(
    contract: Contract,
    workdir: Path,
    sha: str,
    rows: int,
    *,
    ids: list[str] | None = None,
) -> dict[str, Any]:
    """The catalog publishes exactly the staged batch `sha` of `rows` rows; see the module
    docstring. Returns the package."""
    client = bot_client()
    package = client.call("package_show", id=contract.id)
    names = sorted(r["name"] for r in package["resources"])
    assert names == sorted(spec.name for spec in RESOURCES), f"resources: {names}"
    if ids is not None:
        assert resource_ids(package) == ids, "the resources were replaced, not updated in place"
    found = client.call("package_search", fq=f"name:{contract.id}", include_private=True)
    assert found["count"] == 1
    assert package["state"] == "active"
    assert (package["sha256"], int(package["row_count"])) == (sha, rows)

    parquet_path, csv_path = staged_paths(workdir, contract.id, sha)
    staged_csv = csv_path.read_bytes()
    resources = by_role(package)
    for role, resource in resources.items():
        assert resource["sha256"] == sha, f"{role} resource carries another batch's sha256"
        body = download(resource["url"])
        if role == "data-csv":
            assert sha256(body) == sha256(staged_csv), "the CSV resource is not the staged CSV"
            assert csv_digest(body.decode("utf-8"))[0] == rows
        elif role == "data-parquet":
            assert sha256(body) == sha, "the Parquet resource is not the staged Parquet"
            assert sha256(parquet_path.read_bytes()) == sha
            assert pq.read_table(io.BytesIO(body)).num_rows == rows
        else:
            assert json.loads(body) == table_schema(contract)

    csv_id = resources["data-csv"]["id"]
    total = client.call("datastore_search", resource_id=csv_id, limit=0)["total"]
    assert total == rows, f"DataStore total {total}, the source sent {rows}"
    assert datastore_digest(client, csv_id) == csv_digest(staged_csv.decode("utf-8")), (
        "the DataStore table holds other rows than the published CSV"
    )
    return package


@dataclass
class Outages:
    """Windows (monotonic start, end) in which a service was down on purpose: `down()` when
    it is stopped, `up()` once it answers again."""

    windows: list[tuple[float, float]] = field(default_factory=list)
    _since: float | None = None

    def down(self) -> None:
        self._since = time.monotonic()

    def up(self) -> None:
        assert self._since is not None, "up() without down()"
        self.windows.append((self._since, time.monotonic()))
        self._since = None

    def covers(self, moment: float) -> bool:
        windows = [*self.windows, *([(self._since, time.monotonic())] if self._since else [])]
        return any(start <= moment <= end + OUTAGE_SLACK for start, end in windows)


@dataclass
class Poller(InThread):
    """Polls ``datastore_search`` (limit 0) on one resource from its own thread, with no
    retries, until stopped: `seen` holds (time, total or MISSING), `errors` (time, text)."""

    resource_id: str
    interval: float = 0.05
    seen: list[tuple[float, int | str]] = field(default_factory=list)
    errors: list[tuple[float, str]] = field(default_factory=list)
    join_timeout = 20.0

    def run(self) -> None:
        client = CkanClient(site_url(), bot_token(), timeout=10, retries=0)
        while not self.stopped():
            try:
                result = client.call("datastore_search", resource_id=self.resource_id, limit=0)
                self.seen.append((time.monotonic(), int(result["total"])))
            except NotFound:
                self.seen.append((time.monotonic(), MISSING))
            except CkanError as exc:
                self.errors.append((time.monotonic(), str(exc)))
            time.sleep(self.interval)

    def __enter__(self) -> Poller:
        super().__enter__()
        deadline = time.monotonic() + 30
        while not self.seen and time.monotonic() < deadline:
            time.sleep(0.02)
        return self


def assert_readers_saw(
    poller: Poller, old: int | None, new: int, outages: Outages | None = None
) -> None:
    """The reader saw `old` (None: no table yet, MISSING) and then `new`, nothing else, never
    `old` again once `new` showed, and errors only inside `outages`."""
    totals = [total for _, total in poller.seen]
    allowed = {MISSING if old is None else old, new}
    assert totals, "the reader never got an answer"
    assert set(totals) <= allowed, f"readers saw {sorted(set(totals) - allowed, key=str)}"
    assert totals[-1] == new, "the reader did not see the new version at the end"
    first_new = totals.index(new)
    assert set(totals[first_new:]) == {new}, "the old version came back after the new one"
    stray = [(t, text) for t, text in poller.errors if not (outages and outages.covers(t))]
    assert not stray, f"readers got errors while every service was up: {stray[:3]}"
