"""Keys of the Arrow schema metadata that say where a table's rows came from.

The engine's normalizer writes them on every table it builds and its staging keeps them
beside the staged file; the gate reads them (`gate.source_location`) so that every problem
names the file and the file row, counted as in a spreadsheet. The key names are kept as
the engine first wrote them.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

# The file row of each table row (`encode_row_numbers`).
ROW_NUMBERS_KEY = b"tangerang_hub.row_numbers"
FILE_KEY = b"tangerang_hub.file"  # the file name, UTF-8
# JSON list of [header row, column name] of every source column the contract does not know:
# the agency changed its export; the run report warns the steward (not blocking).
UNKNOWN_COLUMNS_KEY = b"tangerang_hub.unknown_columns"


def encode_row_numbers(numbers: Any) -> bytes:
    """The file row of each table row as compact JSON: a run of consecutive rows is
    ``[first, count]``, a row on its own is its number. A file without blank lines or
    multi-line cells is one pair, whatever its size; a plain list of numbers (what this key
    held before) decodes as well."""
    values = np.asarray(numbers, dtype=np.int64)
    if not len(values):
        return b"[]"
    starts = np.concatenate(([0], np.flatnonzero(np.diff(values) != 1) + 1))
    counts = np.diff(np.concatenate((starts, [len(values)])))
    items = [
        int(values[start]) if count == 1 else [int(values[start]), int(count)]
        for start, count in zip(starts.tolist(), counts.tolist(), strict=True)
    ]
    return json.dumps(items, separators=(",", ":")).encode()


def decode_row_numbers(raw: bytes | str | list[Any]) -> list[int]:
    """The row numbers `encode_row_numbers` wrote (raw JSON, or its items already parsed)."""
    items = json.loads(raw) if isinstance(raw, bytes | str) else raw
    rows: list[int] = []
    for item in items:
        if isinstance(item, list):
            first, count = item
            rows.extend(range(first, first + count))
        else:
            rows.append(item)
    return rows
