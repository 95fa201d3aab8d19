"""A data problem located by file, row and column: the unit every stage reports in.

Problems end up in public run reports, logs and quarantine files, so whatever a message quotes
from the data is masked here, once for every stage (`masking.mask_identifiers`).

A stage words its message with `texts.say` (Bahasa Indonesia and English); `message` is then
the Indonesian text and `message_en` the English one. A plain string is the same in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tangerang_quality.masking import mask_identifiers
from tangerang_quality.texts import Said

# Where a problem is, as each language says it: (row, column).
WHERE = {"id": ("baris", "kolom"), "en": ("row", "column")}


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
    message: str  # Bahasa Indonesia; a `Said` given here is rendered in both languages
    expectation: str | None = None
    message_en: str | None = None  # None: the same as `message`

    def __post_init__(self) -> None:
        message: str | Said = self.message
        if isinstance(message, Said):
            object.__setattr__(self, "message_en", mask_identifiers(message.render("en")))
            message = message.render("id")
        elif self.message_en is not None:
            object.__setattr__(self, "message_en", mask_identifiers(self.message_en))
        object.__setattr__(self, "message", mask_identifiers(message))
        if self.message_en == self.message:  # one text for both: the same problem either way
            object.__setattr__(self, "message_en", None)

    def text(self, lang: str = "id") -> str:
        """The message in `lang` (``id`` or ``en``)."""
        if lang == "en" and self.message_en is not None:
            return self.message_en
        return self.message

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "expectation": self.expectation,
            "message": self.message,
            "message_en": self.message_en if self.message_en is not None else self.message,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        return cls(
            file=str(data.get("file", "")),
            row=data.get("row"),
            column=data.get("column"),
            message=str(data.get("message", "")),
            expectation=data.get("expectation"),
            message_en=data.get("message_en"),
        )

    def describe(self, lang: str = "id") -> str:
        """``file row N, column C: message`` in `lang`."""
        row_word, column_word = WHERE["en" if lang == "en" else "id"]
        where = self.file
        if self.row is not None:
            where = f"{where} {row_word} {self.row}".strip()
        if self.column is not None:
            column = f"{column_word} {self.column}"
            where = f"{where}, {column}" if where else column
        message = self.text(lang)
        return f"{where}: {message}" if where else message

    def __str__(self) -> str:
        return self.describe("id")
