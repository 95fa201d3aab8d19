import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tangerang_hub import pipeline
from tangerang_hub.contracts import load_contract
from tangerang_hub.problems import Problem
from tangerang_hub.sources.base import RawBatch

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "stack" / "sample_agency" / "data" / "dinkes" / "fasyankes.csv"


@dataclass
class FakeGate:
    success: bool
    blocking: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    statistics: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakePublishResult:
    status: str
    package_id: str
    resource_ids: list[str]


class FakeCatalog:
    """Stands in for validate/publish/send_report; CKAN itself is tested by the lead."""

    def __init__(self, gate: FakeGate | None = None):
        self.gate = gate or FakeGate(success=True, statistics={"rows": 1})
        self.published_sha: str | None = None
        self.publish_calls = 0
        self.run_ids: list[str | None] = []
        self.reports: list[dict[str, Any]] = []

    def validate(self, table, contract):
        return self.gate

    def publish(self, staged, contract, client, gate, **kwargs):
        self.publish_calls += 1
        self.run_ids.append(kwargs.get("run_id"))
        if staged.sha256 == self.published_sha:
            return FakePublishResult("unchanged", "pkg-1", ["r-csv", "r-parquet"])
        self.published_sha = staged.sha256
        return FakePublishResult("published", "pkg-1", ["r-csv", "r-parquet"])

    def send_report(self, client, report):
        self.reports.append(report.to_dict())
        return "http://ckan/report/1"


@pytest.fixture
def contract():
    return load_contract(REPO / "schemas" / "datasets" / "fasyankes.yaml")


@pytest.fixture
def catalog(monkeypatch: pytest.MonkeyPatch) -> FakeCatalog:
    fake = FakeCatalog()
    monkeypatch.setattr(pipeline, "validate", fake.validate)
    monkeypatch.setattr(pipeline, "publish", fake.publish)
    monkeypatch.setattr(pipeline, "send_report", fake.send_report)
    return fake


def test_publish_then_unchanged(contract, catalog: FakeCatalog, tmp_path: Path) -> None:
    first = pipeline.run(
        contract, client=object(), source_file=SAMPLE, workdir=tmp_path, run_id="r1"
    )
    assert first.status == "published", first.message
    assert first.rows == 58 and len(first.sha256) == 64
    assert first.package_id == "pkg-1" and first.resource_ids == ["r-csv", "r-parquet"]
    assert first.report_url == "http://ckan/report/1"
    second = pipeline.run(
        contract, client=object(), source_file=SAMPLE, workdir=tmp_path, run_id="r2"
    )
    assert second.status == "unchanged"
    assert second.sha256 == first.sha256
    assert [r["status"] for r in catalog.reports] == ["published", "unchanged"]
    assert catalog.run_ids == ["r1", "r2"]


def test_dry_run_publishes_nothing(contract, catalog: FakeCatalog, tmp_path: Path) -> None:
    messages: list[str] = []
    report = pipeline.run(
        contract,
        source_file=SAMPLE,
        dry_run=True,
        workdir=tmp_path,
        run_id="d",
        progress=messages.append,
    )
    assert report.status == "unchanged" and report.dry_run
    assert catalog.publish_calls == 0 and catalog.reports == []
    assert any("normalisasi" in m for m in messages)


def test_bad_wilayah_is_quarantined(contract, catalog: FakeCatalog, tmp_path: Path) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(";")
    cells[3] = "Kecamatan Antah Berantah"
    lines[3] = ";".join(cells)
    bad = tmp_path / "fasyankes-bad.csv"
    bad.write_text("\n".join(lines), encoding="utf-8")

    report = pipeline.run(
        contract, client=object(), source_file=bad, workdir=tmp_path, run_id="bad"
    )
    assert report.status == "rejected"
    assert catalog.publish_calls == 0
    assert [(p.row, p.column) for p in report.problems] == [(4, "Kecamatan")]
    folder = tmp_path / "quarantine" / "fasyankes" / "bad"
    assert report.quarantine_path == folder
    assert (folder / bad.name).read_bytes() == bad.read_bytes()
    saved = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert saved["status"] == "rejected"
    assert saved["problems"][0]["row"] == 4
    assert saved["problems"][0]["file"] == bad.name
    assert catalog.reports[-1]["status"] == "rejected"


def test_gate_rejection_is_quarantined(contract, catalog: FakeCatalog, tmp_path: Path) -> None:
    catalog.gate = FakeGate(
        success=False,
        blocking=[Problem("fasyankes.csv", 7, "kode_faskes", "duplicate", expectation="unique")],
    )
    report = pipeline.run(
        contract, client=object(), source_file=SAMPLE, workdir=tmp_path, run_id="g"
    )
    assert report.status == "rejected"
    assert catalog.publish_calls == 0
    saved = json.loads((report.quarantine_path / "report.json").read_text(encoding="utf-8"))
    assert saved["problems"] == [
        {
            "file": "fasyankes.csv",
            "row": 7,
            "column": "kode_faskes",
            "expectation": "unique",
            "message": "duplicate",
        }
    ]


def test_missing_client_fails_without_publishing(
    contract, catalog: FakeCatalog, tmp_path: Path
) -> None:
    report = pipeline.run(contract, source_file=SAMPLE, workdir=tmp_path, run_id="x")
    assert report.status == "failed"
    assert "CKAN" in report.message
    assert catalog.publish_calls == 0


def test_source_error_is_a_failure(contract, catalog: FakeCatalog, tmp_path: Path) -> None:
    report = pipeline.run(
        contract, client=object(), source_file=tmp_path / "nope.csv", workdir=tmp_path, run_id="x"
    )
    assert report.status == "failed"
    assert "nope.csv" in report.message


def test_hook_is_used_without_source_file(
    contract, catalog: FakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tangerang_hub.sources as sources

    class Hook:
        def fetch(self, *, state=None, since=None):
            return RawBatch(
                records=None,
                content=SAMPLE.read_bytes(),
                filename="fasyankes.csv",
                media_type="text/csv",
                etag='"abc"',
            )

    monkeypatch.setattr(sources, "get_hook", lambda source: Hook())
    report = pipeline.run(contract, client=object(), workdir=tmp_path, run_id="h")
    assert report.status == "published"
    raw = json.loads(json.dumps(pipeline.save_raw(Hook().fetch(), tmp_path / "raw")))
    assert raw["etag"] == '"abc"'


def test_not_modified_source_is_unchanged(
    contract, catalog: FakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tangerang_hub.sources as sources

    class Hook:
        def fetch(self, *, state=None, since=None):
            return RawBatch(
                records=None,
                content=None,
                filename="fasyankes.csv",
                media_type="text/csv",
                not_modified=True,
            )

    monkeypatch.setattr(sources, "get_hook", lambda source: Hook())
    report = pipeline.run(contract, client=object(), workdir=tmp_path, run_id="n")
    assert report.status == "unchanged"
    assert catalog.publish_calls == 0


def test_steps_pass_only_json(contract, catalog: FakeCatalog, tmp_path: Path) -> None:
    """The DAG runs the stages as tasks; every value between them survives json."""
    roundtrip = lambda value: json.loads(json.dumps(value))  # noqa: E731
    raw = roundtrip(
        pipeline.extract_step(contract, workdir=tmp_path, run_id="t", source_file=SAMPLE)
    )
    staged = roundtrip(pipeline.normalize_step(contract, raw, workdir=tmp_path, run_id="t"))
    gate = roundtrip(
        pipeline.validate_step(contract, staged, workdir=tmp_path, run_id="t", raw=raw)
    )
    result = roundtrip(pipeline.publish_step(contract, staged, gate, client=object()))
    assert result == {
        "status": "published",
        "package_id": "pkg-1",
        "resource_ids": ["r-csv", "r-parquet"],
    }
    assert Path(staged["parquet_path"]).exists()


def test_records_batch_round_trips_through_raw_file(tmp_path: Path) -> None:
    from datetime import date

    batch = RawBatch(
        records=[{"a": 1, "d": date(2024, 1, 2)}],
        content=None,
        filename="x.json",
        media_type="application/json",
    )
    loaded = pipeline.load_raw(pipeline.save_raw(batch, tmp_path))
    assert loaded.records == [{"a": 1, "d": "2024-01-02"}]
    assert loaded.content is None
