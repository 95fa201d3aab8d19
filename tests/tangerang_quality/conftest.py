from __future__ import annotations

from collections.abc import Callable
from typing import Any

import great_expectations as gx
import pandas as pd
import pytest
from contract_factory import make_contract as contract
from great_expectations.data_context.types.base import ProgressBarsConfig

from tangerang_hub.contracts import Contract


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
