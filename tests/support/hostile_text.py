"""Text that makes the personal-data and formula detectors fire, or nearly fire: pieces of
identifiers, separators, hints, invisible and non-ASCII characters, glued together at random
(a Hypothesis strategy shared by the tests of the candidate masks and of the table scan)."""

from __future__ import annotations

import string

from hypothesis import strategies as st

NIK = "3671014502900001"
# Pieces that make detectors fire or nearly fire, glued together at random.
PIECES = [
    NIK,
    "0812",
    "3456",
    "7890",
    "62",
    "+62",
    "(0)",
    "812",
    "00",
    "36.71.10",
    "36.71.10.1004",
    "RT 001/RW 012",
    "No. 286",
    "Rp",
    "12.345.678",
    "-6,1781",
    "106.6319",
    "17-08-1945",
    "lahir",
    "TTL",
    "DOB",
    "born",
    "[at]",
    "( at )",
    "[  et ]",
    "@",
    "budi",
    "example.com",
    "{",
    "}",
    "[",
    "]",
    '"hp": ',
    "8.12E+10",
    "8.1234567890e10",
    "=",
    "+",
    "-",
    "@SUM(A1)",
    "=1+1",
    "-A1",
    "HYPERLINK(",
    "cmd|",
    "_",
    "/",
    ".",
    ",",
    "–",
    "\u200b",
    "\u00a0",
    "٣٦٧١",
    "３",
    "①",
    "²",
    "\t",
    "\n",
    "\r",
    "\x0b",
    "\x1c",
    "    ",
    " ",
    "a",
    "Z",
    "KK",
    "NPWP",
    "01.234.567.8-901.000",
]
texts = st.lists(st.sampled_from(PIECES) | st.text(string.printable, max_size=6), max_size=8).map(
    "".join
)
