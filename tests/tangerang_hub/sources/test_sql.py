"""sql: incremental extract by watermark from a temporary SQLite file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tangerang_hub.contracts import Source
from tangerang_hub.sources import get_hook


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "opd.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE izin (id INTEGER PRIMARY KEY, kecamatan TEXT, jenis TEXT,"
            " nilai NUMERIC, diperbarui TEXT)"
        )
        db.executemany(
            "INSERT INTO izin VALUES (?, ?, ?, ?, ?)",
            [
                (1, "Cipondoh", "PBG", "1500.50", "2025-01-02T08:00:00"),
                (2, "Pinang", "SLF", "700", "2025-01-03T09:30:00"),
                (3, "Ciledug", "PBG", "980.25", "2025-01-05T10:00:00"),
            ],
        )
    monkeypatch.setenv(
        "AIRFLOW_CONN_OPD_DB", json.dumps({"conn_type": "sqlite", "host": str(path)})
    )
    return path


def test_incremental_by_watermark(database: Path) -> None:
    hook = get_hook(Source("sql", "opd_db", {"table": "izin", "watermark": "diperbarui"}))
    first = hook.fetch()
    assert first.records is not None and [r["id"] for r in first.records] == [1, 2, 3]
    assert first.meta["watermark"] == "2025-01-05T10:00:00"
    assert hook.fetch(state=first.state).not_modified
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO izin VALUES (4, 'Benda', 'SLF', 300, '2025-01-06T07:00:00')")
    later = hook.fetch(state=first.state)
    assert later.records is not None and [r["id"] for r in later.records] == [4]
    assert later.meta["watermark"] == "2025-01-06T07:00:00"


def test_query_mode_and_bad_identifiers(database: Path) -> None:
    params = {"query": "SELECT id, kecamatan FROM izin WHERE jenis = 'PBG'", "watermark": "id"}
    batch = get_hook(Source("sql", "opd_db", params)).fetch(since=1)
    assert batch.records == [{"id": 3, "kecamatan": "Ciledug"}]
    with pytest.raises(Exception, match="not a plain identifier"):
        get_hook(Source("sql", "opd_db", {"table": "izin; drop", "watermark": "id"})).fetch()
