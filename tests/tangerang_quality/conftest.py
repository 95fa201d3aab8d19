from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import great_expectations as gx
import pandas as pd
import pytest
from great_expectations.data_context.types.base import ProgressBarsConfig

from tangerang_hub.contracts import Contract, Field, Source


def contract(
    fields: list[Field],
    *,
    primary_key: tuple[str, ...] = (),
    quality: dict[str, Any] | None = None,
    **overrides: Any,
) -> Contract:
    values: dict[str, Any] = {
        "id": "uji-dataset",
        "title": "Dataset uji",
        "description": "Dataset untuk pengujian gerbang kualitas.",
        "producer": "diskominfo",
        "dimensions": ("governance",),
        "frequency": "bulanan",
        "level": "kecamatan",
        "sdi": {"topik": "Pemerintahan", "walidata": "Diskominfo"},
        "license": "CC-BY-4.0",
        "access": "terbuka",
        "schedule": "0 2 1 * *",
        "source": Source(type="http_csv", conn_id=None, params={}),
        "fields": tuple(fields),
        "primary_key": primary_key,
        "formats": ("csv", "parquet"),
        "datastore": True,
        "quality": quality or {},
        "sample": True,
        "tags": (),
        "path": Path("uji-dataset.yaml"),
    }
    values.update(overrides)
    return Contract(**values)


@pytest.fixture
def make_contract() -> Callable[..., Contract]:
    return contract


@pytest.fixture(scope="session")
def gx_validate() -> Callable[[Any, pd.DataFrame], Any]:
    """Validate one expectation on a dataframe in an ephemeral context (COMPLETE results)."""
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = (
        context.data_sources.add_pandas("uji")
        .add_dataframe_asset("frame")
        .add_batch_definition_whole_dataframe("batch")
    )

    def run(expectation: Any, frame: pd.DataFrame) -> Any:
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        return batch.validate(expectation, result_format={"result_format": "COMPLETE"})

    return run
