"""The problems a run reports about a batch's rows: Bahasa Indonesia first, English complete.

A malformed file goes through what `hub run --source-file` runs (`read.file_batch`, then
`normalize`); every problem it gets must read in Bahasa Indonesia (`message`) while its English
text (`message_en`) is the wording the engine has always used, and both quote the same masked
preview of the value.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tangerang_hub.contracts import Contract, load_contract
from tangerang_hub.normalize import NormalizeError, normalize, preview
from tangerang_hub.read import file_batch
from tangerang_quality.masking import mask_identifiers

NIK = "3671014502900001"
CONTRACT = {
    "id": "uji-bahasa",
    "title": "Dataset uji bahasa",
    "description": "Kontrak untuk menguji bahasa pesan masalah.",
    "producer": "diskominfo",
    "dimensions": ["governance"],
    "frequency": "tahunan",
    "level": "kecamatan",
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
        {"name": "nama", "type": "string", "title": "Nama Unit", "constraints": {"required": True}},
        {"name": "kecamatan", "type": "string", "title": "Kecamatan", "reference": "kecamatan"},
        {"name": "jumlah", "type": "integer", "title": "Jumlah"},
        {"name": "tanggal", "type": "date", "title": "Tanggal"},
    ],
    "primary_key": ["kode"],
}
# the `nama` column is missing; then a non-number, a short row, a bad date, an unknown kecamatan
CSV = "\n".join(
    [
        "kode;kecamatan;jumlah;tanggal",
        f"0001;Benda;NIK {NIK};2024-01-01",
        "0002;Benda",
        "0003;Benda;1;32/13/2024",
        "0004;Cipondok;1;2024-01-01",
    ]
)
# what each problem has always said in English (row, column) -> message_en, before masking
ENGLISH = {
    (1, "nama"): "required column 'nama' (Nama Unit) is missing; "
    "columns found: 'kode', 'kecamatan', 'jumlah', 'tanggal'",
    (2, "jumlah"): "expected a whole number (1234 or 1.234.567), "
    f"got {preview('NIK ' + NIK)}: not a number",
    (3, None): "row has 2 cells, header has 4 (a truncated or broken row)",
    (4, "tanggal"): "expected a date (YYYY-MM-DD, 17/08/2024 or 17 Agustus 2024), "
    "got '32/13/2024': no such date: month must be in 1..12",
    (5, "kecamatan"): "expected a kecamatan code or name of Kota Tangerang, "
    "got 'Cipondok': 'Cipondok' is not a kecamatan name in Kota Tangerang",
}
# each problem's quoted values, as both languages must quote them
QUOTED = {
    (1, "nama"): ["'nama'", "'kode'", "'kecamatan'", "'jumlah'", "'tanggal'"],
    (2, "jumlah"): [preview(f"NIK {NIK}")],
    (3, None): [],
    (4, "tanggal"): ["'32/13/2024'"],
    (5, "kecamatan"): ["'Cipondok'"],
}
ENGLISH_WORDS = re.compile(
    r"\b(expected|got|not a|not in|is not|row has|the row|missing|found|header|column|cells?"
    r"|values|name|code|number|date|such|more|problems?|and|or|of)\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def contract(tmp_path_factory: pytest.TempPathFactory) -> Contract:
    path = tmp_path_factory.mktemp("contracts") / "uji-bahasa.yaml"
    path.write_text(yaml.safe_dump(CONTRACT), encoding="utf-8")
    return load_contract(path)


def test_every_row_problem_reads_in_indonesian_and_keeps_its_english(
    contract: Contract, tmp_path: Path
) -> None:
    source = tmp_path / "unit.csv"
    source.write_text(CSV, encoding="utf-8")
    with pytest.raises(NormalizeError) as info:
        normalize(file_batch(source), contract)
    problems = {(p.row, p.column): p for p in info.value.problems}
    assert set(problems) == set(ENGLISH) and len(info.value.problems) == len(ENGLISH)
    for where, problem in problems.items():
        assert problem.file == "unit.csv"
        assert problem.message_en == mask_identifiers(ENGLISH[where]), where
        assert "*" not in problem.message.replace(mask_identifiers(NIK), ""), problem.message
        assert ENGLISH_WORDS.findall(problem.message) == [], (where, problem.message)
        for quoted in QUOTED[where]:
            assert quoted in problem.message and quoted in problem.message_en, (where, quoted)
        # the report's two texts for people: neither quotes the identifier unmasked
        for text in (problem.message, problem.message_en, problem.describe("en"), str(problem)):
            assert NIK not in text
    assert mask_identifiers(NIK) in problems[(2, "jumlah")].message
    assert problems[(3, None)].describe() == (
        "unit.csv baris 3: baris berisi 2 sel, baris judul berisi 4 (baris terpotong atau rusak)"
    )
