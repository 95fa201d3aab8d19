import json
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from empty_catalog import EmptyCatalog

from tangerang_hub import pipeline
from tangerang_hub.contracts import load_contract
from tangerang_hub.raw_store import save_raw
from tangerang_hub.sources.base import RawBatch
from tangerang_hub.workdir import docs_page
from tangerang_quality.problems import Problem

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
    score: dict[str, Any] | None = None


class FakeCatalog:
    """Stands in for validate/publish/send_report, passed to the pipeline; CKAN itself is
    tested against the real test site (test_publish.py)."""

    def __init__(self, gate: FakeGate | None = None):
        self.gate = gate or FakeGate(success=True, statistics={"rows": 1})
        self.published_sha: str | None = None
        self.publish_calls = 0
        self.run_ids: list[str | None] = []
        self.reports: list[dict[str, Any]] = []
        self.report_objects: list[Any] = []

    def validate(self, table, contract, *, data_docs_dir=None):
        return self.gate

    def publish(self, staged, contract, client, gate, **kwargs):
        self.publish_calls += 1
        self.run_ids.append(kwargs.get("run_id"))
        score = kwargs.get("score")
        scored = score(datetime.now(UTC)).to_dict() if score else None
        if staged.sha256 == self.published_sha:
            return FakePublishResult("unchanged", "pkg-1", ["r-csv", "r-parquet"], scored)
        self.published_sha = staged.sha256
        return FakePublishResult("published", "pkg-1", ["r-csv", "r-parquet"], scored)

    def send_report(self, client, report):
        self.reports.append(report.to_dict())
        self.report_objects.append(report)
        return {"id": "rr-1", "report_url": "http://ckan/dataset/x/riwayat-proses/r/validasi"}

    def run(self, contract, **kwargs):
        """`pipeline.run` with this catalog's stand-ins."""
        return pipeline.run(
            contract,
            validate=self.validate,
            publish=self.publish,
            send_report=self.send_report,
            **kwargs,
        )


@pytest.fixture
def contract():
    return load_contract(REPO / "schemas" / "datasets" / "fasyankes.yaml")


@pytest.fixture
def catalog() -> FakeCatalog:
    return FakeCatalog()


def test_publish_then_unchanged(contract, catalog: FakeCatalog, tmp_path: Path) -> None:
    first = catalog.run(
        contract, client=EmptyCatalog(), source_file=SAMPLE, workdir=tmp_path, run_id="r1"
    )
    assert first.status == "published", first.message
    assert first.rows == 58 and len(first.sha256) == 64
    assert first.package_id == "pkg-1" and first.resource_ids == ["r-csv", "r-parquet"]
    assert first.report_url == "http://ckan/dataset/x/riwayat-proses/r/validasi"
    quality = first.statistics["quality"]
    assert 0 <= quality["total"] <= 100 and quality["grade"] in "ABCDE"
    assert quality["dimensions"]["freshness"] == 100.0  # just published
    second = catalog.run(
        contract, client=EmptyCatalog(), source_file=SAMPLE, workdir=tmp_path, run_id="r2"
    )
    assert second.status == "unchanged"
    assert second.sha256 == first.sha256
    assert [r["status"] for r in catalog.reports] == ["published", "unchanged"]
    assert catalog.run_ids == ["r1", "r2"]


def test_dry_run_publishes_nothing(contract, catalog: FakeCatalog, tmp_path: Path) -> None:
    messages: list[str] = []
    report = catalog.run(
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

    report = catalog.run(
        contract, client=EmptyCatalog(), source_file=bad, workdir=tmp_path, run_id="bad"
    )
    assert report.status == "rejected"
    assert catalog.publish_calls == 0
    assert [(p.row, p.column) for p in report.problems] == [(4, "Kecamatan")]
    folder = tmp_path / "quarantine" / "fasyankes" / "bad"
    assert report.quarantine_path == folder
    assert (folder / "raw" / bad.name).read_bytes() == bad.read_bytes()
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
    report = catalog.run(
        contract, client=EmptyCatalog(), source_file=SAMPLE, workdir=tmp_path, run_id="g"
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
            "message_en": "duplicate",
        }
    ]


def test_the_dag_report_task_finishes_a_rejected_run_as_hub_run_does(
    contract, catalog: FakeCatalog, tmp_path: Path
) -> None:
    """`run` (hub run) and `report_step` (the DAG's report task) both end in `finish_run`: the
    quarantine report.json becomes the final run report, sent, with the catalog's report_url."""
    catalog.gate = FakeGate(
        success=False,
        blocking=[Problem("fasyankes.csv", 7, "kode_faskes", "duplicate", expectation="unique")],
    )
    cli = catalog.run(
        contract, client=EmptyCatalog(), source_file=SAMPLE, workdir=tmp_path / "cli", run_id="r"
    )

    workdir = tmp_path / "dag"
    raw = pipeline.extract_step(contract, workdir=workdir, run_id="r", source_file=SAMPLE)
    staged = pipeline.normalize_step(contract, raw, workdir=workdir, run_id="r")
    with pytest.raises(pipeline.BatchRejected):
        pipeline.validate_step(
            contract, staged, workdir=workdir, run_id="r", raw=raw, validate=catalog.validate
        )
    results = {"extract": raw, "normalize": staged, "validate": None, "publish": None}
    dag = pipeline.report_step(
        contract, results, object(), workdir=workdir, run_id="r", send_report=catalog.send_report
    )

    read = lambda report: json.loads((report.quarantine_path / "report.json").read_text())  # noqa: E731
    from_cli, from_dag = read(cli), read(dag)
    assert from_dag["finished_at"] is not None and set(from_dag) == set(from_cli)
    for key in ("status", "message", "problems", "rows", "sha256", "dataset", "run_id"):
        assert from_dag[key] == from_cli[key], key
    assert [r["status"] for r in catalog.reports] == ["rejected", "rejected"]
    assert dag.report_url == cli.report_url is not None


def test_a_lost_run_report_is_noted_by_hub_run_and_fails_the_dag_task(
    contract, catalog: FakeCatalog, tmp_path: Path
) -> None:
    def unreachable(client, report):
        raise ConnectionError("catalog down")

    report = pipeline.run(
        contract,
        client=EmptyCatalog(),
        source_file=SAMPLE,
        workdir=tmp_path,
        run_id="x",
        validate=catalog.validate,
        publish=catalog.publish,
        send_report=unreachable,
    )
    assert report.status == "published"
    assert report.message.endswith("(laporan proses tidak terkirim ke katalog)")
    assert report.message_code == "published"  # what the catalog would have shown
    raw = pipeline.extract_step(contract, workdir=tmp_path, run_id="y", source_file=SAMPLE)
    with pytest.raises(ConnectionError):
        pipeline.report_step(
            contract,
            {"extract": raw},
            object(),
            workdir=tmp_path,
            run_id="y",
            send_report=unreachable,
        )


def test_missing_client_fails_without_publishing(
    contract, catalog: FakeCatalog, tmp_path: Path
) -> None:
    report = catalog.run(contract, source_file=SAMPLE, workdir=tmp_path, run_id="x")
    assert report.status == "failed"
    assert "CKAN" in report.message
    assert catalog.publish_calls == 0


def test_source_error_is_a_failure(contract, catalog: FakeCatalog, tmp_path: Path) -> None:
    report = catalog.run(
        contract,
        client=EmptyCatalog(),
        source_file=tmp_path / "nope.csv",
        workdir=tmp_path,
        run_id="x",
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
    report = catalog.run(contract, client=EmptyCatalog(), workdir=tmp_path, run_id="h")
    assert report.status == "published"
    raw = json.loads(json.dumps(save_raw(Hook().fetch(), tmp_path / "raw")))
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
    report = catalog.run(contract, client=EmptyCatalog(), workdir=tmp_path, run_id="n")
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
        pipeline.validate_step(
            contract, staged, workdir=tmp_path, run_id="t", raw=raw, validate=catalog.validate
        )
    )
    result = roundtrip(
        pipeline.publish_step(
            contract,
            staged,
            gate,
            client=EmptyCatalog(),
            workdir=tmp_path,
            run_id="t",
            raw=raw,
            publish=catalog.publish,
        )
    )
    quality = result.pop("quality")
    assert result == {
        "status": "published",
        "package_id": "pkg-1",
        "resource_ids": ["r-csv", "r-parquet"],
        "shrink_accepted": None,
        "awaiting_review": False,
    }
    assert set(quality) == {"total", "grade", "dimensions"}
    assert Path(staged["parquet_path"]).exists()


# --- issue 6: masking, Data Docs, report payload --------------------------------------------


# The injected numbers, written or normalized (random ids may contain "3456" alone).
RAW_PHONE = re.compile(r"0812\D?3456")


def _with_phone_column(tmp_path: Path) -> Path:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    rows = [lines[0] + ";Telepon"]
    rows += [f"{line};0812-3456-{7000 + i}" for i, line in enumerate(lines[1:]) if line]
    path = tmp_path / "fasyankes-telepon.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _telepon_contract(contract, reason: str | None):
    from tangerang_hub.contracts import Field

    telepon = Field("telepon", "string", "Telepon", pii_allowed_reason=reason)
    return replace(contract, fields=(*contract.fields, telepon))


def test_allowed_personal_data_is_masked_before_staging(contract, tmp_path: Path) -> None:
    allowed = _telepon_contract(contract, "nomor layanan publik fasilitas")
    raw = pipeline.extract_step(
        allowed, workdir=tmp_path, run_id="m", source_file=_with_phone_column(tmp_path)
    )
    staged = pipeline.normalize_step(allowed, raw, workdir=tmp_path, run_id="m")
    text = Path(staged["csv_path"]).read_text(encoding="utf-8")
    assert not RAW_PHONE.search(text) and "0812******00" in text
    gate = pipeline.validate_step(allowed, staged, workdir=tmp_path, run_id="m", raw=raw)
    assert gate["success"] and gate["statistics"]["blocking"] == 0


def test_personal_data_without_a_reason_is_rejected_with_one_page_data_docs(
    contract, tmp_path: Path
) -> None:
    blocked = _telepon_contract(contract, None)
    raw = pipeline.extract_step(
        blocked, workdir=tmp_path, run_id="p", source_file=_with_phone_column(tmp_path)
    )
    staged = pipeline.normalize_step(blocked, raw, workdir=tmp_path, run_id="p")
    with pytest.raises(pipeline.BatchRejected) as caught:
        pipeline.validate_step(blocked, staged, workdir=tmp_path, run_id="p", raw=raw)
    page = docs_page(tmp_path, blocked.id, "p")
    assert page is not None and page.parent == tmp_path / "docs" / "fasyankes" / "p"
    html = page.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and "<script" not in html.lower()
    assert "0812******00" in html and not RAW_PHONE.search(html)
    assert "expect_column_values_to_not_contain_pii" in html
    folder = caught.value.quarantine_path
    assert (folder / "validasi.html").exists() and (folder / "gx_result.json").exists()
    assert not RAW_PHONE.search((folder / "gx_result.json").read_text(encoding="utf-8"))

    report = pipeline.report_from_steps(
        blocked, {"extract": raw, "normalize": staged}, workdir=tmp_path, run_id="p"
    )
    assert report.status == "rejected" and report.data_docs_path == page
    from tangerang_hub.report import report_payload

    payload = report_payload(report)
    assert payload["data_docs_html"] == html
    assert {(p["row"], p["column"]) for p in payload["validation"]["blocking"]} >= {(2, "telepon")}


class RefusingCatalog:
    """A catalog from before Data Docs storage: refuses the unknown key."""

    def __init__(self) -> None:
        self.payloads: list[dict[str, Any]] = []

    def call(self, action, data=None, **params):
        from tangerang_hub.ckan_client import CkanError

        self.payloads.append(dict(data or {}))
        if "data_docs_html" in (data or {}):
            raise CkanError(action, 409, {"__type": "Validation Error", "data_docs_html": ["?"]})
        return {"id": "rr-1"}


def test_a_catalog_refusing_data_docs_still_gets_the_report(tmp_path: Path) -> None:
    from tangerang_hub.report import send_report
    from tangerang_hub.run_report import RunReport

    page = tmp_path / "validasi.html"
    page.write_text("<html>ok</html>", encoding="utf-8")
    report = RunReport("fasyankes", "r", "published", datetime.now(UTC), data_docs_path=page)
    catalog = RefusingCatalog()
    assert send_report(catalog, report) == {"id": "rr-1"}
    assert [("data_docs_html" in p) for p in catalog.payloads] == [True, False]


def test_data_docs_over_the_limit_are_not_sent(tmp_path: Path) -> None:
    from tangerang_hub.report import MAX_DATA_DOCS_BYTES, report_payload
    from tangerang_hub.run_report import RunReport

    page = tmp_path / "validasi.html"
    page.write_text("x" * MAX_DATA_DOCS_BYTES, encoding="utf-8")
    report = RunReport("fasyankes", "r", "published", datetime.now(UTC), data_docs_path=page)
    assert "data_docs_html" not in report_payload(report)


class PublishedCatalog(EmptyCatalog):
    """The catalog shows what `catalog` last published, so the next run's remembered
    fingerprint applies (`source_state.load`)."""

    def __init__(self, catalog: FakeCatalog) -> None:
        self.catalog = catalog

    def show_or_none(self, action: str, **params: Any) -> dict[str, Any] | None:
        if action != "package_show" or self.catalog.published_sha is None:
            return None
        return {"state": "active", "sha256": self.catalog.published_sha, "row_count": 58}


def _raw_file(workdir: Path, contract, run_id: str) -> Path:
    from tangerang_hub.workdir import raw_dir

    return raw_dir(workdir, contract.id, run_id) / SAMPLE.name


def test_an_unchanged_run_links_the_raw_copy_it_already_has(
    contract, catalog: FakeCatalog, tmp_path: Path
) -> None:
    client = PublishedCatalog(catalog)
    first = catalog.run(contract, client=client, source_file=SAMPLE, workdir=tmp_path, run_id="r1")
    assert first.status == "published", first.message

    second = catalog.run(contract, client=client, source_file=SAMPLE, workdir=tmp_path, run_id="r2")

    assert second.status == "unchanged" and catalog.publish_calls == 1
    kept, linked = _raw_file(tmp_path, contract, "r1"), _raw_file(tmp_path, contract, "r2")
    assert linked.read_bytes() == SAMPLE.read_bytes()
    assert linked.stat().st_ino == kept.stat().st_ino, "the same bytes were written again"


def test_an_unchanged_run_writes_the_raw_copy_again_when_the_kept_one_was_touched(
    contract, catalog: FakeCatalog, tmp_path: Path
) -> None:
    client = PublishedCatalog(catalog)
    catalog.run(contract, client=client, source_file=SAMPLE, workdir=tmp_path, run_id="r1")
    kept = _raw_file(tmp_path, contract, "r1")
    size = kept.stat().st_size
    kept.write_bytes(b"x" * size)  # same size, other bytes: only its mtime tells

    second = catalog.run(contract, client=client, source_file=SAMPLE, workdir=tmp_path, run_id="r2")
    kept.unlink()  # pruned
    third = catalog.run(contract, client=client, source_file=SAMPLE, workdir=tmp_path, run_id="r3")

    assert [second.status, third.status] == ["unchanged", "unchanged"]
    for run_id in ("r2", "r3"):
        assert _raw_file(tmp_path, contract, run_id).read_bytes() == SAMPLE.read_bytes()
