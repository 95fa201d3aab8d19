"""Fold text before looking for personal data, keeping the way back to the original offsets.

A spreadsheet or a web form can write the same NIK in many ways; the detectors in `pii` see one.
`fold(text)` returns the folded text and, for each of its characters, the start and end offset
in `text` of what it came from, so a hit in the folded text masks the right span of the original.
Folding, character by character:

- invisible format characters (Unicode category Cf: zero-width space/joiner/non-joiner, BOM,
  soft hyphen, word joiner, LRM/RLM and the bidi controls), combining marks (Mn, Me) and the
  Hangul fillers (U+115F, U+1160, U+3164, U+FFA0: letters by category, blank on screen) are
  removed;
- every Unicode decimal digit (category Nd: Arabic-Indic `٣`, Extended Arabic-Indic `۳`,
  Devanagari `३`, fullwidth `３`, ...) becomes its ASCII digit;
- every other character is NFKC-normalised (`＋` -> `+`, `①` -> `1`, `²` -> `2`), and dashes
  (category Pd, and the minus sign `−`) become `-`;
- every run of whitespace (non-breaking and ideographic spaces included), including whitespace
  left next to a removed invisible, becomes one space.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_REMOVED = ("Cf", "Mn", "Me")
_MINUS_SIGNS = "\u2212\u2796\ufe63\uff0d"
# Letters (category Lo) that render as nothing: inside a NIK they would split it in two.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")


@dataclass(frozen=True)
class Folded:
    """`text` folded; `starts[i]`/`ends[i]` is the span of the original that `text[i]` came from.

    Both are None when folding changed nothing (the offsets are the same).
    """

    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the folded span `start:end` (which must not be empty)."""
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def _fold_char(char: str) -> str:
    category = unicodedata.category(char)
    if category in _REMOVED or char in _BLANK_LETTERS:
        return ""
    if char.isspace() or category == "Zs":
        return " "
    digit = unicodedata.decimal(char, None)
    if digit is not None:
        return str(digit)
    if category == "Pd" or char in _MINUS_SIGNS:
        return "-"
    if char.isascii():
        return char
    out = []
    for c in unicodedata.normalize("NFKC", char):
        if unicodedata.category(c) in _REMOVED:
            continue
        if c.isspace():
            out.append(" ")
        elif (d := unicodedata.decimal(c, None)) is not None:
            out.append(str(d))
        elif unicodedata.category(c) == "Pd" or c in _MINUS_SIGNS:
            out.append("-")
        else:
            out.append(c)
    return "".join(out)


_PLAIN = re.compile(r"[\x21-\x7e]*(?: [\x21-\x7e]+)*")


def fold(text: str) -> Folded:
    """`text` folded for detection (see the module rules), with offsets back into `text`."""
    if _PLAIN.fullmatch(text):  # printable ASCII, single spaces: nothing to fold
        return Folded(text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, char in enumerate(text):
        for c in _fold_char(char):
            if c == " " and out and out[-1] == " ":
                ends[-1] = i + 1  # one space for the whole run
                continue
            out.append(c)
            starts.append(i)
            ends.append(i + 1)
    return Folded("".join(out), tuple(starts), tuple(ends))
