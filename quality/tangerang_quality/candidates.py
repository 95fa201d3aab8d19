"""Which cells of a column the per-cell detectors must look at: vectorized, in Arrow's C++.

The privacy and formula detectors (`pii.scan_value`, `pii.scan_number`, `pii.split_part`,
`formula.is_formula_injection`, `formula.starts_with_sign`) read one Python value at a time,
about 15 µs a cell; a 1M-row table has millions of cells and nearly all are clean. Each mask
here says, for a whole column at once, which cells *may* give a hit. A cell marked False is
certain to give none, by the rules below; a cell marked True is read by the detector as before.
So the gate's verdict is exactly the detectors' verdict (tests/tangerang_quality/
test_candidates.py compares both on generated and hostile text), only faster.

Text (a column whose values are all `str` or null; anything else marks every cell True):

- any non-ASCII character: True (folding, `textfold.fold`, may turn it into a digit, a dash,
  a space or a letter);
- ASCII text is left as it is by folding, except that whitespace runs become one space. So:
  - personal data (`pii_candidates`) needs a chain of 9 or more digits (`pii._MIN_DIGITS`:
    the shortest mobile number; a NIK, KK or NPWP has more) in which two digits are at most 5
    characters apart, none of them a letter or a digit (`pii._MAX_GAP`; a whitespace run
    counts as one), so `No. 286, RT 001/RW 012` is not one; or an `@` or an `[at]`-like hint
    (e-mail), a birth word (a date of birth), a `{` or `[` (JSON walked with its keys) or a
    number in scientific notation (`8.12E10`, read as its whole digits);
  - a formula or leading-sign text (`formula_candidates`) starts, after whitespace, with one of
    `= + - @`: a cell whose first character is an ASCII letter or digit is neither, and neither
    is a plain signed number (`-6,2152`; no leading zero before a digit, `formula._stripped`);
  - a part of a split identifier (`split_part_candidates`) has a digit and no letter, and is not
    a decimal or a Kemendagri code such as `36.71.10` as a whole (`pii._NOT_A_PART`).

Numbers (`number_candidates`, for `pii.scan_number`): a NIK has 16 digits and a mobile number 9
or more, so a number below 10^8 in absolute value is neither.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# The detectors' own bounds, so the masks follow them: the shortest identifier (a mobile
# number without its leading 0) and the widest gap inside a chain.
from tangerang_quality.pii import _MAX_GAP, _MIN_DIGITS

# ASCII whitespace as Python's str.isspace sees it (RE2's \s lacks \x0b and \x1c-\x1f).
_WS = r"[\t\n\x0b\x0c\r\x1c-\x1f ]"
# _MIN_DIGITS digits, each two apart by at most _MAX_GAP characters that are neither letters
# nor digits (a run of whitespace is one: folding makes it one space): pii's chains.
_GAP = rf"(?:[^A-Za-z0-9\t\n\x0b\x0c\r\x1c-\x1f ]|{_WS}+)"
_DIGIT_CHAIN = rf"[0-9](?:{_GAP}{{0,{_MAX_GAP}}}[0-9]){{{_MIN_DIGITS - 1}}}"
_PII_HINTS = (
    "@"
    rf"|[\[({{]{_WS}*[ae]t"  # budi [at] example, budi(at)example: pii._AT_HINT before folding
    rf"|{_WS}dot{_WS}"  # budi at gmail dot com: pii._SPELLED_DOT
    r"|lahir|lhr|ttl|dob|birth|born"  # pii._DOB_HINT
    r"|[\[{]"  # JSON text, walked with its keys
    r"|[0-9][eE]"  # 8.1234567890E+10: a spreadsheet's number as text
)
# Both in one pass of RE2 (half the time of two passes over a column of unique names).
_PII_PATTERN = rf"{_DIGIT_CHAIN}|(?i:{_PII_HINTS})"


# A digit and no letter: what a part may be (ASCII text).
_DIGITS_NO_LETTER = r"^[^A-Za-z]*[0-9][^A-Za-z]*$"
# As the whole stripped text, a decimal or a Kemendagri code: two of pii._NOT_A_PART's
# whole-text forms (its dates need back-references, which RE2 lacks).
_NUMBER_OR_CODE = (
    rf"^{_WS}*(?:\+?[0-9]{{1,3}}[.,][0-9]+"
    rf"|[0-9]{{2}}(?:\.[0-9]{{2}}){{1,2}}(?:\.[0-9]{{4}})?){_WS}*$"
)


# A plain number as the whole text, whitespace around it allowed: `formula._stripped` reads it
# as a number (`pii.is_number_text`: no leading zero before a digit) and so as no formula.
_PLAIN_NUMBER = rf"^{_WS}*[+-]?(?:0|[1-9][0-9]*)(?:[.,][0-9]+)?{_WS}*$"


def text_values(
    values: Sequence[Any] | pd.Series | pa.Array | pa.ChunkedArray,
) -> pa.Array | pa.ChunkedArray | None:
    """The values as an Arrow string array, or None when some value is not text or null."""
    if isinstance(values, pa.Array | pa.ChunkedArray):
        if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            return values
        return None
    try:
        return pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return None


# Repeating columns (codes, kinds, names of places) are matched once per distinct value when a
# sample of SAMPLE values has fewer than one distinct in REPEATS; only speed depends on this.
SAMPLE, REPEATS = 4096, 8


def per_distinct(
    text: pa.Array | pa.ChunkedArray,
    match: Callable[[pa.Array | pa.ChunkedArray], pa.Array | pa.ChunkedArray],
) -> pa.Array | pa.ChunkedArray:
    """`match(text)`, computed on the distinct values and spread back when they repeat
    (`match` must work value by value, as Arrow compute's string kernels do)."""
    if len(text) <= 2 * SAMPLE or len(pc.unique(text.slice(0, SAMPLE))) * REPEATS > SAMPLE:
        return in_slices(match, text)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    encoded = pc.dictionary_encode(text)
    return pc.take(in_slices(match, encoded.dictionary), encoded.indices)


# A long text is matched in SLICES slices at once, one per core the machines here have: Arrow's
# string kernels release the GIL (a column of 1M unique names: 0.09 s in one, 0.05 s in two).
SLICES, SLICE_FROM = 2, 1 << 17


def in_slices(
    match: Callable[[pa.Array | pa.ChunkedArray], pa.Array | pa.ChunkedArray],
    text: pa.Array | pa.ChunkedArray,
) -> pa.Array | pa.ChunkedArray:
    """`match(text)` for a `match` that works value by value, run on slices of a long `text`
    in threads and put back together in order."""
    if len(text) < SLICE_FROM:
        return match(text)
    step = -(-len(text) // SLICES)
    parts = [text.slice(start, step) for start in range(0, len(text), step)]
    with ThreadPoolExecutor(len(parts) - 1, thread_name_prefix="candidates") as pool:
        others = [pool.submit(match, part) for part in parts[1:]]
        results = [match(parts[0]), *(job.result() for job in others)]
    chunks = [c for r in results for c in (r.chunks if isinstance(r, pa.ChunkedArray) else [r])]
    return pa.chunked_array(chunks, pa.bool_())


def _mask(result: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow result as numpy; null (a null cell) is False: no detector reads it."""
    return np.asarray(pc.fill_null(result, False), dtype=bool)


def _everywhere(values: pd.Series | pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.ones(len(values), dtype=bool)


def pii_candidates(
    values: pd.Series | pa.Array | pa.ChunkedArray, column_kind: str | None = None
) -> np.ndarray:
    """True where `pii.scan_value` may find personal data in the cell (see the module rules);
    in a birth-date column (`column_kind` "dob"), any date is one: every cell is read."""
    text = text_values(values)
    if text is None or column_kind == "dob":
        return _everywhere(values)
    return _mask(per_distinct(text, _may_hold_pii))


def _may_hold_pii(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    return pc.or_(pc.invert(pc.string_is_ascii(text)), pc.match_substring_regex(text, _PII_PATTERN))


def formula_candidates(values: pd.Series | pa.Array | pa.ChunkedArray) -> np.ndarray:
    """True where `formula.is_formula_injection` or `formula.starts_with_sign` may hold."""
    text = text_values(values)
    if text is None:
        return _everywhere(values)
    return _mask(per_distinct(text, _may_be_formula))


def _may_be_formula(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    if isinstance(text, pa.ChunkedArray):
        return pa.chunked_array([_may_be_formula(chunk) for chunk in text.chunks], pa.bool_())
    # the first character not an ASCII letter or digit (an empty text too), read without a
    # regular expression: a third of the time
    mask = np.array(_mask(pc.invert(pc.ascii_is_alnum(pc.utf8_slice_codeunits(text, 0, 1)))))
    where = np.flatnonzero(mask)
    if len(where):  # of those, a plain signed number (`-6,2152`, a latitude) is none either
        number = pc.match_substring_regex(text.take(pa.array(where)), _PLAIN_NUMBER)
        mask[where] = ~_mask(number)
    return pa.array(mask)


def split_part_candidates(values: pd.Series | pa.Array | pa.ChunkedArray) -> np.ndarray:
    """True where `pii.split_part` may give digits (numbers and other non-text values: True)."""
    text = text_values(values)
    if text is None:
        return _everywhere(values)
    return _mask(per_distinct(text, _may_be_part))


def region_code_candidates(values: pd.Series | pa.Array | pa.ChunkedArray) -> np.ndarray:
    """True where `pii.region_part` may give a kecamatan code: text holding `dd.dd.dd`
    anywhere, or any non-ASCII text (values not all text: True)."""
    text = text_values(values)
    if text is None:
        return _everywhere(values)
    return _mask(per_distinct(text, _may_be_region))


def _may_be_region(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    code = pc.match_substring_regex(text, r"\d{2}\.\d{2}\.\d{2}")
    return pc.or_(pc.invert(pc.string_is_ascii(text)), code)


def _may_be_part(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    if isinstance(text, pa.ChunkedArray):
        return pa.chunked_array([_may_be_part(chunk) for chunk in text.chunks], pa.bool_())
    # One pass for "a digit and no letter", which names and addresses fail at once; the
    # whole-text forms are read only where it holds.
    ascii_part = np.array(_mask(pc.match_substring_regex(text, _DIGITS_NO_LETTER)))
    where = np.flatnonzero(ascii_part)
    if len(where):
        whole = pc.match_substring_regex(text.take(pa.array(where)), _NUMBER_OR_CODE)
        ascii_part[where] = ~_mask(whole)
    return pc.or_(pc.invert(pc.string_is_ascii(text)), pa.array(ascii_part))


def number_candidates(values: pd.Series) -> np.ndarray:
    """True where `pii.scan_number` may find a NIK, KK or phone number (see the module rules);
    a value that is no number (or null) is left to it."""
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    return ~(np.abs(numbers.to_numpy()) < 10 ** (_MIN_DIGITS - 1))


def map_candidates(
    column: pd.Series, candidates: np.ndarray, is_clean: Callable[[Any], bool]
) -> pd.Series:
    """`column.map(is_clean)`, calling `is_clean` only where `candidates` is True (True
    elsewhere): a GX map metric's condition, True for a clean cell."""
    result = pd.Series(True, index=column.index, dtype=bool)
    if not candidates.any():
        return result
    values = column[candidates]
    try:  # each distinct value read once (codes, dates and names repeat); null is clean
        codes, uniques = pd.factorize(values)
    except TypeError:  # unhashable values (dicts, lists)
        result[candidates] = values.map(is_clean).astype(bool)
        return result
    clean = np.fromiter((bool(is_clean(u)) for u in uniques), dtype=bool, count=len(uniques))
    result[candidates] = np.where(codes < 0, True, clean[codes] if len(clean) else True)
    return result
