"""http_csv: a file as it is, with conditional requests."""

from __future__ import annotations

from tangerang_hub.contracts import Source
from tangerang_hub.sources import get_hook
from tangerang_hub.sources.http_csv import HttpCsvHook


def test_download_then_not_modified(agency: str) -> None:
    hook = get_hook(Source("http_csv", "agency_sample", {"path": "dlh/tps.csv"}))
    assert isinstance(hook, HttpCsvHook)
    batch = hook.fetch()
    assert batch.content is not None and batch.content.startswith(b"kecamatan,jumlah_tps")
    assert batch.filename == "tps.csv" and batch.media_type == "text/csv"
    assert batch.etag and not batch.not_modified
    again = hook.fetch(state=batch.state)
    assert again.not_modified and again.content is None and again.etag == batch.etag


def test_test_connection_reports_a_missing_connection(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("AIRFLOW_CONN_NOT_THERE", raising=False)
    ok, message = HttpCsvHook("not_there", {"path": "x.csv"}).test_connection()
    assert not ok and "AIRFLOW_CONN_NOT_THERE" in message
