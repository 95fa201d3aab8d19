from __future__ import annotations

import pandas as pd
import pytest

from tangerang_quality.expectations import ExpectColumnValuesToBeWilayahCode
from tangerang_quality.expectations.wilayah import _codes_from_csv, is_wilayah_code


def test_valid_codes_pass(gx_validate) -> None:
    frame = pd.DataFrame({"kec": pd.Series(["36.71.01", "36.71.02", None], dtype=object)})
    assert gx_validate(
        ExpectColumnValuesToBeWilayahCode(column="kec", level="kecamatan"), frame
    ).success


def test_wrong_level_and_unknown_codes_fail(gx_validate) -> None:
    codes = ["36.71.01", "36.71.01.1001", "36.71.99", "3671030", "32.71.01"]
    frame = pd.DataFrame({"kec": pd.Series(codes, dtype=object)})
    result = gx_validate(ExpectColumnValuesToBeWilayahCode(column="kec", level="kecamatan"), frame)
    assert not result.success
    assert result.result["unexpected_index_list"] == [1, 2, 3, 4]


def test_level_is_checked() -> None:
    with pytest.raises(ValueError):
        ExpectColumnValuesToBeWilayahCode(column="kec", level="provinsi")


def test_csv_fallback_matches_the_engine_reference() -> None:
    codes = _codes_from_csv()
    assert len(codes["kecamatan"]) == 13
    assert len(codes["kelurahan"]) == 104
    assert all(is_wilayah_code(c, "kelurahan") for c in codes["kelurahan"])
