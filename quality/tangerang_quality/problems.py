"""A data problem located by file, row and column: the unit every stage reports in.

Problems end up in public run reports, logs and quarantine files, so whatever a message quotes
from the data is masked here, once for every stage (`masking.mask_identifiers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tangerang_quality.masking import mask_identifiers


@dataclass(frozen=True)
class Problem:
    """One problem found in a batch.

    `row` counts as a person counts rows in the file (CSV header is row 1, so the first data row
    is 2; JSON records count from 1). `row` and `column` are None when the problem concerns the
    whole file or a whole column.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    expectation: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", mask_identifiers(self.message))

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "expectation": self.expectation,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        return cls(
            file=str(data.get("file", "")),
            row=data.get("row"),
            column=data.get("column"),
            message=str(data.get("message", "")),
            expectation=data.get("expectation"),
        )

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where = f"{where} row {self.row}".strip()
        if self.column is not None:
            where = f"{where}, column {self.column}" if where else f"column {self.column}"
        return f"{where}: {self.message}" if where else self.message
