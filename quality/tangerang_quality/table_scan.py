"""Personal data in a whole table without a contract: what `hub scan` reports.

`scan_columns` reads a table given as {column: values} in the file's column order, where the
values are a Python sequence (cells of any type: JSON numbers, Excel dates, dicts...) or an
Arrow string array (a CSV as `read.read_columns` gives it). Each cell is judged by the
detectors of `pii` exactly as before, but only the cells that `candidates` says may give a hit
are read by them, each distinct value once: a 1M-row CSV is scanned in seconds instead of
minutes, and without turning its columns into Python lists.

The rules, as `pii`'s module docstring has them:

- each column's name (`pii.header_findings`) and values (`scan_column`); a numeric column (all
  its values numbers, `pii.is_numeric_column`) only reports digits when its name raises
  suspicion or at least half its values as long as an identifier are identifiers;
- every value of a birth-date column beside a name column (`column_names.is_name_column`);
- identifiers split over adjacent columns (`split_hits`, `pii.scan_split`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tangerang_quality.candidates import (
    pii_candidates,
    region_code_candidates,
    split_part_candidates,
    text_values,
)
from tangerang_quality.column_names import (
    header_kind,
    is_name_column,
)
from tangerang_quality.masking import mask_date
from tangerang_quality.pii import (
    _MIN_DIGITS,
    DIGIT_KINDS,
    Finding,
    Match,
    SplitHit,
    SplitLayout,
    cell_text,
    header_findings,
    is_numeric_column,
    scan_split,
    scan_value,
)

Values = Sequence[Any] | pa.Array | pa.ChunkedArray | pd.Series
# Arrow compiles a mask's regular expression on every call (about a quarter of a millisecond):
# a column shorter than this is read cell by cell instead, which is faster (a CSV of 100,000
# columns and 3 rows took 70 s masked, column by column).
MASK_FROM_ROWS = 256
# Distinct values are read in slices of this many, so a column of names stops being a
# candidate for "numeric" at its first name without all its values becoming Python objects.
_SLICE = 4096


def scan_column(
    name: str,
    values: Values,
    *,
    numeric: bool | None = None,
    check_header: bool = True,
) -> list[Finding]:
    """Findings in one column: its header (`pii.header_findings`), then each value, in rows'
    order.

    `numeric` says the column holds quantities (contract type integer/number, or inferred with
    `pii.is_numeric_column` when None). Digits in such a column are only reported when the
    header is suspicious or at least half the values as long as an identifier (9 digits or
    more) are hits, so a column of rupiah totals is clean while a column of NIKs stored as
    numbers, or one NIK among small counts, is not.
    """
    findings = header_findings(name) if check_header else []
    column_kind = header_kind(name)
    text = text_values(values)
    if numeric is None:
        numeric = is_numeric_column(_distinct(values, text))
    per_row: list[Finding] = []
    judged: dict[Any, list[Match]] = {}
    for i, value in _candidate_cells(values, text, column_kind):
        key = _cache_key(value)
        matches = judged.get(key) if key is not None else None
        if matches is None:
            matches = scan_value(value, column_kind=column_kind)
            if key is not None:
                judged[key] = matches
        per_row.extend(Finding(i, name, m.kind, m.masked) for m in matches)
    if numeric and column_kind is None and per_row:
        digit_rows = {f.row for f in per_row if f.kind in DIGIT_KINDS}
        if len(digit_rows) * 2 < max(_long(values, text), 1):
            per_row = [f for f in per_row if f.kind not in DIGIT_KINDS]
    return findings + per_row


def scan_columns(
    columns: Mapping[str, Values],
    *,
    numeric: dict[str, bool] | None = None,
    skip: Iterable[str] = (),
) -> list[Finding]:
    """Findings in a whole table given as {column: values} in the file's column order.

    Each column as `scan_column`, plus the name-beside-birth-date rule and identifiers split
    over adjacent columns (`split_hits`; a skipped column separates its neighbours).
    """
    numeric = numeric or {}
    skipped = set(skip)
    findings: list[Finding] = []
    has_name = any(is_name_column(c) for c in columns)
    for name, values in columns.items():
        if name in skipped:
            continue
        col = scan_column(name, values, numeric=numeric.get(name))
        findings.extend(col)
        if has_name and header_kind(name) == "dob":
            flagged = {f.row for f in col if f.row is not None}
            for i, value in enumerate(_python(values)):
                text = cell_text(value)
                if text is not None and i not in flagged:
                    findings.append(Finding(i, name, "dob", mask_date(text)))
    joinable = [c for c in columns if c not in skipped]
    for hit in split_hits(columns, joinable=joinable):
        findings.append(Finding(hit.row, hit.columns[0], hit.kind, hit.masked, hit.columns))
    return findings


def split_hits(
    columns: Mapping[str, Values], *, joinable: Collection[str] | None = None
) -> list[SplitHit]:
    """`pii.scan_split` of the table, reading only the rows where two adjacent columns may
    both hold a part (`candidates.split_part_candidates`): the other rows give `scan_split` no
    window, so they count neither as hits nor as tries, and the result is the same."""
    joinable = None if joinable is None else frozenset(joinable)
    n_rows = max((len(v) for v in columns.values()), default=0)
    layout = SplitLayout.of(list(columns), joinable)
    names = layout.names

    def mask(i: int, candidates: Callable[[Any], np.ndarray]) -> np.ndarray:
        return _padded(_mask_of(columns[names[i]], candidates), n_rows)

    never = np.zeros(n_rows, dtype=bool)
    parts = [mask(i, split_part_candidates) if j else never for i, j in enumerate(layout.joins)]
    rows = np.zeros(n_rows, dtype=bool)
    for left, right in zip(parts, parts[1:], strict=False):
        rows |= left & right
    # A region code and the NIK's other 10 digits in the next column (`pii.region_part`).
    for i in range(len(names) - 1):
        if not (layout.regions[i] and layout.tails[i + 1]):
            continue
        tail = parts[i + 1] if layout.joins[i + 1] else mask(i + 1, split_part_candidates)
        if tail.any():
            rows |= mask(i, region_code_candidates) & tail
    positions = np.flatnonzero(rows)
    if not len(positions):
        return []
    subset = {name: _take(values, positions) for name, values in columns.items()}
    return [
        replace(hit, row=int(positions[hit.row])) for hit in scan_split(subset, joinable=joinable)
    ]


# -- values of any kind -----------------------------------------------------------------------


def candidate_rows(values: Values, mask: Callable[[Any], np.ndarray]) -> np.ndarray:
    """The rows `mask` (one of `candidates`' masks) leaves to a detector; every row of a short
    column (`MASK_FROM_ROWS`)."""
    if len(values) < MASK_FROM_ROWS:
        return np.arange(len(values))
    return np.flatnonzero(mask(values))


def _candidate_cells(
    values: Values, text: pa.Array | pa.ChunkedArray | None, column_kind: str | None
) -> Iterator[Any]:
    """(row, value) of each cell `pii.scan_value` may find something in, in rows' order."""
    rows = candidate_rows(
        values if text is None else text, lambda v: pii_candidates(v, column_kind)
    )
    if text is None:
        cells = _python(values)
        return ((int(i), cells[i]) for i in rows)
    return zip(rows.tolist(), text.take(pa.array(rows, pa.int64())).to_pylist(), strict=True)


def _distinct(values: Values, text: pa.Array | pa.ChunkedArray | None) -> Iterator[Any]:
    """The column's values, each distinct text once (in order of first appearance)."""
    if text is None or len(text) < MASK_FROM_ROWS:
        yield from _python(values)
        return
    unique = pc.unique(text)
    for start in range(0, len(unique), _SLICE):
        yield from unique.slice(start, _SLICE).to_pylist()


def _long(values: Values, text: pa.Array | pa.ChunkedArray | None) -> int:
    """How many cells hold a number as long as an identifier (`pii._MIN_DIGITS` digits or
    more): the totals an identifier-like total is weighed against. A NIK among counts of 1
    to 50 is one of one such cells, one total among a column of billions one of many."""
    if text is None:
        return sum(_is_long(v) for v in _python(values))
    counts = pc.value_counts(text)
    return sum(
        count
        for value, count in zip(
            counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True
        )
        if _is_long(value)
    )


def _is_long(value: Any) -> bool:
    text = cell_text(value)
    return text is not None and sum(c.isdigit() for c in text) >= _MIN_DIGITS


def _cache_key(value: Any) -> Any:
    """A key for the verdict on `value`, or None when it is not cached (dicts, lists...).
    Numbers that are equal keys (`81234567890`, `81234567890.0`; `1`, `True`) give the same
    verdict: `pii.cell_text` reads both as the same digits, or as nothing."""
    return value if isinstance(value, str | int | float) else None


def _python(values: Values) -> Sequence[Any]:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values.to_pylist()
    if isinstance(values, pd.Series):
        return values.tolist()
    return values


def _take(values: Values, positions: np.ndarray) -> list[Any]:
    """The values at `positions` (ascending): a shorter column gives a shorter list, whose
    missing tail `pii.scan_split` reads as empty cells, as it reads the whole column's."""
    inside = positions[positions < len(values)]
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values.take(pa.array(inside, pa.int64())).to_pylist()
    if isinstance(values, pd.Series):
        return values.iloc[inside].tolist()
    return [values[i] for i in inside]


def _mask_of(values: Values, candidates: Callable[[Any], np.ndarray]) -> np.ndarray:
    mask = np.zeros(len(values), dtype=bool)
    mask[candidate_rows(values, candidates)] = True
    return mask


def _padded(mask: np.ndarray, length: int) -> np.ndarray:
    """A column shorter than the table has no part in the rows it lacks."""
    if len(mask) >= length:
        return mask
    return np.concatenate([mask, np.zeros(length - len(mask), dtype=bool)])
