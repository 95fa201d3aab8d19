"""Spreadsheet formula injection: text cells a spreadsheet would run as a formula.

A cell is dangerous when, after leading whitespace, it starts with `=`, `+`, `-` or `@` and is
not a plain number (`-12`, `-5,3`, `+62` style numbers are data, not formulas). Leading tab and
carriage-return characters are included because Excel strips them before evaluating. A lone
trigger character (`-` as the agencies' "no value") is text to every spreadsheet, so it passes,
and so does a list of numbers such as BMKG's coordinate pair `-6.17,106.63`: no operator, no
function, nothing to run.
"""

from __future__ import annotations

import re

from tangerang_quality.pii import is_number_text

TRIGGERS = ("=", "+", "-", "@")
_LEADING = re.compile(r"^[ \t\r\n]*")
_NUMBER_LIST = re.compile(r"^[+-]?\d+(?:\.\d+)?(?:\s*[,;]\s*[+-]?\d+(?:\.\d+)?)+$")


def is_formula_injection(value: object) -> bool:
    if not isinstance(value, str):
        return False
    text = _LEADING.sub("", value).rstrip()
    if len(text) < 2 or text[0] not in TRIGGERS:
        return False
    return not (is_number_text(text) or _NUMBER_LIST.match(text))


def defuse(value: str) -> str:
    """OWASP's advice: prefix a single quote so the cell is read as text."""
    return "'" + value if is_formula_injection(value) else value
