import io
import json
import shutil
from functools import partial
from pathlib import Path

import pytest
from empty_catalog import EmptyCatalog

from tangerang_hub import pipeline
from tangerang_hub.cli import main

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO / "schemas" / "datasets"
SAMPLE = REPO / "stack" / "sample_agency" / "data" / "dinkes" / "fasyankes.csv"


def hub(*argv: str, client_factory=None, run_pipeline=None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        list(argv),
        client_factory=client_factory,
        run_pipeline=run_pipeline,
        stdout=out,
        stderr=err,
    )
    return code, out.getvalue(), err.getvalue()


class Gate:
    success = True
    blocking: list = []
    warnings: list = []
    statistics: dict = {}


class Published:
    status = "published"
    package_id = "pkg"
    resource_ids = ["r1"]


class FakeCatalog:
    """Stand-in stages for `pipeline.run`: every check passes, publishing is recorded."""

    def __init__(self) -> None:
        self.published: list[str] = []  # sha256 of each published batch

    def publish(self, staged, contract, client, gate, **kwargs):
        self.published.append(staged.sha256)
        return Published()

    def run(self):
        return partial(
            pipeline.run,
            validate=lambda table, contract, **kwargs: Gate(),
            publish=self.publish,
            send_report=lambda client, report: None,
        )


@pytest.fixture
def fake_catalog() -> FakeCatalog:
    return FakeCatalog()


def test_contracts_check_all() -> None:
    code, out, err = hub("contracts", "check")
    assert code == 0, err
    assert "fasyankes.yaml" in out


def test_contracts_check_broken_copy(tmp_path: Path) -> None:
    broken = tmp_path / "fasyankes.yaml"
    text = (DATASETS / "fasyankes.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("type: integer", "type: bilangan", 1), encoding="utf-8")
    code, _out, err = hub("contracts", "check", str(broken))
    assert code == 1
    assert f"GAGAL {broken}: fields[" in err
    assert ".type: 'bilangan' is not one of" in err
    assert "0/1 kontrak valid" in err


def test_contracts_check_folder(tmp_path: Path, monkeypatch) -> None:
    shutil.copy(DATASETS / "fasyankes.yaml", tmp_path)
    code, out, _err = hub("contracts", "check", str(tmp_path))
    assert code == 0
    assert "1/1 kontrak valid" in out
    monkeypatch.setenv("HUB_LANG", "en")
    assert "1/1 contracts ok" in hub("contracts", "check", str(tmp_path))[1]


@pytest.mark.parametrize(
    "lang, header",
    [
        ("id", ["ID", "PRODUSEN", "DIMENSI", "FREKUENSI", "SUMBER"]),
        ("en", ["ID", "PRODUCER", "DIMENSIONS", "FREQUENCY", "SOURCE"]),
    ],
)
def test_list(lang: str, header: list[str], monkeypatch) -> None:
    monkeypatch.setenv("HUB_LANG", lang)
    code, out, _err = hub("list")
    assert code == 0
    first, *rows = out.splitlines()
    assert first.split() == header
    assert any(r.split() == ["fasyankes", "dinkes", "living", "bulanan", "http_csv"] for r in rows)


def test_an_unknown_dataset_is_an_error_in_the_stewards_language(monkeypatch) -> None:
    code, _out, err = hub("run", "tidak-ada", "--dry-run")
    assert code == 1 and err.startswith("galat: ")
    monkeypatch.setenv("HUB_LANG", "en")
    assert hub("run", "tidak-ada", "--dry-run")[2].startswith("error: ")


def test_run_dry_run_json(tmp_path: Path, fake_catalog: FakeCatalog) -> None:
    code, out, err = hub(
        "run",
        "fasyankes",
        "--source-file",
        str(SAMPLE),
        "--dry-run",
        "--json",
        "--workdir",
        str(tmp_path),
        "--run-id",
        "uji",
        run_pipeline=fake_catalog.run(),
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["status"] == "unchanged" and report["dry_run"] is True
    assert report["rows"] == 58 and report["run_id"] == "uji"
    assert "normalisasi" in err  # progress goes to stderr
    assert fake_catalog.published == []


def test_run_publishes_with_client(tmp_path: Path, fake_catalog: FakeCatalog) -> None:
    code, out, _err = hub(
        "run",
        "fasyankes",
        "--source-file",
        str(SAMPLE),
        "--workdir",
        str(tmp_path),
        client_factory=EmptyCatalog,
        run_pipeline=fake_catalog.run(),
    )
    assert code == 0
    assert out.startswith("fasyankes: diterbitkan — Diterbitkan: 58 baris.")
    assert len(fake_catalog.published) == 1


@pytest.mark.parametrize(
    ("lang", "where"),
    [
        ("", "  GALAT fasyankes.csv baris 6, kolom Latitude: "),
        ("en", "  ERROR fasyankes.csv row 6, column Latitude: "),
    ],
)
def test_run_rejected_exit_2(
    tmp_path: Path,
    fake_catalog: FakeCatalog,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    where: str,
) -> None:
    monkeypatch.setenv("HUB_LANG", lang)
    bad = tmp_path / "fasyankes.csv"
    text = SAMPLE.read_text(encoding="utf-8").splitlines()
    cells = text[5].split(";")
    cells[8] = "minus enam"
    text[5] = ";".join(cells)
    bad.write_text("\n".join(text), encoding="utf-8")
    code, out, _err = hub(
        "run",
        "fasyankes",
        "--source-file",
        str(bad),
        "--workdir",
        str(tmp_path),
        client_factory=EmptyCatalog,
        run_pipeline=fake_catalog.run(),
    )
    assert code == 2
    assert where in out  # each problem in the summary's language
    assert fake_catalog.published == []


def test_run_env_workdir(
    tmp_path: Path, fake_catalog: FakeCatalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_WORKDIR", str(tmp_path / "w"))
    code, _out, _err = hub(
        "run",
        "fasyankes",
        "--source-file",
        str(SAMPLE),
        "--dry-run",
        run_pipeline=fake_catalog.run(),
    )
    assert code == 0
    assert list((tmp_path / "w" / "staging" / "fasyankes").glob("*.parquet"))


def test_run_unknown_dataset(monkeypatch) -> None:
    code, _out, err = hub("run", "tidak-ada", "--dry-run")
    assert code == 1
    assert "'tidak-ada' tidak ditemukan" in err
    monkeypatch.setenv("HUB_LANG", "en")
    assert "'tidak-ada' not found" in hub("run", "tidak-ada", "--dry-run")[2]


def test_run_without_ckan_connection(tmp_path: Path) -> None:
    def no_connection():
        raise LookupError("connection 'ckan_default' is not defined")

    code, _out, err = hub(
        "run",
        "fasyankes",
        "--source-file",
        str(SAMPLE),
        "--workdir",
        str(tmp_path),
        client_factory=no_connection,
    )
    assert code == 1
    assert "ckan_default" in err


def test_scan_delegates(monkeypatch: pytest.MonkeyPatch) -> None:
    import tangerang_hub.scan as scan

    seen: list[list[str]] = []
    monkeypatch.setattr(scan, "main", lambda argv: seen.append(list(argv)) or 3)
    assert main(["scan", "a.csv", "--json", "b.xlsx"]) == 3
    assert seen == [["a.csv", "--json", "b.xlsx"]]
