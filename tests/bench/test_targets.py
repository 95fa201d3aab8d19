"""Held / missed from a run's medians (synthetic figures: no timing is measured here)."""

from __future__ import annotations

from bench.targets import evaluate, table_text


def series(median: float) -> dict:
    return {"median_s": median, "samples_s": [median] * 3}


def results(rows: int = 1_000_000, **overrides: float) -> dict:
    m = {
        "limit": 4.0,
        "floor": 25.0,
        "normalize": 2.0,
        "gate": 3.0,
        "stage": 2.0,
        "xloader": 100.0,
        "loader": 19.0,
        "full": 36.0,
        "unchanged": 0.5,
        "bytes": 0,
        "dagbag": 0.6,
        "with": 0.50,
        "without": 0.48,
    } | overrides
    return {
        "sizes": {
            str(rows): {
                "postgres": {"limit": series(m["limit"]), "floor": series(m["floor"])},
                "engine": {k: series(m[k]) for k in ("normalize", "gate", "stage")},
                "loads": {"xloader": series(m["xloader"]), "hub_loader": series(m["loader"])},
                "hub": {
                    "full": series(m["full"]),
                    "unchanged": series(m["unchanged"]),
                    "unchanged_file_bytes_max": m["bytes"],
                },
            }
        },
        "dag_build": {"contracts": 200, "contracts_dagbag": series(m["dagbag"])},
        "package_search": {"with": {"p95_s": m["with"]}, "without": {"p95_s": m["without"]}},
    }


def verdicts(data: dict) -> dict[str, bool | None]:
    return {t.id: t.held for t in evaluate(data)}


def test_all_held():
    assert set(verdicts(results()).values()) == {True}
    assert all(t.note == "" for t in evaluate(results()))


def test_each_target_can_be_missed():
    cases = {
        "hub_vs_limit": {"full": 41.0},  # 10.25x the limit (and over 1.5x the floor)
        "engine_vs_limit": {"gate": 1.5, "normalize": 4.0, "stage": 2.6},  # 8.1 s > 8 s
        "vs_xloader": {"loader": 21.0},  # 100 / 21 < 5
        "unchanged": {"unchanged": 0.73},  # > 2% of 36 s
        "unchanged_bytes": {"bytes": 1},
        "dag_build": {"dagbag": 1.01},
        "package_search": {"with": 0.53},  # 1.104x
    }
    for target, override in cases.items():
        missed = {k for k, held in verdicts(results(**override)).items() if held is False}
        expected = {target, "hub_vs_floor"} if target == "hub_vs_limit" else {target}
        assert missed == expected, target
    assert verdicts(results(full=37.6))["hub_vs_floor"] is False  # 1.504x the floor


def test_a_smaller_run_says_so_and_a_missing_part_is_not_measured():
    data = results(rows=300_000)
    del data["sizes"]["300000"]["loads"]
    data["package_search"] = {"error": "RuntimeError: CKAN exited"}
    targets = {t.id: t for t in evaluate(data)}
    assert targets["vs_xloader"].held is None and targets["vs_xloader"].verdict == "not measured"
    assert targets["package_search"].held is None
    assert "at 300000 rows" in targets["hub_vs_limit"].note
    text = table_text(list(targets.values()))
    assert "not measured" in text and "held" in text and "at 300000 rows" in text
