"""Acceptance of issue 3 in a real browser: headless Chromium against the CKAN test site.

The test publishes a dataset through the Action API as the pipeline bot (exactly as
the pipeline does), then lets Chromium load and render the dataset page and reads
the DOM it built. It needs the test site (HUB_CKAN_URL, HUB_CKAN_TOKEN_FILE, set by
`make test`) and Debian's chromium (/usr/bin/chromium); without them it fails.
Standard library only, so it runs in either environment.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM_FLAGS

pytestmark = pytest.mark.stack

SHA = "c0ffee" + "0" * 58
# Built at run time so that the words are not in the page source: they appear only
# if the script ran.
EXECUTED = "DIJALANKAN"
DATA_DOCS = (
    "<!DOCTYPE html><html><head><title>GX Data Docs</title>"
    "<style>p{color:#333}</style></head><body>"
    "<h1>Laporan validasi uji</h1><p id='asli'>ISI-ASLI</p>"
    "<script>document.getElementById('asli').textContent = 'DIJAL' + 'ANKAN';"
    "document.title = 'DIJAL' + 'ANKAN';</script>"
    "</body></html>"
)


# -- the site ---------------------------------------------------------------


def _site() -> tuple[str, str]:
    url = os.environ.get("HUB_CKAN_URL")
    token_file = os.environ.get("HUB_CKAN_TOKEN_FILE")
    if not url:
        pytest.fail("HUB_CKAN_URL is not set: run these tests through `make test`")
    if not token_file or not Path(token_file).exists():
        pytest.fail("HUB_CKAN_TOKEN_FILE is missing: run these tests through `make test`")
    return url.rstrip("/"), Path(token_file).read_text(encoding="utf-8").strip()


def _call(url: str, token: str | None, action: str, data: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        f"{url}/api/3/action/{action}",
        data=json.dumps(data).encode("utf-8"),
        headers={"Content-Type": "application/json", **({"Authorization": token} if token else {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)["result"]
    except urllib.error.HTTPError as exc:
        raise AssertionError(f"{action}: HTTP {exc.code}: {exc.read()[:500]!r}") from None


@pytest.fixture(scope="module")
def published() -> Iterator[dict[str, Any]]:
    """A public dataset of Dinkes published by the bot, with one run carrying Data Docs."""
    url, token = _site()
    name = f"uji-browser-{uuid.uuid4().hex[:8]}"
    last_run = dt.datetime.now(dt.UTC).replace(microsecond=0)
    dataset = _call(
        url,
        token,
        "package_create",
        {
            "name": name,
            "title": "Uji Peramban: Fasilitas Kesehatan",
            "owner_org": "dinkes",
            "notes": "Dataset uji untuk pemeriksaan peramban (dihapus setelah uji).",
            "dimensi": ["living"],
            "frekuensi": "bulanan",
            "tingkat_penyajian": "kelurahan",
            "klasifikasi_akses": "terbuka",
            "cakupan_wilayah": "36.71",
            "cakupan_waktu_mulai": "2025-01-01",
            "cakupan_waktu_selesai": "2025-12-31",
            "contract_id": "fasyankes",
            "source_system": "http_csv:agency_sample/dinkes/fasyankes.csv",
            "last_run_id": "uji-run-1",
            "last_run_at": last_run.isoformat(),
            "row_count": 58,
            "sha256": SHA,
            "validation_status": "passed",
            "quality_score": 88,
            "quality_grade": "B",
        },
    )
    run = _call(
        url,
        token,
        "tangerang_run_report_create",
        {
            "package_id": name,
            "run_id": "uji-run-1",
            "status": "published",
            "rows": 58,
            "sha256": SHA,
            "validation": {"success": True, "blocking": [], "warnings": [], "statistics": {}},
            "data_docs_html": DATA_DOCS,
        },
    )
    from ckan_site import approve  # a hub dataset is public only once a walidata approves it

    _call(url, token, "tangerang_review_submit", {"package_id": name})
    approve(name)
    yield {"url": url, "name": name, "dataset": dataset, "run": run}
    _call(url, token, "package_delete", {"id": dataset["id"]})


# -- the browser ------------------------------------------------------------


def _chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("chromium is not installed: apt-get install -y chromium")
    return path


def _browse(tmp_path: Path, url: str, *extra: str) -> str:
    profile = tmp_path / f"profile-{uuid.uuid4().hex[:6]}"
    result = subprocess.run(
        [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def dump_dom(tmp_path: Path, url: str) -> str:
    """The DOM Chromium built for ``url``, after its scripts ran."""
    return _browse(tmp_path, url, "--dump-dom")


class _Texts(HTMLParser):
    """Text of the elements with a given class, and the document's language."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "col"}

    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class = css_class
        self.found: list[str] = []
        self.lang: str | None = None
        self._stack: list[list[str] | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        if tag in self.VOID:
            return
        classes = (values.get("class") or "").split()
        self._stack.append([] if self.css_class in classes else None)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID or not self._stack:
            return
        collected = self._stack.pop()
        if collected is not None:
            self.found.append(" ".join(" ".join(collected).split()))

    def handle_data(self, data: str) -> None:
        for collected in self._stack:
            if collected is not None:
                collected.append(data)


def texts(dom: str, css_class: str) -> list[str]:
    parser = _Texts(css_class)
    parser.feed(dom)
    return parser.found


def lang(dom: str) -> str | None:
    parser = _Texts("-")
    parser.feed(dom)
    return parser.lang


# -- the checks -------------------------------------------------------------


def test_dataset_page_shows_badge_freshness_and_lineage_in_indonesian(tmp_path, published):
    dom = dump_dom(tmp_path, f"{published['url']}/dataset/{published['name']}")
    assert lang(dom) == "id"
    assert texts(dom, "tangerang-quality-badge") == ["Mutu: B (88/100)"]
    assert texts(dom, "tangerang-validation-status") == ["Validasi: Lolos"]
    [freshness] = texts(dom, "tangerang-freshness")
    assert freshness in ("Tepat waktu", "Terlambat")
    assert freshness == "Tepat waktu"  # published a moment ago, monthly
    [lineage] = texts(dom, "tangerang-lineage")
    for expected in ("Kontrak data fasyankes", "Proses terakhir uji-run-1", "Jumlah baris 58", SHA):
        assert expected in lineage
    [panel] = texts(dom, "tangerang-quality")
    assert "Mutu dan kemutakhiran" in panel
    assert "Asal-usul data (lineage)" in panel


def test_run_history_links_the_data_docs(tmp_path, published):
    dom = dump_dom(tmp_path, f"{published['url']}/dataset/{published['name']}/riwayat-proses")
    assert texts(dom, "tangerang-data-docs") == ["Laporan validasi (GX Data Docs)"]


def test_data_docs_are_shown_but_their_scripts_do_not_run(tmp_path, published):
    report_url = published["run"]["report_url"]
    assert report_url.startswith(published["url"] + "/dataset/")
    dom = dump_dom(tmp_path, report_url)
    assert "Laporan validasi uji" in dom
    assert "ISI-ASLI" in dom
    assert EXECUTED not in dom

    # The same page outside the sandbox: the script runs, so the check above can fail.
    page = tmp_path / "docs.html"
    page.write_text(DATA_DOCS, encoding="utf-8")
    assert EXECUTED in dump_dom(tmp_path, page.as_uri())
