from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from tangerang_hub.contracts import Contract, Field, Source
from tangerang_hub.validate import validate


def contract() -> Contract:
    return Contract(
        id="uji-validate",
        title="Uji",
        description="Uji",
        producer="diskominfo",
        dimensions=("governance",),
        frequency="tahunan",
        level="kecamatan",
        sdi={},
        license="CC-BY-4.0",
        access="terbuka",
        schedule="@yearly",
        source=Source("http_csv", None, {}),
        fields=(
            Field("kecamatan", "string", "Kecamatan", required=True, reference="kecamatan"),
            Field("jumlah", "integer", "Jumlah", minimum=0),
        ),
        primary_key=("kecamatan",),
        formats=("csv",),
        datastore=False,
        quality={},
        sample=True,
        tags=(),
        path=Path("uji-validate.yaml"),
    )


def test_validate_passes_a_clean_batch() -> None:
    t = pa.table({"kecamatan": ["36.71.01", "36.71.02"], "jumlah": [1, 2]})
    assert validate(t, contract()).success


def test_validate_rejects_a_bad_code_naming_the_cell() -> None:
    t = pa.table({"kecamatan": ["36.71.01", "36.71.77"], "jumlah": [1, 2]})
    result = validate(t, contract(), file="kecamatan.csv")
    assert not result.success
    assert [(p.file, p.row, p.column) for p in result.blocking] == [
        ("kecamatan.csv", 3, "kecamatan")
    ]


def test_the_gate_gets_the_whole_reference_table() -> None:
    from tangerang_hub import reference
    from tangerang_hub.validate import reference_codes

    codes = reference_codes()
    assert len(codes["kecamatan"]) == 13 and len(codes["kelurahan"]) == 104
    assert all(reference.is_valid(c, "kelurahan") for c in codes["kelurahan"])
    assert codes["kecamatan"] == reference.kecamatan_codes()


def test_validate_builds_one_page_data_docs_per_run(tmp_path: Path) -> None:
    t = pa.table({"kecamatan": ["36.71.01", "36.71.77"], "jumlah": [1, 2]})
    result = validate(t, contract(), data_docs_dir=tmp_path / "run-1")
    assert result.data_docs_page == tmp_path / "run-1" / "validasi.html"
    page = result.data_docs_page.read_text(encoding="utf-8")
    assert "36.71.77" in page and "<script" not in page.lower()


def test_mask_table_masks_only_fields_with_a_reason() -> None:
    from dataclasses import replace

    from tangerang_hub.contracts import Field
    from tangerang_hub.validate import mask_table

    base = contract()
    c = replace(
        base,
        fields=(*base.fields, Field("telepon", "string", "Telepon", pii_allowed_reason="layanan")),
    )
    t = pa.table({"kecamatan": ["36.71.01"], "jumlah": [1], "telepon": ["0812-3456-7890"]})
    masked = mask_table(t, c).to_pylist()[0]
    assert masked["telepon"] == "0812******90" and masked["kecamatan"] == "36.71.01"
    assert mask_table(t, base).to_pylist()[0]["telepon"] == "0812-3456-7890"
