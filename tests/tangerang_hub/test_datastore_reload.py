"""Reloading a DataStore table through the real CKAN test site: readers never see it half-done.

A reader thread polls ``datastore_search`` every 50 ms while ``publish.load_datastore``
reloads 30,000 rows with 31,000: it may see only the old total or the new one (never 0,
never a partial count, never a missing table), and the new total right after the job ends.
A writer thread upserting meanwhile loses nothing it was told was written once the load ran.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from ckan_site import bot_client, bot_token, contract_copy
from in_thread import InThread

from tangerang_hub.catalog import dataset_metadata
from tangerang_hub.ckan_client import CkanError
from tangerang_hub.contracts import Contract
from tangerang_hub.publish import PublishError, load_datastore

OLD_ROWS, NEW_ROWS = 30_000, 31_000
# Rows only the new version has, named with a word whose Indonesian stem ("layan") is not
# the English one ("layanan"): found only if the load and the query both stem as Indonesian.
NEW_SERVICE_ROWS = 500
TIMEOUT = 180.0


def fasyankes_csv(rows: int, *, changed: bool = False) -> bytes:
    """A staged (typed) fasyankes CSV, as the hub uploads it."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "kode_faskes",
            "nama",
            "jenis",
            "kecamatan",
            "kelurahan",
            "alamat",
            "tanggal_registrasi",
            "jumlah_tempat_tidur",
            "latitude",
            "longitude",
        ]
    )
    for i in range(rows):
        service = changed and i >= rows - NEW_SERVICE_ROWS
        writer.writerow(
            [
                f"{i:07d}",
                f"Unit Pelayanan Sehat {i}" if service else f"Puskesmas Sentosa {i}",
                "Puskesmas",
                "36.71.01",
                "36.71.01.1001",
                f"Jl. Merdeka No. {i % 400}",
                "2024-01-31",
                str(i % 50 + (1 if changed else 0)),
                "-6.17",
                "106.63",
            ]
        )
    return out.getvalue().encode("utf-8")


@dataclass
class Poller(InThread):
    """Polls ``datastore_search`` totals from its own thread until stopped."""

    resource_id: str
    interval: float = 0.05
    seen: list[tuple[float, int | None]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def run(self) -> None:
        client = bot_client()
        while not self.stopped():
            try:
                result = client.call("datastore_search", resource_id=self.resource_id, limit=0)
                self.seen.append((time.monotonic(), int(result["total"])))
            except CkanError as exc:
                self.errors.append(str(exc))
            time.sleep(self.interval)

    def totals(self, start: float, end: float = float("inf")) -> list[int | None]:
        return [total for moment, total in self.seen if start <= moment <= end]


@dataclass
class Writer(InThread):
    """Upserts one new row at a time from its own thread, noting the load's status (its id and
    status) as it was just before each upsert, until stopped; while a load is pending it only
    watches, so that it writes as soon as the load runs."""

    resource_id: str
    accepted: list[tuple[str, str, str]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    join_timeout = 30.0  # an upsert may wait for the load's lock

    def run(self) -> None:
        client = bot_client()
        number = 0
        while not self.stopped():
            load = client.call("tangerang_datastore_load_status", resource_id=self.resource_id)
            if load["status"] == "pending":
                # About to run: watch closely, to write as soon as it does.
                time.sleep(0.01)
                continue
            number += 1
            key = f"W{number:06d}"
            try:
                client.call(
                    "datastore_upsert",
                    resource_id=self.resource_id,
                    records=[{"kode_faskes": key, "nama": "Ditulis selama pemuatan"}],
                    method="upsert",
                    force=True,  # the uploaded resource is read-only to the DataStore
                )
                self.accepted.append((load["id"], load["status"], key))
            except CkanError as exc:
                self.refused.append((key, str(exc)))
            time.sleep(0.02)


@pytest.fixture
def resource(tmp_path: Path) -> Iterator[tuple[Contract, str, Path]]:
    """A private fasyankes dataset of dinkes whose CSV resource holds OLD_ROWS rows, loaded."""
    client = bot_client()
    contract = contract_copy("fasyankes")
    package = client.call(
        "package_create", {**dataset_metadata(contract), "private": True, "resources": []}
    )
    data = tmp_path / "data.csv"
    data.write_bytes(fasyankes_csv(OLD_ROWS))
    created = client.call(
        "resource_create",
        {"package_id": package["id"], "name": "Data (CSV)", "format": "CSV"},
        files={"upload": data},
    )
    assert load_datastore(client, contract, created["id"], TIMEOUT) == OLD_ROWS
    try:
        yield contract, created["id"], data
    finally:
        client.call("package_delete", id=package["id"])


def _replace_file(resource_id: str, path: Path, content: bytes) -> None:
    path.write_bytes(content)
    bot_client().call("resource_patch", {"id": resource_id}, files={"upload": path})


def test_readers_see_the_old_total_or_the_new_one_and_the_new_one_at_once(resource):
    contract, resource_id, data = resource
    client = bot_client()
    with Poller(resource_id) as poller:
        while len(poller.seen) < 3:
            time.sleep(0.05)
        _replace_file(resource_id, data, fasyankes_csv(NEW_ROWS, changed=True))
        started = time.monotonic()
        loaded = load_datastore(client, contract, resource_id, TIMEOUT)
        ended = time.monotonic()
        right_after = client.call("datastore_search", resource_id=resource_id, limit=0)["total"]
        time.sleep(0.3)
    assert loaded == NEW_ROWS
    assert right_after == NEW_ROWS
    assert poller.errors == []
    during = poller.totals(started, ended)
    assert len(during) >= 5, "the reader must have polled while the job ran"
    assert set(t for _, t in poller.seen) <= {OLD_ROWS, NEW_ROWS}
    assert set(poller.totals(ended)) == {NEW_ROWS}
    # Once the new total shows, the old one never comes back.
    totals = [t for _, t in poller.seen]
    assert totals == sorted(totals, key=lambda t: t == NEW_ROWS)
    found = client.call("datastore_search", resource_id=resource_id, q="layanan", limit=0)
    assert found["total"] == NEW_SERVICE_ROWS


def test_a_write_accepted_once_the_load_runs_is_in_the_new_table(resource):
    # Before the load holds the resource, a write goes to the old table and the file replaces
    # it, as any reload does. Once the load's status is "running", the write waits for the
    # swap (or is refused, saying so) and is in the new table: none is dropped with the old.
    contract, resource_id, data = resource
    client = bot_client()
    with Writer(resource_id) as writer:
        while len(writer.accepted) < 3:
            time.sleep(0.05)
        _replace_file(resource_id, data, fasyankes_csv(NEW_ROWS, changed=True))
        load_datastore(client, contract, resource_id, TIMEOUT)
        new_load = client.call("tangerang_datastore_load_status", resource_id=resource_id)["id"]
        while not [a for a in writer.accepted if a[0] == new_load and a[1] == "complete"]:
            time.sleep(0.05)
    during = {
        key for load, status, key in writer.accepted if (load, status) == (new_load, "running")
    }
    after = {
        key for load, status, key in writer.accepted if (load, status) == (new_load, "complete")
    }
    assert during, "the writer must have written while the load ran"
    written = {key for key, _ in writer.refused} | during | after
    found = client.call(
        "datastore_search",
        resource_id=resource_id,
        filters={"kode_faskes": sorted(written)},
        fields=["kode_faskes"],
        limit=len(written),
    )["records"]
    assert {r["kode_faskes"] for r in found} == during | after
    assert all("tangerang_datastore_load" in message for _, message in writer.refused)


def test_a_bad_file_fails_the_publish_and_keeps_the_old_table(resource):
    contract, resource_id, data = resource
    client = bot_client()
    lines = fasyankes_csv(100).decode().splitlines()
    cells = lines[43].split(",")
    cells[7] = "dua belas"  # jumlah_tempat_tidur of the 43rd row: line 44 of the file
    lines[43] = ",".join(cells)
    _replace_file(resource_id, data, ("\n".join(lines) + "\n").encode())
    with pytest.raises(PublishError) as raised:
        load_datastore(client, contract, resource_id, TIMEOUT)
    assert "44" in str(raised.value) and "jumlah_tempat_tidur" in str(raised.value)
    assert "dua belas" not in str(raised.value)
    assert client.call("datastore_search", resource_id=resource_id, limit=0)["total"] == OLD_ROWS


def test_the_load_status_holds_no_secret_for_the_editor_bot(resource):
    _, resource_id, _ = resource
    status = bot_client().call("tangerang_datastore_load_status", resource_id=resource_id)
    assert status["status"] == "complete"
    assert status["rows"] == OLD_ROWS
    text = repr(status)
    assert bot_token() not in text
    assert not {"token", "api_key", "apikey", "task_info", "url"} & set(status)
    assert {"copy", "full_text", "swap"} <= set(status["timings"])
