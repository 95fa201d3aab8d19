"""Spreadsheet formula injection: text cells a spreadsheet would run as a formula.

A text cell is read after its leading whitespace (tab, carriage return and newline included:
spreadsheets strip them) and after any leading run of `+`, `-` and spaces. It is

- a **formula** (blocks publication, `is_formula_injection`) when, after that run, it starts
  with `=` or `@` (`=1+1`, `@SUM(A1)`, `+@HYPERLINK("http://…","Unduh")`, `-@SUM(1)`,
  `- =cmd|' /C calc'!A0`), or when it starts with `+`/`-` followed by something a spreadsheet
  parses as a formula: a function call (`-SUM(A1:A3)`, `+HYPERLINK(...)`), a cell reference
  (`+A1`, `-Sheet1!B2`, `+$C$3`), a DDE call (`+cmd|' /C calc'!A0`) or an operator expression
  (`+1+1`, `-2*3`, `+A1&B1`);
- **leading-sign text** (a warning, `starts_with_sign`) when it starts with `+`/`-` but is none
  of the above: `- Tidak ada data`, `+62 21 5523456`. Published, flagged;
- clean otherwise. Plain numbers (`-12`, `-5,3`, `+62`), lists of numbers such as BMKG's
  coordinate pair `-6.17,106.63`, and a lone trigger (`-` as the agencies' "no value") are data.

The published CSV passes every text cell through `defuse` (OWASP: prefix a single quote), so
leading-sign text that was published with a warning cannot run in the user's spreadsheet.
"""

from __future__ import annotations

import re

from tangerang_quality.pii import is_number_text
from tangerang_quality.texts import say

# What a finding of formula injection is called for people (`hub scan`); English: the kind.
KIND = "formula"
KIND_LABEL = say("rumus spreadsheet", KIND)

TRIGGERS = ("=", "+", "-", "@")
ALWAYS = ("=", "@")
SIGNS = ("+", "-")
_LEADING = re.compile(r"^\s*")
_SIGN_RUN = re.compile(r"^[+\-\s]*")
_NUMBER_LIST = re.compile(r"^[+-]?\d+(?:\.\d+)?(?:\s*[,;]\s*[+-]?\d+(?:\.\d+)?)+$")

# What may follow a leading + or - for a spreadsheet to evaluate it.
_SHEET = r"(?:'[^']+'|[A-Za-z_][\w.]*)!"
_REF = rf"(?:{_SHEET})?\$?[A-Za-z]{{1,3}}\$?\d+(?::\$?[A-Za-z]{{1,3}}\$?\d+)?"
_OPERAND = rf"(?:{_REF}|\d+(?:[.,]\d+)?%?|\([^)]*\))"
_FUNCTION = re.compile(r"^[+\-\s]*[A-Za-z_][\w.]*\(")
_CELL = re.compile(rf"^[+\-\s]*{_REF}\s*(?:$|[-+*/^&=<>,;:)])")
_DDE = re.compile(r"^[+\-\s]*[\w.]+\s*\|")
# A cell reference or function call right after an operator, anywhere: `-6.17,106.63+A1`.
_OPERATOR_THEN_CODE = re.compile(rf"[-+*/^&=<>(]\s*(?:{_REF}(?![\w(])|[A-Za-z_][\w.]*\()")
_EXPRESSION = re.compile(rf"^[+\-\s]*{_OPERAND}\s*(?:[-+*/^&]|<=?|>=?|<>|=)\s*[+-]?\s*[\w$('\"]")


def _stripped(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = _LEADING.sub("", value).rstrip()
    if len(text) < 2 or text[0] not in TRIGGERS:
        return None
    if is_number_text(text) or _NUMBER_LIST.match(text):
        return None
    return text


def is_formula_injection(value: object) -> bool:
    """True when a spreadsheet would run the cell as a formula (this blocks publication)."""
    text = _stripped(value)
    if text is None:
        return False
    after_signs = _SIGN_RUN.sub("", text)
    if after_signs[:1] in ALWAYS:
        return True
    return bool(
        _FUNCTION.match(text)
        or _CELL.match(text)
        or _DDE.match(text)
        or _EXPRESSION.match(text)
        or _OPERATOR_THEN_CODE.search(text[1:])
    )


def starts_with_sign(value: object) -> bool:
    """Text starting with `+`/`-` that is neither a number nor a formula (a warning only)."""
    text = _stripped(value)
    return text is not None and text[0] in SIGNS and not is_formula_injection(text)


def defuse(value: str) -> str:
    """`value` as the published CSV writes it: a single quote in front of a formula or of
    leading-sign text (OWASP), so a spreadsheet reads the cell as text; anything else as is.

    The quote goes before the whole value, leading whitespace included, so stripping the one
    quote gives the original back.
    """
    return "'" + value if is_formula_injection(value) or starts_with_sign(value) else value
