"""A data problem located by file, row and column: the unit every stage reports in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Problems end up in public run reports, logs and quarantine files, so whatever
# a message quotes from the data is masked here, once for every stage: runs of
# 8+ digits (NIK, KK, NPWP, phone numbers; separators allowed) keep their first
# and last four digits (two when short), e-mail addresses keep one letter. Kemendagri codes
# (36.71.01.1001) are public reference codes and stay readable.
_KEMENDAGRI = re.compile(r"^\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?$")
_DIGIT_RUN = re.compile(r"(?<!\d)\+?\d(?:[ .\-\u00a0]?\d){7,}(?!\d)")
_EMAIL = re.compile(r"([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def _mask_run(match: re.Match[str]) -> str:
    text = match.group(0)
    if _KEMENDAGRI.match(text):
        return text
    digits = re.sub(r"\D", "", text)
    keep = 4 if len(digits) >= 10 else 2
    return digits[:keep] + "*" * (len(digits) - 2 * keep) + digits[-keep:]


def mask_identifiers(text: str) -> str:
    """`text` with identifiers and e-mail addresses masked (see above)."""
    return _EMAIL.sub(r"\1***@\2", _DIGIT_RUN.sub(_mask_run, text))


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
