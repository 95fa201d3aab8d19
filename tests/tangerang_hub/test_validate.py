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
