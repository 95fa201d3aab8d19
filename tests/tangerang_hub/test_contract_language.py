"""What `hub` says before a run starts (a broken contract, an unknown dataset, a missing
connection) is printed in HUB_LANG's language: Bahasa Indonesia by default, English with
HUB_LANG=en. `str()` of each error stays the English text (developer logs, tracebacks)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from contract_factory import MINIMAL

from tangerang_hub.cli import main
from tangerang_hub.connections import ConnectionNotFoundError, get_connection
from tangerang_hub.contracts import ContractError, load_contract

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "stack" / "sample_agency" / "data" / "dinkes" / "fasyankes.csv"


def hub(*argv: str, client_factory=None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), client_factory=client_factory, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def write(folder: Path, name: str, **changes) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump({**MINIMAL, **changes}, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def lang(monkeypatch: pytest.MonkeyPatch):
    """Set HUB_LANG ('' leaves the default, Indonesian)."""

    def choose(value: str) -> None:
        monkeypatch.setenv("HUB_LANG", value)

    return choose


def test_broken_contract_in_indonesian_by_default_and_english_on_request(
    tmp_path: Path, lang
) -> None:
    # the file name differs from the id; the producer and the schedule are wrong
    path = write(tmp_path, "lain", producer="Dinas Kesehatan", schedule="0 3 * *")
    lang("")
    code, _out, err = hub("contracts", "check", str(path))
    assert code == 1
    assert f"GAGAL {path}: id: id 'contoh' harus sama dengan nama berkas 'lain'" in err
    assert f"{path}: producer: 'Dinas Kesehatan' bukan slug" in err
    assert f"{path}: schedule: '0 3 * *' bukan ekspresi cron dengan 5 bagian" in err
    for english in ("must equal", "is not a slug", "is not a cron expression", "FAIL"):
        assert english not in err
    lang("en")
    code, _out, err = hub("contracts", "check", str(path))
    assert code == 1
    assert f"FAIL {path}: id: id 'contoh' must equal the file name 'lain'" in err
    assert f"{path}: producer: 'Dinas Kesehatan' is not a slug" in err
    assert "harus sama" not in err and "bukan slug" not in err


def test_schema_error_keeps_the_librarys_text_framed_in_both_languages(
    tmp_path: Path, lang
) -> None:
    path = write(tmp_path, "contoh", fields=[{"name": "tahun", "type": "angka", "title": "T"}])
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "angka" in t)
    lang("")
    err = hub("contracts", "check", str(path))[2]
    assert "fields[0].type: 'angka' is not one of" in err  # jsonschema's own words
    assert "nilai tidak dikenal, tidak sesuai skema kontrak" in err
    assert f"(baris {line})" in err and "(line " not in err
    lang("en")
    err = hub("contracts", "check", str(path))[2]
    assert f"(line {line})" in err and "skema kontrak" not in err and "baris" not in err


def test_missing_required_key_and_invalid_yaml(tmp_path: Path, lang) -> None:
    data = {k: v for k, v in MINIMAL.items() if k != "title"}
    missing = tmp_path / "contoh.yaml"
    missing.write_text(yaml.safe_dump(data), encoding="utf-8")
    bad = tmp_path / "rusak.yaml"
    bad.write_text("id: rusak\ntitle: [unclosed\n", encoding="utf-8")
    lang("")
    err = hub("contracts", "check", str(missing), str(bad))[2]
    assert f"{missing}: (tingkat atas): 'title' is a required property — bidang wajib" in err
    assert f"{bad}: baris 3, kolom 1: YAML tidak valid: " in err
    assert "(root)" not in err and "invalid YAML" not in err  # the parser's own text stays
    lang("en")
    err = hub("contracts", "check", str(missing), str(bad))[2]
    assert f"{missing}: (root): 'title' is a required property" in err
    assert f"{bad}: line 3, column 1: invalid YAML: " in err


def test_contract_error_str_stays_english(tmp_path: Path) -> None:
    with pytest.raises(ContractError) as info:
        load_contract(write(tmp_path, "lain"))
    assert (
        str(info.value)
        == f"{tmp_path / 'lain.yaml'}: id: id 'contoh' must equal the file name 'lain'"
    )
    assert info.value.said.render("id").endswith("harus sama dengan nama berkas 'lain'")


def test_a_cached_contract_checked_again_still_speaks_both_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a valid text is cached on disk; the same text under another name fails the id check
    # from the cached data (the checks that depend on the file's name run again)
    monkeypatch.setenv("HUB_CONTRACT_CACHE", str(tmp_path / "cache"))
    load_contract(write(tmp_path, "contoh"))
    assert list((tmp_path / "cache").glob("*.json"))
    other = tmp_path / "lain.yaml"
    other.write_bytes((tmp_path / "contoh.yaml").read_bytes())
    with pytest.raises(ContractError) as info:
        load_contract(other)
    assert "harus sama dengan nama berkas 'lain'" in info.value.said.render("id")
    assert "must equal the file name 'lain'" in str(info.value)


def test_unknown_dataset_and_broken_contract_before_a_run(
    tmp_path: Path, lang, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_CONTRACTS_DIR", str(tmp_path))
    write(tmp_path, "contoh", producer="Dinas Kesehatan")
    lang("")
    code, _out, err = hub("run", "tidak-ada", "--dry-run")
    assert code == 1
    assert "galat: dataset 'tidak-ada' tidak ditemukan di" in err
    assert "dataset yang dikenal: contoh" in err and "not found" not in err
    code, _out, err = hub("run", "contoh", "--dry-run")
    assert code == 1 and "producer: 'Dinas Kesehatan' bukan slug" in err
    lang("en")
    assert "error: dataset 'tidak-ada' not found in" in hub("run", "tidak-ada", "--dry-run")[2]
    assert "is not a slug" in hub("run", "contoh", "--dry-run")[2]


def test_missing_connection_in_both_languages(
    tmp_path: Path, lang, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_CKAN_DEFAULT", raising=False)
    args = ("run", "fasyankes", "--source-file", str(SAMPLE), "--workdir", str(tmp_path))
    lang("")
    code, _out, err = hub(*args)  # the default client factory: CkanClient.from_connection
    assert code == 1
    assert (
        "tidak dapat terhubung ke CKAN (ckan_default): koneksi 'ckan_default' belum diatur" in err
    )
    assert "AIRFLOW_CONN_CKAN_DEFAULT" in err and "is not defined" not in err
    lang("en")
    err = hub(*args)[2]
    assert "cannot connect to CKAN (ckan_default): connection 'ckan_default' is not defined" in err
    assert "belum diatur" not in err


def test_connection_errors_keep_english_str_and_say_indonesian(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_NOPE", raising=False)
    with pytest.raises(ConnectionNotFoundError) as info:
        get_connection("nope")
    assert str(info.value) == (
        "connection 'nope' is not defined: set it in Airflow or export AIRFLOW_CONN_NOPE"
    )
    assert info.value.said.render("id") == (
        "koneksi 'nope' belum diatur: atur di Airflow atau ekspor AIRFLOW_CONN_NOPE"
    )
    monkeypatch.setenv("AIRFLOW_CONN_NOPE", "{not json")
    with pytest.raises(ValueError, match="is not valid JSON") as bad:
        get_connection("nope")
    assert "bukan JSON yang valid" in bad.value.said.render("id")  # type: ignore[attr-defined]


def test_list_with_a_duplicate_id_in_both_languages(
    tmp_path: Path, lang, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_CONTRACTS_DIR", str(tmp_path))
    write(tmp_path, "contoh")
    (tmp_path / "contoh.yml").write_bytes((tmp_path / "contoh.yaml").read_bytes())
    lang("")
    code, _out, err = hub("list")
    assert code == 1
    assert "galat: " in err and "id: id 'contoh' juga dipakai oleh" in err
    assert "also used by" not in err
    lang("en")
    assert "id: id 'contoh' is also used by" in hub("list")[2]
