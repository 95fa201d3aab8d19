"""`make bench` smoke test: tiny sizes, the output's structure, never its timings."""

from __future__ import annotations

import json
import os

import hub_bench as bench
import pytest
from ckan_site import bot_token, site_url

from tangerang_hub.contracts import get_contract, load_contracts
from tangerang_hub.normalize import normalize


def test_generated_csv_is_fasyankes_shaped_and_normalizes_cleanly():
    content = bench.fasyankes_csv(300)
    assert content.decode().splitlines()[0] == ";".join(bench.HEADER)
    table = normalize(bench._batch(content), get_contract("fasyankes"))
    assert table.num_rows == 300
    assert table.column("kode_faskes")[0].as_py() == "0000000"
    assert all(code.startswith("36.71.") for code in table.column("kelurahan").to_pylist())
    assert bench.fasyankes_csv(300) == content, "the data must be the same in every run"


@pytest.mark.stack
def test_bench_writes_results_with_ratios(tmp_path, capsys):
    assert bot_token()  # fails loudly outside `make test-engine`
    output = tmp_path / "results.json"
    code = bench.main(
        [
            "--rows",
            "60",
            "--repeats",
            "2",
            "--parse-repeats",
            "1",
            "--no-dags-report",
            "--ckan-url",
            site_url(),
            "--token-file",
            os.environ["HUB_CKAN_TOKEN_FILE"],
            "--output",
            str(output),
        ]
    )
    assert code == 0
    report = json.loads(output.read_text())
    assert report["settings"]["rows"] == 60
    assert report["machine"]["cpus"] >= 1
    results = report["results"]
    assert set(results) == set(bench.BENCHMARKS)
    for name, item in results.items():
        assert item["benchmark"] == name
        assert item["ratio"] > 0 and item["ratio_means"]
        for side in ("baseline", "candidate"):
            series = item[side]
            expected = 1 if name == "dag_parse" else 2
            assert len(series["samples_s"]) == expected
            assert series["min_s"] <= series["median_s"] <= series["max_s"]
    for name in ("datastore", "normalize"):
        assert results[name]["rows"] == 60
        assert results[name]["candidate"]["rows_per_s"] > 0
        assert results[name]["baseline"]["rows_per_s"] > 0
    assert results["dag_parse"]["dags"] == len(load_contracts())
    table = capsys.readouterr().out
    for name in bench.BENCHMARKS:
        assert name in table
