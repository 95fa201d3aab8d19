"""`make bench` smoke run: every part at tiny sizes against the real stack; the output's
structure and what the parts must find (row counts, 0 bytes re-uploaded), never a timing."""

from __future__ import annotations

import json

import pytest
from ckan_site import bot_token, site_url

from bench import hub_bench
from bench.targets import evaluate

pytestmark = pytest.mark.stack

ROWS, REPEATS, CLIENTS, PER_CLIENT, CONTRACTS = 60, 1, 2, 2, 3


def test_bench_measures_every_part(tmp_path, monkeypatch, capsys):
    assert bot_token()  # fails loudly outside `make test-engine`
    monkeypatch.setenv("BENCH_ROWS", str(ROWS))  # options override the environment
    output, chart = tmp_path / "results.json", tmp_path / "results.png"
    code = hub_bench.main(
        [
            *("--repeats", str(REPEATS), "--datapusher-rows", "40"),
            *("--contracts", str(CONTRACTS), "--search-clients", str(CLIENTS)),
            *("--search-requests", str(PER_CLIENT), "--ckan-url", site_url()),
            *("--output", str(output), "--chart", str(chart), "--work", str(tmp_path / "w")),
        ]
    )
    report = json.loads(output.read_text())
    assert code == 0, report["errors"]
    assert report["settings"]["rows"] == [ROWS] and report["machine"]["cpus"] >= 1
    size = report["sizes"][str(ROWS)]
    for part, names in {
        "engine": ("normalize", "stage", "gate", "sum"),
        "postgres": ("limit", "floor"),
        "loads": ("xloader", "hub_loader"),
        "hub": ("full", "unchanged"),
    }.items():
        for name in names:
            series = size[part][name]
            assert len(series["samples_s"]) == REPEATS
            assert 0 < series["min_s"] <= series["median_s"] <= series["max_s"]
    assert size["hub"]["unchanged_file_bytes_max"] == 0
    full = size["hub"]["full"]["details"][0]
    assert full["file_bytes"] > size["staged_csv_bytes"]  # CSV, Parquet and dictionary
    assert set(full["phases"]) == {"extract", "normalize_stage", "gate", "publish_report"}
    assert {"copy", "full_text", "swap"} <= set(full["loader_timings"])
    assert size["hub"]["unchanged"]["details"][0]["actions"][0] == "package_show"
    assert size["datapusher"]["extrapolated"]["median_s"] > 0
    assert report["datapusher"]["rows"] == 40

    dags = report["dag_build"]
    assert dags["found"]["contracts_dagbag"] == {"dags": CONTRACTS, "tasks": 5 * CONTRACTS}
    assert dags["found"]["contracts_cold_dagbag"] == dags["found"]["contracts_dagbag"]
    assert dags["found"]["anchor_module"] == {"dags": CONTRACTS, "tasks": 4 * CONTRACTS}
    assert dags["found"]["contracts_one_dag"]["dags"] == 1

    search = report["package_search"]
    for side in ("with", "without"):
        assert [r["requests"] for r in search[side]["rounds"]] == [CLIENTS * PER_CLIENT] * REPEATS
        assert 0 < search[side]["p50_s"] <= search[side]["p95_s"]

    targets = {t["id"]: t for t in report["targets"]}
    assert {t.id for t in evaluate(report)} == set(targets)
    assert all(t["verdict"] in ("held", "MISSED") for t in targets.values())
    missed = {name for name, t in targets.items() if t["held"] is False}
    if missed & {"hub_vs_limit", "hub_vs_floor", "vs_xloader", "unchanged"}:
        assert (tmp_path / "w" / "profiles" / f"hub-run-{ROWS}.txt").stat().st_size > 0
    if "engine_vs_limit" in missed:
        assert "engine_stages" in (tmp_path / "w" / "profiles" / f"engine-{ROWS}.txt").read_text()
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert "hub end to end <= 10x the limit" in out and "median seconds" in out
