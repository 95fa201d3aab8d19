"""The one identifier masker: what people see instead of a NIK, KK, NPWP, phone number or e-mail.

Every problem message, run report, Data Docs page, log line and published masked value goes
through these functions. The rules:

- a mobile phone number keeps its operator prefix (`0812`; `62812` from +62; `812` when the 0
  was lost) and at most its last 2 digits: `0812-3456-7890` -> `0812******90`. A run of
  digits is a phone number when it reads as one (`08…` or `628…`, 10 to 13 digits; `8…`,
  9 to 12 digits, as after `(+62)` or when a spreadsheet dropped the leading 0) or when the
  caller says so (`kind="phone"`);
- any other identifier of 10 or more digits (NIK, KK, NPWP) keeps its first 4 digits (province
  and regency) and at most its last 4: `3671014502900001` -> `3671********0001`;
- 8 or 9 digits keep 2 at each end; a number too short to keep anything is all stars;
- an e-mail address keeps its first letter and its domain: `b***@example.go.id`;
- a date of birth keeps no digit at all: `17-08-1990` -> `**-**-****`;
- Kemendagri codes (`36.71.01.1001`) are public reference codes and stay readable, and so do
  dates written with slashes (`17/08/2024`); in free text digits may be grouped by one space,
  dot, dash, slash or non-breaking space (`0812/3456/7890`).
"""

from __future__ import annotations

import re

PHONE_LEAD, PHONE_TAIL = 4, 2
ID_LEAD, ID_TAIL = 4, 4
SHORT_KEEP = 2  # at each end of an 8- or 9-digit run

# Mobile numbers as digits only: 08… or 628… (from +62 / 62), 10 to 13 digits in all; 8…,
# 9 to 12 digits (the national number alone).
_PHONE_DIGITS = re.compile(r"^(?:0?8\d{8,11}|628\d{7,10})$")
_READABLE = (
    re.compile(r"^\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?$"),  # Kemendagri code
    re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4}$"),  # a date such as 17/08/2024
)
# In free text: runs of 8+ digits, one space, dot, dash, slash or non-breaking space between.
_DIGIT_RUN = re.compile(r"(?<!\d)\+?\d(?:[ .\-/\u00a0]?\d){7,}(?!\d)")
# As pii's local parts (quoted, or letters of any script), in their plain `@` form.
_EMAIL = re.compile(r'(?:"[^"\r\n]{1,64}"|(?<![\w.%+-])\w[\w.%+-]*)@[\w.-]+\.[^\W\d_]{2,}')


def _keep(digits: str, lead: int, tail: int) -> str:
    if len(digits) <= lead + tail:
        return "*" * len(digits)
    return digits[:lead] + "*" * (len(digits) - lead - tail) + digits[-tail:]


def _operator_prefix(digits: str) -> int:
    """How many leading digits are the operator prefix and nothing more: `0812`, `62812`,
    or `812` when the leading 0 was lost, so no form shows more of the subscriber number."""
    if digits.startswith("62"):
        return PHONE_LEAD + 1
    if digits.startswith("8"):
        return PHONE_LEAD - 1
    return PHONE_LEAD


def mask_digits(digits: str, kind: str | None = None) -> str:
    """The masked form of an identifier given as digits only (see the module rules).

    `kind="phone"` applies the phone rule to digits that do not look like a phone number by
    themselves; other kinds (`nik`, `kk`, `npwp`) need no hint.
    """
    if kind == "phone" or _PHONE_DIGITS.match(digits):
        return _keep(digits, _operator_prefix(digits), PHONE_TAIL)
    if len(digits) >= 10:
        return _keep(digits, ID_LEAD, ID_TAIL)
    return _keep(digits, SHORT_KEEP, SHORT_KEEP)


def mask_email(email: str) -> str:
    """`budi.santoso@example.go.id` -> `b***@example.go.id`."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_date(text: str) -> str:
    """A date of birth with every digit hidden: even the year alone would help identify."""
    return re.sub(r"\d", "*", text)


def _mask_run(match: re.Match[str]) -> str:
    text = match.group(0)
    if any(pattern.match(text) for pattern in _READABLE):
        return text
    return mask_digits(re.sub(r"\D", "", text))


def mask_identifiers(text: str) -> str:
    """`text` with every run of 8+ digits and every e-mail address masked (module rules).

    Needs no detection: anything that may be an identifier is masked, so this is the last pass
    over any text that leaves the engine.
    """
    masked = _DIGIT_RUN.sub(_mask_run, text)
    return _EMAIL.sub(lambda m: mask_email(m.group(0)), masked)
