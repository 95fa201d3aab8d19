from pathlib import Path

import pytest
import yaml
from contract_factory import MINIMAL

from tangerang_hub.contracts import (
    Contract,
    ContractError,
    UnknownDatasetError,
    format_path,
    get_contract,
    load_contract,
    load_contracts,
)

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, data: dict, name: str | None = None) -> Path:
    path = tmp_path / f"{name or data.get('id', 'contoh')}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def broken(**changes) -> dict:
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    for dotted, value in changes.items():
        target = data
        keys = dotted.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if value is ...:
            del target[last]
        elif last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value
    return data


def test_minimal_contract_loads_with_defaults(tmp_path: Path) -> None:
    contract = load_contract(write(tmp_path, MINIMAL))
    assert isinstance(contract, Contract)
    assert contract.id == "contoh"
    assert contract.license == "CC-BY-4.0"
    assert contract.access == "terbuka"
    assert contract.formats == ("csv", "parquet")
    assert contract.datastore is True
    assert contract.sample is False
    assert contract.primary_key == ("kecamatan", "tahun")
    assert contract.fields[0].reference == "kecamatan"
    assert contract.fields[2].minimum == 0.0
    assert contract.source.params["path"] == "/x.csv"
    assert contract.field_names == ("kecamatan", "tahun", "jumlah")


def test_full_text_fields_of_the_datastore(tmp_path: Path) -> None:
    assert load_contract(write(tmp_path, MINIMAL)).full_text == ()  # the catalog's default
    data = broken(publish={"full_text": ["kecamatan"]})
    assert load_contract(write(tmp_path, data)).full_text == ("kecamatan",)


def test_dates_in_yaml_stay_text(tmp_path: Path) -> None:
    data = broken(sdi={"cakupan_waktu": {"mulai": "2024-01-01"}})
    contract = load_contract(write(tmp_path, data))
    assert contract.sdi["cakupan_waktu"] == {"mulai": "2024-01-01"}


@pytest.mark.parametrize(
    ("changes", "path", "reason"),
    [
        ({"fields__1__type": "angka"}, "fields[1].type", "is not one of"),
        ({"title": ...}, "", "'title' is a required property"),
        ({"dimensions": ["kesehatan"]}, "dimensions[0]", "is not one of"),
        ({"source__type": "ftp"}, "source.type", "is not one of"),
        ({"fields__0__constraints": {"requird": True}}, "fields[0].constraints", "requird"),
        ({"primary_keys": ["tahun"]}, "", "primary_keys"),
        ({"primary_key": ["kode"]}, "primary_key[0]", "'kode' is not a field"),
        ({"producer": "Dinas Kesehatan"}, "producer", "not a slug"),
        ({"schedule": "0 3 * *"}, "schedule", "5 fields"),
        ({"fields__1__reference": "kelurahan"}, "fields[1].reference", "only allowed on string"),
        ({"fields__2__role": "latitude"}, "fields[2].role", "needs type number"),
        (
            {"fields__2__constraints": {"minimum": 5, "maximum": 1}},
            "fields[2].constraints",
            "greater",
        ),
        ({"fields__0__constraints": {"pattern": "(["}}, "fields[0].constraints.pattern", "regular"),
        ({"fields__1__name": "kecamatan"}, "fields[1].name", "duplicate field"),
        ({"publish": {"full_text": ["alamat"]}}, "publish.full_text[0]", "not a field"),
        ({"publish": {"full_text": []}}, "publish.full_text", "should be non-empty"),
        ({"sdi": {"kontak": "Diskominfo"}}, "sdi", "'kontak' was unexpected"),
        ({"sdi": {"walidata": "Diskominfo"}}, "sdi.walidata", "is not of type 'object'"),
        ({"sdi": {"walidata": {"nama": "Diskominfo"}}}, "sdi.walidata", "'email'"),
        ({"sdi": {"cakupan_wilayah": "Kota Tangerang"}}, "sdi.cakupan_wilayah", "does not match"),
        ({"sdi": {"cakupan_waktu": "2024"}}, "sdi.cakupan_waktu", "is not of type 'object'"),
        ({"sdi": {"cakupan_waktu": {"mulai": "2024-02-30"}}}, "sdi.cakupan_waktu.mulai", "date"),
        (
            {"sdi": {"cakupan_waktu": {"mulai": "2024-12-31", "selesai": "2024-01-01"}}},
            "sdi.cakupan_waktu.selesai",
            "before mulai",
        ),
    ],
)
def test_broken_contract_names_path_and_reason(
    tmp_path: Path, changes: dict, path: str, reason: str
) -> None:
    file = write(tmp_path, broken(**changes))
    with pytest.raises(ContractError) as info:
        load_contract(file)
    err = info.value
    assert err.file == str(file)
    assert any(p == path and reason in r for p, r in err.issues), err.issues
    assert str(file) in str(err)


def test_schema_error_gives_yaml_line(tmp_path: Path) -> None:
    file = write(tmp_path, broken(fields__1__type="angka"))
    with pytest.raises(ContractError) as info:
        load_contract(file)
    line = next(i for i, t in enumerate(file.read_text().splitlines(), 1) if "angka" in t)
    assert f"(line {line})" in info.value.reason


def test_id_must_match_file_name(tmp_path: Path) -> None:
    with pytest.raises(ContractError) as info:
        load_contract(write(tmp_path, MINIMAL, name="lain"))
    assert info.value.path == "id"


def test_invalid_yaml_names_line(tmp_path: Path) -> None:
    file = tmp_path / "contoh.yaml"
    file.write_text("id: contoh\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContractError) as info:
        load_contract(file)
    assert info.value.path.startswith("line ")
    assert "invalid YAML" in info.value.reason


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL)
    (tmp_path / "contoh.yml").write_text(yaml.safe_dump(MINIMAL), encoding="utf-8")
    with pytest.raises(ContractError, match="also used by"):
        load_contracts(tmp_path)


def test_directory_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, MINIMAL)
    monkeypatch.setenv("HUB_CONTRACTS_DIR", str(tmp_path))
    assert [c.id for c in load_contracts()] == ["contoh"]
    assert get_contract("contoh").path == (tmp_path / "contoh.yaml").resolve()
    with pytest.raises(UnknownDatasetError, match="known datasets: contoh"):
        get_contract("tidak-ada")


@pytest.mark.parametrize(
    ("parts", "expected"),
    [(["fields", 3, "type"], "fields[3].type"), (["source", "params"], "source.params"), ([], "")],
)
def test_format_path(parts: list, expected: str) -> None:
    assert format_path(parts) == expected


def test_shipped_contracts_are_valid() -> None:
    contracts = load_contracts(REPO / "schemas" / "datasets")
    ids = {c.id for c in contracts}
    assert {"fasyankes", "penduduk-kecamatan", "sekolah-kecamatan"} <= ids


def test_fasyankes_contract() -> None:
    contract = get_contract("fasyankes", REPO / "schemas" / "datasets")
    assert contract.producer == "dinkes"
    assert contract.dimensions == ("living",)
    assert contract.level == "titik"
    assert contract.source.type == "http_csv"
    assert contract.source.params["path"] == "/dinkes/fasyankes.csv"
    assert contract.primary_key == ("kode_faskes",)
    assert contract.field("kode_faskes").format == "id"
    assert contract.field("kecamatan").reference == "kecamatan"
    assert contract.field("kelurahan").reference == "kelurahan"
    assert contract.field("latitude").role == "latitude"
    assert contract.sample is True


def test_contract_can_be_copied_and_pickled() -> None:
    import copy
    import dataclasses
    import pickle

    contract = get_contract("fasyankes", REPO / "schemas" / "datasets")
    assert pickle.loads(pickle.dumps(contract)) == contract
    assert copy.deepcopy(contract) == contract
    assert dataclasses.asdict(contract)["source"]["params"] == {"path": "/dinkes/fasyankes.csv"}


def test_a_contract_is_parsed_once_per_content(tmp_path, monkeypatch) -> None:
    from tangerang_hub import contracts

    monkeypatch.setenv(contracts.CACHE_ENV, "")  # this process's cache only
    source = contracts.contracts_dir() / "fasyankes.yaml"
    copy = tmp_path / "fasyankes.yaml"
    copy.write_bytes(source.read_bytes())
    parsed: list[Path] = []
    real = contracts._load
    monkeypatch.setattr(contracts, "_load", lambda p, text: parsed.append(p) or real(p, text))
    first = contracts.load_contract(copy)
    assert contracts.load_contract(copy) is first
    assert len(parsed) == 1
    copy.write_text(source.read_text().replace("title: Fasilitas Pelayanan", "title: Layanan", 1))
    assert contracts.load_contract(copy).title != first.title  # new content, parsed again
    assert len(parsed) == 2


def test_a_new_process_reuses_the_validation_of_the_same_content(tmp_path, monkeypatch) -> None:
    """The dag-processor parses in a new process: the disk cache spares it the YAML parse and
    the JSON Schema, for the same text and the same rules only."""
    from tangerang_hub import contracts

    monkeypatch.setenv(contracts.CACHE_ENV, str(tmp_path / "cache"))
    path = write(tmp_path, MINIMAL)
    parsed: list[Path] = []
    real = contracts._load
    monkeypatch.setattr(contracts, "_load", lambda p, text: parsed.append(p) or real(p, text))
    first = contracts.load_contract(path)
    [kept] = (tmp_path / "cache").iterdir()
    assert kept.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "cache").stat().st_mode & 0o777 == 0o700

    monkeypatch.setattr(contracts, "_CACHE", {})  # as a new process starts
    again = contracts.load_contract(path)
    assert again == first and len(parsed) == 1

    monkeypatch.setattr(contracts, "_CACHE", {})
    contracts._validation_version.cache_clear()
    monkeypatch.setattr(contracts, "_validation_version", lambda: "other-rules")
    assert contracts.load_contract(path) == first
    assert len(parsed) == 2  # other rules: validated again


def test_a_cached_contract_still_checks_its_file_name(tmp_path, monkeypatch) -> None:
    from tangerang_hub import contracts

    monkeypatch.setenv(contracts.CACHE_ENV, str(tmp_path / "cache"))
    contracts.load_contract(write(tmp_path, MINIMAL))
    monkeypatch.setattr(contracts, "_CACHE", {})
    renamed = write(tmp_path, MINIMAL, name="lain")  # same text, another file name
    with pytest.raises(ContractError, match="must equal the file name"):
        contracts.load_contract(renamed)


def test_a_torn_cache_file_is_validated_afresh(tmp_path, monkeypatch) -> None:
    from tangerang_hub import contracts

    monkeypatch.setenv(contracts.CACHE_ENV, str(tmp_path / "cache"))
    path = write(tmp_path, MINIMAL)
    first = contracts.load_contract(path)
    [kept] = (tmp_path / "cache").iterdir()
    kept.write_text('{"id": "contoh", "fie', encoding="utf-8")
    monkeypatch.setattr(contracts, "_CACHE", {})
    assert contracts.load_contract(path) == first
    assert contracts.load_contract(path).fields == first.fields
