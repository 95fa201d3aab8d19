from __future__ import annotations

import pandas as pd

from tangerang_quality.expectations import (
    ExpectColumnValuesToBeKotaTangerangLatitude,
    ExpectColumnValuesToBeKotaTangerangLongitude,
)


def test_points_inside_pass(gx_validate) -> None:
    frame = pd.DataFrame(
        {
            "lat": pd.Series([-6.178, -6.257, -6.094, None], dtype=object),
            "lon": pd.Series([106.63, 106.551, 106.752, None], dtype=object),
        }
    )
    assert gx_validate(ExpectColumnValuesToBeKotaTangerangLatitude(column="lat"), frame).success
    assert gx_validate(ExpectColumnValuesToBeKotaTangerangLongitude(column="lon"), frame).success


def test_points_outside_and_swapped_fail(gx_validate) -> None:
    frame = pd.DataFrame(
        {
            "lat": pd.Series([-6.178, 106.63, -6.3, "x"], dtype=object),
            "lon": pd.Series([106.63, -6.178, 106.8, 106.6], dtype=object),
        }
    )
    lat = gx_validate(ExpectColumnValuesToBeKotaTangerangLatitude(column="lat"), frame)
    lon = gx_validate(ExpectColumnValuesToBeKotaTangerangLongitude(column="lon"), frame)
    assert lat.result["unexpected_index_list"] == [1, 2, 3]
    assert lon.result["unexpected_index_list"] == [1, 2]
