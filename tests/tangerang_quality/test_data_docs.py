"""One self-contained, script-free Data Docs page per run."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa

from tangerang_hub.contracts import Contract, Field
from tangerang_hub.validate import reference_codes
from tangerang_quality import data_docs
from tangerang_quality.gate import run_gate
from tangerang_quality.problems import Problem

# The raw test number, written or normalized; a random id alone may contain "3456".
RAW_PHONE = re.compile(r"0812\D?3456")

GX_LIKE = """<!DOCTYPE html><html><head><title>x</title>
<link rel="stylesheet" href="https://cdn.example/bootstrap.css"/>
<script src="https://code.jquery.com/jquery.js"></script>
<style>.a{background:url('https://s3.example/logo.png')}</style></head>
<body><img src="https://s3.example/logo.png"><a href="../../index.html">home</a>
<a href="#section-1">s1</a><div onclick="alert(1)">cell</div>
<script>alert(2)</script></body></html>"""


def docs_contract(make_contract) -> Contract:
    fields = [
        Field("kecamatan", "string", "Kecamatan", required=True, reference="kecamatan"),
        Field("catatan", "string", "Catatan"),
    ]
    return make_contract(fields, primary_key=("kecamatan",), id="uji-docs", datastore=False)


def test_make_self_contained_drops_scripts_links_and_external_resources() -> None:
    page = data_docs.make_self_contained(GX_LIKE, title="Validasi x")
    lowered = page.lower()
    assert "<script" not in lowered and "<link" not in lowered and "<img" not in lowered
    assert "https://" not in page and "onclick" not in lowered
    assert 'href="#section-1"' in page and "../../index.html" not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "<style>" in page and page.index("Content-Security-Policy") < page.index("<body>")


def test_gate_page_masks_and_escapes_cell_values(tmp_path: Path, make_contract) -> None:
    hostile = "hubungi 0812-3456-7890 <script>alert(1)</script>"
    table = pa.table({"kecamatan": ["36.71.01", "36.71.02"], "catatan": ["aman", hostile]})
    result = run_gate(
        table,
        docs_contract(make_contract),
        reference_codes=reference_codes(),
        data_docs_dir=tmp_path,
    )
    assert not result.success
    assert result.data_docs_page == tmp_path / data_docs.PAGE_NAME
    page = result.data_docs_page.read_text(encoding="utf-8")
    assert "0812******90" in page and not RAW_PHONE.search(page)
    assert "<script" not in page.lower()  # GX writes cells verbatim: the gate escapes them
    assert "&lt;script&gt;" in page
    assert "expect_column_values_to_not_contain_pii" in page
    assert len(page.encode("utf-8")) < data_docs.MAX_BYTES


def test_own_page_when_gx_built_none_or_too_large(tmp_path: Path, monkeypatch) -> None:
    gx_result = {
        "statistics": {"evaluated_expectations": 2, "successful_expectations": 1},
        "results": [
            {
                "success": False,
                "expectation_config": {
                    "type": "expect_column_values_to_not_contain_pii",
                    "kwargs": {"column": "catatan"},
                    "meta": {"severity": "error"},
                },
                "result": {"unexpected_count": 1},
            }
        ],
    }
    problems = [Problem("f.csv", 3, "catatan", "phone: <b>0812****7890</b>", "pii")]
    path = data_docs.write_page(tmp_path, gx_result, problems, title="Validasi <x>")
    page = path.read_text(encoding="utf-8")
    assert "&lt;b&gt;0812****7890&lt;/b&gt;" in page and "Validasi &lt;x&gt;" in page
    assert "Content-Security-Policy" in page

    site = tmp_path / "site"
    (site / "validations" / "a").mkdir(parents=True)
    (site / "validations" / "a" / "run.html").write_text(GX_LIKE + "x" * 200, encoding="utf-8")
    monkeypatch.setattr(data_docs, "MAX_BYTES", 100)
    page = data_docs.write_page(site, gx_result, problems).read_text(encoding="utf-8")
    assert "expect_column_values_to_not_contain_pii" in page and "jquery" not in page
