"""validate stage: run the privacy and quality gate of `tangerang_quality` on a normalized batch.

Thin glue so the pipeline depends on one engine module; the gate itself lives in
quality/tangerang_quality/gate.py. `mask_table` must be applied before publishing whenever the
contract has fields with `pii_allowed_reason`; the pipeline applies it right after normalizing
(`pipeline.mask_personal_data`), before staging. With `data_docs_dir` the result carries
`data_docs_page`, the run's GX Data Docs as one self-contained page.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from tangerang_hub.contracts import Contract
from tangerang_quality.gate import GateResult, mask_table, run_gate

__all__ = ["GateResult", "mask_table", "validate"]


def validate(
    table: pa.Table,
    contract: Contract,
    *,
    data_docs_dir: Path | None = None,
    file: str | None = None,
) -> GateResult:
    """GateResult of `table` against `contract`; `success` False means: publish nothing."""
    return run_gate(table, contract, data_docs_dir=data_docs_dir, file=file)
