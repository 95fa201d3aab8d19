"""A run that a source ends says why in the steward's language (issue 9, item 8).

`SourceError` carries its message in Bahasa Indonesia and English (`texts.say`); `str()` stays
English for developer logs. The run report keeps both (``message_params.error`` and
``error_en``, ``message`` and ``message_en``) and `hub run` prints the one ``HUB_LANG`` asks for.
"""

from __future__ import annotations

import dataclasses
import io
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tangerang_hub import cli, pipeline
from tangerang_hub.ckan_client import CkanError
from tangerang_hub.contracts import Source, get_contract
from tangerang_hub.http_client import HttpClient
from tangerang_hub.sources import get_hook
from tangerang_hub.sources.base import SourceError
from tangerang_quality.texts import say

CONN_ID = "failing_agency"
SECRET = "rahasia-token-123"
ENGLISH_WORDS = ("answered", "after", "attempts", "failed", "run")


class Broken(BaseHTTPRequestHandler):
    """An agency server that answers every request with 500."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def failing_source(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """`hub run fasyankes` reads from a local server that answers 500; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Broken)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv(
        f"AIRFLOW_CONN_{CONN_ID.upper()}",
        json.dumps(
            {"conn_type": "http", "host": base, "extra": {"auth": "query"}, "password": SECRET}
        ),
    )
    contract = get_contract("fasyankes")
    source = dataclasses.replace(
        contract.source,
        conn_id=CONN_ID,
        params={**contract.source.params, "retries": 1, "backoff": 0},
    )
    failing = dataclasses.replace(contract, source=source)
    monkeypatch.setattr(cli, "get_contract", lambda _id: failing)
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def hub_run(tmp_path: Path, *extra: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(
        ["run", "fasyankes", "--dry-run", "--workdir", str(tmp_path), "--run-id", "uji", *extra],
        stdout=out,
        stderr=err,
    )
    return code, out.getvalue()


def test_a_failed_run_says_why_in_indonesian_by_default(
    tmp_path: Path, failing_source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUB_LANG", raising=False)
    code, out = hub_run(tmp_path)
    assert code != 0
    line = out.splitlines()[0]
    assert "Proses gagal: HttpStatusError:" in line, line
    assert "/dinkes/fasyankes.csv menjawab 500 setelah 2 kali dicoba" in line, line
    reason = line.split("HttpStatusError:", 1)[1].lower()
    assert not [w for w in ENGLISH_WORDS if w in reason.split()], line
    assert SECRET not in out


def test_a_failed_run_says_why_in_english_with_hub_lang_en(
    tmp_path: Path, failing_source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_LANG", "en")
    code, out = hub_run(tmp_path)
    assert code != 0
    line = out.splitlines()[0]
    assert "The run failed: HttpStatusError:" in line, line
    assert "/dinkes/fasyankes.csv answered 500 after 2 attempts" in line, line
    assert "menjawab" not in line and SECRET not in out


def test_the_run_report_keeps_both_texts(
    tmp_path: Path, failing_source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUB_LANG", raising=False)
    _code, out = hub_run(tmp_path, "--json")
    report = json.loads(out)
    assert report["status"] == "failed" and report["message_code"] == "failed"
    params = report["message_params"]
    assert "menjawab 500" in params["error"] and "answered" not in params["error"]
    assert "answered 500" in params["error_en"] and "menjawab" not in params["error_en"]
    assert report["message"] == f"Proses gagal: {params['error']}"
    assert report["message_en"] == f"The run failed: {params['error_en']}"
    assert SECRET not in out


def test_str_of_a_source_error_is_english_for_developer_logs() -> None:
    exc = SourceError(
        say("{url} menjawab {status}", "{url} answered {status}", url="http://x/a", status=500),
        url="http://x/a",
        status=500,
    )
    assert str(exc) == "http://x/a answered 500"
    assert exc.said.render("id") == "http://x/a menjawab 500"
    assert (exc.url, exc.status) == ("http://x/a", 500)


def test_masking_a_source_error_masks_both_languages() -> None:
    said = say("kunci {key} ditolak", "key {key} rejected", key=SECRET)
    exc = SourceError(said).masked(lambda text: text.replace(SECRET, "***"))
    assert str(exc) == "key *** rejected"
    assert exc.said.render("id") == "kunci *** ditolak"


def test_a_plain_string_is_the_same_in_both_languages() -> None:
    exc = SourceError("{not a template}")
    assert str(exc) == exc.said.render("id") == "{not a template}"


def test_a_run_without_a_catalog_says_so_in_both_languages(tmp_path: Path) -> None:
    report = pipeline.run(get_contract("fasyankes"), client=None, workdir=tmp_path, run_id="uji")
    assert report.status == "failed"
    assert report.message == (
        "Proses gagal: PipelineError: tidak ada klien CKAN: atur ckan_default atau pakai --dry-run"
    )
    assert report.text("en") == (
        "The run failed: PipelineError: no CKAN client: configure ckan_default or use --dry-run"
    )


def test_a_catalog_error_keeps_the_source_errors_two_languages() -> None:
    cause = SourceError(say("{url} menjawab 502", "{url} answered 502", url="http://ckan/api"))
    exc = CkanError("package_show", 502, cause.said)
    assert str(exc) == "CKAN package_show failed (HTTP 502): http://ckan/api answered 502"
    assert (
        exc.said.render("id") == "CKAN package_show gagal (HTTP 502): http://ckan/api menjawab 502"
    )
    assert exc.error == "http://ckan/api answered 502"  # the sentence, as before: English
    assert pipeline.failure_text(exc).startswith("CkanError: CKAN package_show gagal")


def test_an_unreachable_source_masks_its_secret_in_both_languages() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = HttpClient(f"http://127.0.0.1:{port}/", query={"api_key": SECRET}, retries=0)
    with pytest.raises(SourceError) as raised:
        client.get("data.json")
    indonesian, english = raised.value.said.render("id"), str(raised.value)
    assert "tidak dapat dihubungi setelah 1 kali dicoba" in indonesian
    assert "cannot reach" in english and "cannot reach" not in indonesian
    assert SECRET not in indonesian and SECRET not in english


def test_a_missing_connection_is_named_in_both_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_TIDAK_ADA", raising=False)
    with pytest.raises(SourceError) as raised:
        get_hook(Source("http_csv", "tidak_ada", {"path": "/a.csv"})).get_conn()
    assert raised.value.said.render("id") == (
        "HTTP file: koneksi 'tidak_ada' belum diatur: atur di Airflow atau ekspor "
        "AIRFLOW_CONN_TIDAK_ADA"
    )
    assert str(raised.value).startswith("HTTP file: connection 'tidak_ada' is not defined")
