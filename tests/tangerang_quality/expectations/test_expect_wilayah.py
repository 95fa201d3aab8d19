from __future__ import annotations

import pandas as pd
import pytest

from tangerang_quality.expectations import ExpectColumnValuesToBeWilayahCode

# The caller's reference: a part of Kota Tangerang's kecamatan codes is enough here.
KECAMATAN = ["36.71.01", "36.71.02", "36.71.03"]


def test_valid_codes_pass(gx_validate) -> None:
    frame = pd.DataFrame({"kec": pd.Series(["36.71.01", "36.71.02", None], dtype=object)})
    expectation = ExpectColumnValuesToBeWilayahCode(
        column="kec", level="kecamatan", codes=KECAMATAN
    )
    assert gx_validate(expectation, frame).success


def test_wrong_level_and_unknown_codes_fail(gx_validate) -> None:
    codes = ["36.71.01", "36.71.01.1001", "36.71.99", "3671030", "32.71.01"]
    frame = pd.DataFrame({"kec": pd.Series(codes, dtype=object)})
    expectation = ExpectColumnValuesToBeWilayahCode(
        column="kec", level="kecamatan", codes=KECAMATAN
    )
    result = gx_validate(expectation, frame)
    assert not result.success
    assert result.result["unexpected_index_list"] == [1, 2, 3, 4]


def test_only_the_given_codes_are_valid(gx_validate) -> None:
    frame = pd.DataFrame({"kec": pd.Series(["36.71.03"], dtype=object)})
    narrow = ExpectColumnValuesToBeWilayahCode(column="kec", level="kecamatan", codes=["36.71.01"])
    assert not gx_validate(narrow, frame).success


def test_level_is_checked() -> None:
    with pytest.raises(ValueError):
        ExpectColumnValuesToBeWilayahCode(column="kec", level="provinsi", codes=KECAMATAN)
