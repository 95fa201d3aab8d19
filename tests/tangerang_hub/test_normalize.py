"""tangerang_hub.normalize: the driver (columns matched to the contract, cells typed, problems)."""

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import yaml

from tangerang_hub.contracts import load_contract
from tangerang_hub.normalize import MAX_PROBLEMS, NormalizeError, normalize, preview, row_numbers
from tangerang_hub.sources.base import RawBatch
from tangerang_quality.masking import mask_identifiers

REPO = Path(__file__).resolve().parents[2]

CONTRACT = {
    "id": "uji",
    "title": "Dataset uji",
    "description": "Kontrak untuk menguji normalisasi.",
    "producer": "diskominfo",
    "dimensions": ["governance"],
    "frequency": "tahunan",
    "level": "kelurahan",
    "schedule": "@daily",
    "source": {"type": "http_csv", "conn_id": "x", "params": {}},
    "fields": [
        {
            "name": "kode",
            "type": "string",
            "format": "id",
            "title": "Kode Unit",
            "constraints": {"required": True},
        },
        {"name": "kecamatan", "type": "string", "title": "Kecamatan", "reference": "kecamatan"},
        {"name": "kelurahan", "type": "string", "title": "Kelurahan", "reference": "kelurahan"},
        {"name": "jumlah", "type": "integer", "title": "Jumlah Penduduk"},
        {"name": "rasio", "type": "number", "title": "Rasio"},
        {"name": "tanggal", "type": "date", "title": "Tanggal"},
        {"name": "aktif", "type": "boolean", "title": "Aktif"},
        {"name": "tahun", "type": "year", "title": "Tahun"},
        {
            "name": "jenis",
            "type": "string",
            "title": "Jenis",
            "constraints": {"enum": ["Negeri", "Swasta"]},
        },
    ],
    "primary_key": ["kode"],
}
HEADER = "kode;kecamatan;kelurahan;jumlah;rasio;tanggal;aktif;tahun;jenis"


@pytest.fixture(scope="module")
def contract(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("contracts") / "uji.yaml"
    path.write_text(yaml.safe_dump(CONTRACT), encoding="utf-8")
    return load_contract(path)


def csv_batch(text: str, encoding: str = "utf-8", name: str = "uji.csv") -> RawBatch:
    return RawBatch(
        records=None, content=text.encode(encoding), filename=name, media_type="text/csv"
    )


def good_csv() -> str:
    return "\n".join(
        [
            HEADER,
            "0012;Kec. Cipondoh;Poris Plawad;1.234.567;1,5;17 Agustus 2024;ya;2024;negeri",
            "0013;3671050;batujaya;12;2.25;2024-01-02;tidak;2023;Swasta",
            ";;;;;;;;",
            "3671012345678901;KARANG TENGAH;Pedurenan;;;;;2024;",
        ]
    )


def test_csv_is_typed_in_contract_order(contract) -> None:
    table = normalize(csv_batch(good_csv()), contract)
    assert table.column_names == [f.name for f in contract.fields]
    assert table.schema.field("jumlah").type == pa.int64()
    assert table.schema.field("rasio").type == pa.float64()
    assert table.schema.field("tanggal").type == pa.date32()
    assert table.schema.field("tahun").type == pa.int32()
    rows = table.to_pylist()
    assert rows[0] == {
        "kode": "0012",
        "kecamatan": "36.71.05",
        "kelurahan": "36.71.05.1008",
        "jumlah": 1234567,
        "rasio": 1.5,
        "tanggal": date(2024, 8, 17),
        "aktif": True,
        "tahun": 2024,
        "jenis": "Negeri",
    }
    assert rows[1]["kecamatan"] == "36.71.03"
    assert rows[1]["kelurahan"] == "36.71.03.1002"
    assert rows[2]["kode"] == "3671012345678901"
    assert rows[2]["jumlah"] is None and rows[2]["jenis"] is None
    assert table.num_rows == 3  # the blank line is skipped
    assert row_numbers(table) == [2, 3, 5]


def test_headers_match_titles_and_spelling(contract) -> None:
    text = "KODE UNIT,Kecamatan,kelurahan,jumlah penduduk,Rasio,TANGGAL,aktif,tahun,jenis,ekstra\n"
    text += "1,Benda,Benda,1,1,2024-01-01,ya,2024,Negeri,x\n"
    table = normalize(csv_batch(text), contract)
    assert table.to_pylist()[0]["jumlah"] == 1
    assert "ekstra" not in table.column_names


def test_cp1252_file(contract) -> None:
    text = HEADER + "\n1;Benda;Benda;1;1;2024-01-01;ya;2024;Negeri – baru\n"
    table = normalize(csv_batch(text, "cp1252"), contract)
    assert table.column("jenis").to_pylist() == ["Negeri – baru"]


def test_missing_required_column(contract) -> None:
    text = "kecamatan;jumlah\nBenda;1\n"
    with pytest.raises(NormalizeError) as info:
        normalize(csv_batch(text), contract)
    problem = info.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("uji.csv", 1, "kode")
    assert "missing" in problem.message_en
    assert "kolom wajib 'kode'" in problem.message and "tidak ada" in problem.message
    # optional columns that are absent become null columns, not problems
    assert len(info.value.problems) == 1


def test_all_problems_are_collected_with_rows_and_columns(contract) -> None:
    text = "\n".join(
        [
            HEADER,
            "1;Cipondok;;1;1;2024-01-01;ya;2024;Negeri",
            "2;Benda;Benda;satu;1;31/02/2024;mungkin;2024;Negeri",
            "3;Benda;Sukasari;1;1;2024-01-01;ya;24;Negeri",
        ]
    )
    with pytest.raises(NormalizeError) as info:
        normalize(csv_batch(text), contract)
    found = {(p.row, p.column) for p in info.value.problems}
    assert found == {
        (2, "kecamatan"),
        (3, "jumlah"),
        (3, "tanggal"),
        (3, "aktif"),
        (4, "kelurahan"),  # Sukasari lies in kecamatan Tangerang, not Benda
        (4, "tahun"),
    }
    kel = next(p for p in info.value.problems if p.column == "kelurahan")
    assert "Sukasari" in kel.message and "Benda" in kel.message
    assert all(p.file == "uji.csv" for p in info.value.problems)
    assert "uji.csv row 2, column kecamatan" in str(info.value)


def test_a_kelurahan_is_checked_against_its_kecamatan_wherever_the_contract_lists_them(
    tmp_path: Path,
) -> None:
    """Columns are typed in parallel; a kelurahan listed before its kecamatan still waits."""
    fields = CONTRACT["fields"]
    swapped = {**CONTRACT, "fields": [fields[0], fields[2], fields[1], *fields[3:]]}
    path = tmp_path / "uji.yaml"
    path.write_text(yaml.safe_dump(swapped), encoding="utf-8")
    text = HEADER + "\n1;Benda;Sukasari;1;1;2024-01-01;ya;2024;Negeri\n"
    with pytest.raises(NormalizeError) as info:
        normalize(csv_batch(text), load_contract(path))
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "kelurahan")]


def test_too_many_values_in_a_row(contract) -> None:
    text = HEADER + "\n1;Benda;Benda;1;1;2024-01-01;ya;2024;Negeri;extra\n"
    with pytest.raises(NormalizeError) as info:
        normalize(csv_batch(text), contract)
    assert info.value.problems[0].row == 2
    assert "10 values" in info.value.problems[0].message_en
    assert "10 nilai" in info.value.problems[0].message


def test_empty_file(contract) -> None:
    with pytest.raises(NormalizeError, match="empty"):
        normalize(csv_batch("\n\n"), contract)


def test_records_rows_count_from_one(contract) -> None:
    records = [
        {"kode": "01", "kecamatan": "36.71.04", "jumlah": 5, "tanggal": "2024-01-01"},
        {"kode": "02", "kecamatan": "Benda", "jumlah": "x"},
    ]
    batch = RawBatch(
        records=records, content=None, filename="api.json", media_type="application/json"
    )
    with pytest.raises(NormalizeError) as info:
        normalize(batch, contract)
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "jumlah")]
    records[1]["jumlah"] = "1.000"
    table = normalize(batch, contract)
    assert table.column("jumlah").to_pylist() == [5, 1000]
    assert row_numbers(table) == [1, 2]


def test_json_content_is_read_as_records(contract) -> None:
    batch = RawBatch(
        records=None,
        content=b'[{"kode": "007", "jumlah": 3}]',
        filename="data.json",
        media_type="application/json",
    )
    assert normalize(batch, contract).to_pylist()[0]["kode"] == "007"


def test_xlsx_content(contract, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Kode Unit", "Kecamatan", "Tanggal", "Jumlah Penduduk"])
    sheet.append(["0099", "Larangan", datetime(2024, 8, 17), 1500])
    sheet.append(["0100", "Larangan", "tanggal?", 2])
    path = tmp_path / "uji.xlsx"
    book.save(path)
    batch = RawBatch(
        records=None,
        content=path.read_bytes(),
        filename="uji.xlsx",
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    with pytest.raises(NormalizeError) as info:
        normalize(batch, contract)
    assert [(p.row, p.column) for p in info.value.problems] == [(3, "Tanggal")]


def test_sample_fasyankes_file_normalizes() -> None:
    contract = load_contract(REPO / "schemas" / "datasets" / "fasyankes.yaml")
    path = REPO / "stack" / "sample_agency" / "data" / "dinkes" / "fasyankes.csv"
    table = normalize(csv_batch(path.read_text(encoding="utf-8"), name=path.name), contract)
    assert table.num_rows >= 50
    codes = table.column("kode_faskes").to_pylist()
    assert any(c.startswith("0") for c in codes) and all(len(c) == 7 for c in codes)
    assert len(set(codes)) == len(codes)
    assert all(c.startswith("36.71.") for c in table.column("kelurahan").to_pylist())
    lats = table.column("latitude").to_pylist()
    lons = table.column("longitude").to_pylist()
    assert all(-6.257 <= v <= -6.094 for v in lats)
    assert all(106.551 <= v <= 106.752 for v in lons)
    assert set(table.column("jenis").to_pylist()) <= set(contract.field("jenis").enum)


def sample_table(dataset: str, folder: str) -> tuple[Any, pa.Table, bytes]:
    contract = load_contract(REPO / "schemas" / "datasets" / f"{dataset}.yaml")
    path = REPO / "stack" / "sample_agency" / "data" / folder / f"{dataset}.csv"
    raw = path.read_bytes()
    batch = RawBatch(records=None, content=raw, filename=path.name, media_type="text/csv")
    return contract, normalize(batch, contract), raw


def test_sample_penduduk_is_cp1252_with_indonesian_thousands() -> None:
    contract, table, raw = sample_table("penduduk-kecamatan", "disdukcapil")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert b";" in raw.splitlines()[0] and b"." in raw.splitlines()[1]
    rows = table.to_pylist()
    assert len({r["kecamatan"] for r in rows}) == 13
    assert all(r["laki_laki"] + r["perempuan"] == r["jumlah"] for r in rows)
    assert all(r["jumlah"] > 50_000 for r in rows)
    assert all(1_000 < r["kepadatan"] < 40_000 for r in rows)
    assert {r["tahun"] for r in rows} == {2021, 2022, 2023, 2024}


def test_sample_sekolah_maps_bps_codes() -> None:
    contract, table, raw = sample_table("sekolah-kecamatan", "disdik")
    assert b"3671" in raw and b"36.71" not in raw
    rows = table.to_pylist()
    assert {r["kecamatan"] for r in rows} == set(reference_kecamatan())
    assert {r["status"] for r in rows} == {"Negeri", "Swasta"}
    assert {r["jenjang"] for r in rows} == {"SD", "SMP", "SMA", "SMK"}
    keys = [(r["tahun_ajaran"], r["kecamatan"], r["jenjang"], r["status"]) for r in rows]
    assert len(keys) == len(set(keys))


def reference_kecamatan() -> frozenset[str]:
    from tangerang_hub.reference import kecamatan_codes

    return kecamatan_codes()


# --------------------------------------------------------------------------- review fixes

NIK = "3671014502900001"


def test_preview_is_masked_then_cut() -> None:
    assert (
        preview(f"NIK {NIK} hp 0812-3456-7890")
        == f"'{mask_identifiers(f'NIK {NIK} hp 0812-3456-7890')[:27]}...'"
    )
    assert NIK[4:12] not in preview(f"NIK {NIK} hp 0812-3456-7890")
    assert preview("RW 003, 12345") == "'RW 003, 12345'"  # short numbers stay readable
    assert "budi.santoso" not in preview("mail budi.santoso@gmail.com")
    shown = preview("x" * 100)
    assert len(shown) <= 32 and shown.endswith("...'")  # 30 characters plus the quotes
    # cut after masking: the digits left at the cut are never an unmasked identifier
    assert NIK[:7] not in preview("x" * 20 + NIK)


def test_cell_problems_never_echo_personal_data(contract) -> None:
    text = HEADER + f"\n1;Benda;Benda;NIK {NIK} budi@contoh.id;1;2024-01-01;ya;2024;Negeri\n"
    text += f"2;{NIK};Benda;1;1;2024-01-01;ya;2024;Negeri\n"
    with pytest.raises(NormalizeError) as info:
        normalize(csv_batch(text), contract)
    messages = [p.message for p in info.value.problems]
    messages_en = [p.message_en or "" for p in info.value.problems]
    assert len(messages) == 2
    for message in messages + messages_en:
        assert NIK not in message and "budi@contoh.id" not in message
        assert mask_identifiers(NIK) in message
    assert "expected a whole number" in messages_en[0]
    assert "expected a kecamatan code or name" in messages_en[1]
    assert "diharapkan bilangan bulat" in messages[0]
    assert "diharapkan kode atau nama kecamatan" in messages[1]


def test_missing_column_message_masks_the_header(contract) -> None:
    text = f"{NIK};budi@contoh.id\n1;2\n"
    with pytest.raises(NormalizeError) as info:
        normalize(csv_batch(text), contract)
    problem = info.value.problems[0]
    assert "columns found" in (problem.message_en or "")
    assert "kolom yang ditemukan" in problem.message
    for message in (problem.message, problem.message_en or ""):
        assert NIK not in message and "budi@contoh.id" not in message
        assert f"'{mask_identifiers(NIK)}'" in message
        assert f"'{mask_identifiers('budi@contoh.id')}'" in message


def test_short_row_is_reported(contract) -> None:
    text = HEADER + "\n1;Benda;Benda;1;1;2024-01-01;ya;2024;Negeri\n2;Benda"
    with pytest.raises(NormalizeError) as info:
        normalize(csv_batch(text), contract)
    [problem] = info.value.problems
    assert (problem.file, problem.row, problem.column) == ("uji.csv", 3, None)
    assert (problem.message_en or "").startswith("row has 2 cells, header has 9")
    assert problem.message.startswith("baris berisi 2 sel, baris judul berisi 9")


def test_empty_short_row_is_skipped(contract) -> None:
    text = HEADER + "\n1;Benda;Benda;1;1;2024-01-01;ya;2024;Negeri\n;;\n\n"
    assert normalize(csv_batch(text), contract).num_rows == 1


def test_number_column_settles_the_dot(contract) -> None:
    def rasio(*values: str) -> str:
        rows = [f"{i};Benda;Benda;1;{v};2024-01-01;ya;2024;Negeri" for i, v in enumerate(values)]
        return "\n".join([HEADER, *rows])

    table = normalize(csv_batch(rasio("10.234", "6,5")), contract)
    assert table.column("rasio").to_pylist() == [10234.0, 6.5]
    table = normalize(csv_batch(rasio("10.234", "2.25")), contract)
    assert table.column("rasio").to_pylist() == [10.234, 2.25]
    with pytest.raises(NormalizeError) as info:
        normalize(csv_batch(rasio("12", "10.234")), contract)
    [problem] = info.value.problems
    assert (problem.row, problem.column) == (3, "rasio")
    assert "ambiguous" in (problem.message_en or "") and "10234" in (problem.message_en or "")
    assert "bermakna ganda" in problem.message and "10234" in problem.message


def test_records_number_strings_follow_the_same_rule(contract) -> None:
    records = [{"kode": "01", "rasio": "10.234"}, {"kode": "02", "rasio": 7.5}]
    batch = RawBatch(records=records, content=None, filename="a.json", media_type="")
    with pytest.raises(NormalizeError, match="ambiguous"):
        normalize(batch, contract)
    records.append({"kode": "03", "rasio": "1,5"})
    assert normalize(batch, contract).column("rasio").to_pylist() == [10234.0, 7.5, 1.5]


def test_records_with_numeric_codes(contract) -> None:
    records = [{"kode": 12}, {"kode": float(NIK)}]
    batch = RawBatch(records=records, content=None, filename="a.json", media_type="")
    with pytest.raises(NormalizeError) as info:
        normalize(batch, contract)
    [problem] = info.value.problems
    assert (problem.row, problem.column) == (2, "kode") and NIK not in problem.message


def test_read_problems_are_normalize_errors(contract) -> None:
    content = (HEADER + "\n1;Benda;Benda;1;1;2024-01-01;ya;2024;Negeri – baru\n").encode()
    content += b"2;Benda;Benda;1;1;2024-01-01;ya;2024;Caf\xe9\n"
    with pytest.raises(NormalizeError) as info:
        normalize(RawBatch(None, content, "campur.csv", "text/csv"), contract)
    [problem] = info.value.problems
    assert problem.file == "campur.csv" and problem.row == 3
    bad = content.index(b"\xe9")
    assert f"byte {bad} " in problem.message
    big = RawBatch(None, b"PK" + b"\0" * (20 * 1024 * 1024), "besar.xlsx", XLSX_TYPE)
    with pytest.raises(NormalizeError, match="over the limit"):
        normalize(big, contract)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_xlsx_missing_cells_are_null(contract, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    for row in [["Kode Unit", "Jumlah Penduduk"], ["0099", 1500], ["0100"]]:
        book.active.append(row)
    path = tmp_path / "uji.xlsx"
    book.save(path)
    table = normalize(RawBatch(None, path.read_bytes(), "uji.xlsx", XLSX_TYPE), contract)
    assert table.column("jumlah").to_pylist() == [1500, None]


# --------------------------------------------------------------------------- vectorized driver

BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus"]


def test_python_rules_run_once_per_distinct_value(contract, monkeypatch) -> None:
    """A ratio, not a time: 100,000 cells of 50 distinct dates cost at most 50 date parses."""
    from tangerang_hub import normalize as module

    calls = {"parse_date": 0, "resolve": 0}
    parse_date, resolve = module.parse_date, module.reference.resolve

    def counting_date(*args: Any) -> Any:
        calls["parse_date"] += 1
        return parse_date(*args)

    def counting_resolve(*args: Any) -> Any:
        calls["resolve"] += 1
        return resolve(*args)

    monkeypatch.setattr(module, "parse_date", counting_date)
    monkeypatch.setattr(module.reference, "resolve", counting_resolve)
    days = [date(2020, 1, 1) + timedelta(days=i) for i in range(50)]
    written = [f"{d.day} {BULAN[d.month - 1]} {d.year}" for d in days]  # the Python parser's form
    kecamatan = ["Benda", " Benda ", "BENDA", "Kec. Cipondoh", "Larangan", "36.71.04"]
    lines = ["kode;tanggal;kecamatan"] + [
        f"{i:06d};{written[i % 50]};{kecamatan[i % 6]}" for i in range(100_000)
    ]
    table = normalize(csv_batch("\n".join(lines)), contract)
    assert table.num_rows == 100_000
    assert table.column("tanggal").unique().to_pylist() == days
    assert 0 < calls["parse_date"] <= 50
    assert 0 < calls["resolve"] <= 5  # " Benda " trims to "Benda"; "BENDA" is a text of its own


def test_problems_come_in_row_order_and_stop_at_the_limit(contract) -> None:
    rows = [f"{i};Benda;Benda;satu;1;kemarin;ya;2024;Negeri" for i in range(600)]
    rows[3] = "3;Benda"  # a short row: its problem comes before its cells'
    with pytest.raises(NormalizeError) as info:
        normalize(csv_batch("\n".join([HEADER, *rows])), contract)
    problems = info.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    rest = 599 * 2 + 1 - MAX_PROBLEMS
    assert problems[-1].message_en == f"... and {rest} more problems"
    assert problems[-1].message == f"... dan {rest} masalah lainnya"
    located = [(p.row, p.column) for p in problems[:8]]
    assert located == [
        (2, "jumlah"), (2, "tanggal"), (3, "jumlah"), (3, "tanggal"),
        (4, "jumlah"), (4, "tanggal"), (5, None), (6, "jumlah"),
    ]  # fmt: skip


def test_a_header_without_rows_is_an_empty_table(contract) -> None:
    table = normalize(csv_batch(HEADER + "\r\n"), contract)
    assert table.num_rows == 0 and table.column_names == [f.name for f in contract.fields]
    assert row_numbers(table) == []


def test_json_numbers_are_typed_once_per_value(contract, monkeypatch) -> None:
    from tangerang_hub import normalize as module

    seen: list[Any] = []
    parse_integer = module.parse_integer
    monkeypatch.setattr(module, "parse_integer", lambda v: seen.append(v) or parse_integer(v))
    records = [{"kode": f"{i:03d}", "jumlah": [7, 7.0, "7", 8][i % 4]} for i in range(400)]
    table = normalize(RawBatch(records, None, "api.json", "application/json"), contract)
    assert table.column("jumlah").to_pylist() == [7, 7, 7, 8] * 100
    # the text "7" is typed in Arrow; 7 and 7.0 are two values, each parsed once
    assert sorted(map(repr, seen)) == ["7", "7.0", "8"]
