import json
import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy
import pytest

from tangerang_hub.run_report import RunReport, json_safe
from tangerang_quality.problems import Problem

START = datetime(2024, 8, 17, 1, 0, tzinfo=UTC)


def test_to_dict_is_json_safe() -> None:
    report = RunReport(
        dataset="fasyankes",
        run_id="manual__1",
        status="rejected",
        started_at=START,
        finished_at=START + timedelta(seconds=2.5),
        rows=3,
        problems=[Problem("f.csv", 2, "kecamatan", "unknown", expectation="reference")],
        statistics={"n": Decimal("1.5"), "when": START, "nan": math.nan, "nested": {1: (1, 2)}},
        quarantine_path=Path("/tmp/q"),
    )
    data = json.loads(json.dumps(report.to_dict()))
    assert data["status"] == "rejected"
    assert data["duration_seconds"] == 2.5
    assert data["problems"][0] == {
        "file": "f.csv",
        "row": 2,
        "column": "kecamatan",
        "expectation": "reference",
        "message": "unknown",
        "message_en": "unknown",
    }
    assert data["statistics"] == {
        "n": 1.5,
        "when": START.isoformat(),
        "nan": None,
        "nested": {"1": [1, 2]},
    }
    assert data["quarantine_path"] == "/tmp/q"
    assert data["finished_at"] == "2024-08-17T01:00:02.500000+00:00"


def test_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="status"):
        RunReport("x", "r", "ok", START)


def test_json_safe_numpy_scalars() -> None:
    assert json_safe({"a": numpy.int64(3), "b": numpy.float64(0.5)}) == {"a": 3, "b": 0.5}


def test_statuses_and_labels_come_from_the_one_table() -> None:
    import yaml

    from tangerang_hub.contracts import SCHEMAS_DIR
    from tangerang_hub.run_report import STATUSES, status_label

    table = yaml.safe_load((SCHEMAS_DIR / "run_statuses.yaml").read_text(encoding="utf-8"))
    assert STATUSES == tuple(table) == ("published", "unchanged", "rejected", "failed")
    for status, row in table.items():
        assert RunReport("d", "r", status, START).ok is row["ok"]
        assert status_label(status) == row["label"]["id"]
        assert status_label(status, "en") == row["label"]["en"]
    assert [s for s in STATUSES if RunReport("d", "r", s, START).ok] == ["published", "unchanged"]
    with pytest.raises(ValueError, match="status must be one of"):
        RunReport("d", "r", "diterbitkan", START)
