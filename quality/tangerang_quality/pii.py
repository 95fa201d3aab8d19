"""Personal-data detectors for Indonesian open data (no GX here: pure functions).

Kinds: `nik`, `kk`, `npwp`, `phone`, `email`, `dob`. Rules that keep false alarms down:

- A 16-digit candidate is a NIK only when its structure holds: a known province+regency
  (python-stdnum's `stdnum.id.nik` table), a non-zero district, DDMMYY with day 1..31 or
  41..71 (women +40) forming a real date, and a serial other than 0000. BPS codes fail this
  (the 3-digit kecamatan part puts `00`/`0x` in the day), as do most totals.
- A NIK-shaped number whose day is not +40 is reported as `kk` when the column name or the
  nearby text says KK / kartu keluarga; otherwise as `nik` (both are personal data).
- Digit runs must stand alone: a 16-digit window inside a longer number is ignored.
- Money is not an identifier: runs right after `Rp`/`IDR`, and runs grouped in thousands
  (`1.234.567.890.123.456`, `1,234,...`), are skipped.
- Numeric columns (every value a number, see `is_numeric_column`) are totals: their digits are
  only reported when the column name raises suspicion or most values are valid identifiers.
- NPWP: the `XX.XXX.XXX.X-XXX.XXX` layout always counts; bare 15/16 digits count when
  python-stdnum's check digit holds (16 digits not starting with 0 are NIK-shaped and go
  through the NIK rule).
- Mobile numbers: +62 / 62 / 0, then 8, checked by `phonenumbers` as an Indonesian mobile.
  Landlines such as `(021) 5523456` are not personal data here.
- A date of birth counts when a birth keyword (lahir, tgl lahir, TTL, DOB...) precedes a date,
  or when a birth-date column sits beside a name column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import phonenumbers
from stdnum.id import nik as stdnum_nik
from stdnum.id import npwp as stdnum_npwp

from tangerang_quality.masking import mask_date, mask_digits, mask_email, mask_identifiers

KINDS = ("nik", "kk", "npwp", "phone", "email", "dob")
DIGIT_KINDS = ("nik", "kk", "npwp", "phone")


@dataclass(frozen=True)
class Finding:
    """One personal-data hit. `row` is 0-based over data rows, or None for a header hit."""

    row: int | None
    column: str
    kind: str
    masked: str


@dataclass(frozen=True)
class Match:
    """One hit inside a text value: the span it covers and the value masked."""

    kind: str
    start: int
    end: int
    masked: str


# -- structural checks ------------------------------------------------------------------------


def _date_ok(day: int, month: int, year2: int) -> bool:
    import datetime

    for century in (1900, 2000):
        try:
            datetime.date(century + year2, month, day)
            return True
        except ValueError:
            continue
    return False


def nik_structure(digits: str, *, strict_region: bool = True) -> str | None:
    """`"female"`/`"male"` when `digits` is a structurally valid NIK, else None.

    With `strict_region` the province+regency must be in python-stdnum's table; without it
    (a column named `nik`) any province 11..97 and regency 01..99 passes.
    """
    if len(digits) != 16 or not digits.isdigit():
        return None
    province, regency, district = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    day, month, year2 = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    if district == 0 or digits[12:] == "0000":
        return None
    if strict_region:
        if not stdnum_nik.is_valid(digits):
            return None
    elif not (11 <= province <= 97 and regency >= 1):
        return None
    if 1 <= day <= 31:
        sex = "male"
    elif 41 <= day <= 71:
        sex, day = "female", day - 40
    else:
        return None
    return sex if 1 <= month <= 12 and _date_ok(day, month, year2) else None


def npwp_valid(digits: str) -> bool:
    if len(digits) == 16 and not digits.startswith("0"):
        return False  # NIK-shaped: handled by the NIK rule
    return len(digits) in (15, 16) and stdnum_npwp.is_valid(digits)


def mobile_valid(candidate: str) -> bool:
    try:
        number = phonenumbers.parse(candidate, "ID")
    except phonenumbers.NumberParseException:
        return False
    return (
        number.country_code == 62
        and str(number.national_number).startswith("8")
        and phonenumbers.is_valid_number(number)
        and phonenumbers.number_type(number)
        in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    )


# -- column names -----------------------------------------------------------------------------

_HEADER_KINDS: dict[str, tuple[str, ...]] = {
    "nik": ("nik", "no_nik", "nomor_nik", "ktp", "no_ktp", "nomor_ktp", "nomor_induk_kependudukan"),
    "kk": ("kk", "no_kk", "nomor_kk", "nkk", "kartu_keluarga", "no_kartu_keluarga"),
    "npwp": ("npwp", "no_npwp", "nomor_npwp"),
    "phone": (
        "hp",
        "no_hp",
        "nomor_hp",
        "nohp",
        "handphone",
        "no_handphone",
        "ponsel",
        "no_ponsel",
        "wa",
        "no_wa",
        "whatsapp",
        "no_whatsapp",
        "mobile",
        "mobile_phone",
    ),
    "email": ("email", "e_mail", "surel", "alamat_email", "alamat_surel"),
    "dob": (
        "tgl_lahir",
        "tanggal_lahir",
        "tanggal_kelahiran",
        "ttl",
        "tempat_tanggal_lahir",
        "dob",
        "date_of_birth",
        "birth_date",
        "birthdate",
    ),
}
_NAME_COLUMNS = ("nama", "name", "nama_lengkap", "full_name", "nama_warga", "nama_pasien")


def normalize_header(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def header_kind(name: str) -> str | None:
    """The personal-data kind a column name announces (`no_hp` -> `phone`), or None."""
    norm = normalize_header(name)
    for kind, names in _HEADER_KINDS.items():
        if norm in names:
            return kind
    return None


def is_name_column(name: str) -> bool:
    return normalize_header(name) in _NAME_COLUMNS


# -- text scanning ----------------------------------------------------------------------------

# Between the digits of one identifier: one space, or `.`/`-` with optional spaces around it
# (text is normalised first: non-breaking spaces become spaces, whitespace runs one space).
_SEP = r"(?: ?[.\-] ?| )"
# Exactly 16 (or 15) digits joined by separators, not part of a longer run.
# (Python lookbehinds are fixed-width: one per separator width.)
_NOT_AFTER = r"(?<!\d)(?<!\d )(?<!\d[.\-])(?<!\d [.\-])(?<!\d[.\-] )(?<!\d [.\-] )"
_RUN16 = re.compile(rf"{_NOT_AFTER}(?:\d{_SEP}?){{15}}\d(?!\d)(?!{_SEP}\d)")
_RUN15 = re.compile(rf"{_NOT_AFTER}(?:\d{_SEP}?){{14}}\d(?!\d)(?!{_SEP}\d)")
# Tried even when the greedy run above is rejected (a NIK followed by a phone number, `RT 05`
# before it): a bare 16-digit token, and 4-4-4-4 / 6-6-4 groupings with one separator.
_TOKEN16 = re.compile(r"(?<!\d)(?<!\d[.,])\d{16}(?!\d)(?![.,]\d)")
_GROUPED16 = re.compile(
    r"(?=(?<!\d)(?P<g>\d{4}(?P<s>[ .\-]+)\d{4}(?P=s)\d{4}(?P=s)\d{4}"
    r"|\d{6}(?P<t>[ .\-]+)\d{6}(?P=t)\d{4})(?!\d))"
)
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
_NPWP_LAYOUT = re.compile(r"(?<!\d)\d{2}\.\d{3}\.\d{3}\.\d-\d{3}\.\d{3}(?!\d)")
_PHONE = re.compile(
    r"(?<![\d+])(?:\+62|62|0)[ .\-]?\(?8\d{1,2}\)?(?:[ .\-]?\d){6,10}(?!\d)(?![ .\-]\d)"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})+$")
_MONEY_BEFORE = re.compile(r"(?:rp\.?|idr)\s*$", re.IGNORECASE)
_KK_NEAR = re.compile(r"\b(?:kk|nkk|no\.?\s*kk|kartu\s+keluarga)\b", re.IGNORECASE)
_MONTHS = (
    r"jan(?:uari|uary)?|feb(?:ruari|ruary)?|mar(?:et|ch)?|apr(?:il)?|mei|may|jun(?:i|e)?|"
    r"jul(?:i|y)?|agu(?:stus)?|agt|ags|aug(?:ust)?|sep(?:tember)?|okt(?:ober)?|oct(?:ober)?|"
    r"nov(?:ember)?|des(?:ember)?|dec(?:ember)?"
)
_DATE = (
    r"(?:\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}"
    rf"|\d{{1,2}}\s+(?:{_MONTHS})\.?\s+\d{{4}})"
)
_DOB = re.compile(
    r"\b(?:lahir|kelahiran|tgl\.?\s*lahir|tanggal\s+lahir|ttl|dob|date\s+of\s+birth|born)\b"
    rf"[^\d\n]{{0,40}}?(?P<date>{_DATE})",
    re.IGNORECASE,
)


def normalise_spaces(text: str) -> tuple[str, list[int], list[int]]:
    """`text` with every whitespace run (non-breaking spaces included) as one space, and for
    each character of the result its start and end offsets in `text`."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _SPACES.finditer(text):
        for i in range(pos, m.start()):
            out.append(text[i])
            starts.append(i)
            ends.append(i + 1)
        out.append(" ")
        starts.append(m.start())
        ends.append(m.end())
        pos = m.end()
    for i in range(pos, len(text)):
        out.append(text[i])
        starts.append(i)
        ends.append(i + 1)
    return "".join(out), starts, ends


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _is_money(text: str, start: int, run: str) -> bool:
    return bool(_MONEY_BEFORE.search(text[max(0, start - 6) : start]) or _THOUSANDS.match(run))


def _overlaps(spans: Iterable[Match], start: int, end: int) -> bool:
    return any(m.start < end and start < m.end for m in spans)


def scan_text(
    text: str,
    *,
    kinds: Sequence[str] = KINDS,
    column_kind: str | None = None,
) -> list[Match]:
    """Every personal-data hit in one text value. `column_kind` is the header's kind, if any.

    Spans are offsets in `text`; scanning runs on the text with whitespace normalised.
    """
    if not text:
        return []
    norm, starts, ends = normalise_spaces(text)
    hits = _scan_normalised(norm, kinds=kinds, column_kind=column_kind)
    return [
        Match(m.kind, starts[m.start], ends[m.end - 1], m.masked) for m in hits if m.end > m.start
    ]


def _scan_normalised(text: str, *, kinds: Sequence[str], column_kind: str | None) -> list[Match]:
    found: list[Match] = []

    def add(kind: str, start: int, end: int, masked: str) -> None:
        if kind in kinds and not _overlaps(found, start, end):
            found.append(Match(kind, start, end, masked))

    suspicious = column_kind in ("nik", "kk", "npwp")

    def sixteen(start: int, end: int) -> None:
        run = text[start:end]
        digits = _digits(run)
        if _overlaps(found, start, end) or _is_money(text, start, run):
            return
        sex = nik_structure(digits, strict_region=not suspicious)
        if sex:
            near = text[max(0, start - 25) : start]
            is_kk = sex == "male" and (column_kind == "kk" or bool(_KK_NEAR.search(near)))
            add("kk" if is_kk else "nik", start, end, mask_digits(digits))
        elif npwp_valid(digits) or (column_kind == "npwp" and digits.startswith("0")):
            add("npwp", start, end, mask_digits(digits))

    for m in _NPWP_LAYOUT.finditer(text):
        add("npwp", m.start(), m.end(), mask_digits(_digits(m.group())))
    for m in _RUN16.finditer(text):
        sixteen(m.start(), m.end())
    for m in _TOKEN16.finditer(text):
        sixteen(m.start(), m.end())
    for m in _GROUPED16.finditer(text):
        sixteen(m.start("g"), m.end("g"))
    for m in _RUN15.finditer(text):
        digits = _digits(m.group())
        if not _is_money(text, m.start(), m.group()) and (
            npwp_valid(digits) or column_kind == "npwp"
        ):
            add("npwp", m.start(), m.end(), mask_digits(digits))
    for m in _PHONE.finditer(text):
        if mobile_valid(m.group()):
            add("phone", m.start(), m.end(), mask_digits(_digits(m.group())))
    for m in _EMAIL.finditer(text):
        add("email", m.start(), m.end(), mask_email(m.group()))
    for m in _DOB.finditer(text):
        add("dob", m.start("date"), m.end("date"), mask_date(m.group("date")))
    return sorted(found, key=lambda x: x.start)


def scan_number(value: object, *, column_kind: str | None = None) -> Match | None:
    """The numeric rule for integer/number columns: a NIK or KK stored as a number.

    A value is personal data only when it is a whole number of exactly 16 digits that passes
    the structural check with the strict region table (`nik_structure`: python-stdnum's
    province+regency, real DDMMYY with +40 for women, serial not 0000). Totals that do not
    parse as a NIK stay clean. A NIK-shaped male number in a column named like a KK is `kk`.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if value != value or not value.is_integer():
            return None
        value = int(value)
    if isinstance(value, int):
        digits = str(abs(value))
    elif isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
        digits = value.strip().lstrip("+-")
    else:
        try:  # numpy and Decimal integers
            digits = str(abs(int(value)))  # type: ignore[call-overload]
            if float(value) != int(value):  # type: ignore[arg-type]
                return None
        except (TypeError, ValueError, OverflowError):
            return None
    sex = nik_structure(digits, strict_region=True)
    if sex is None:
        return None
    kind = "kk" if sex == "male" and column_kind == "kk" else "nik"
    return Match(kind, 0, len(digits), mask_digits(digits))


# -- masking (the rules live in `masking`) -----------------------------------------------


def redact(text: str) -> str:
    """Defence in depth for messages, results and reports: detected personal data masked, then
    every remaining run of 8+ digits and every e-mail address (`masking.mask_identifiers`)."""
    return mask_identifiers(mask_text(text))


def mask_text(text: str, matches: Sequence[Match] | None = None) -> str:
    """`text` with every hit replaced by its masked form."""
    matches = scan_text(text) if matches is None else matches
    out, pos = [], 0
    for m in sorted(matches, key=lambda x: x.start):
        out.append(text[pos : m.start])
        out.append(m.masked)
        pos = m.end
    out.append(text[pos:])
    return "".join(out)


# -- columns and tables -----------------------------------------------------------------------

_NUMBER = re.compile(
    r"^[+-]?(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)$"
)


def is_number_text(value: str) -> bool:
    """`1234`, `-5,3`, `1.234.567,89`, `1,234.5` are numbers; `0812...` (leading zero) is not."""
    v = value.strip()
    if not _NUMBER.match(v):
        return False
    body = v.lstrip("+-")
    return not (len(body) > 1 and body[0] == "0" and body[1].isdigit())


def is_numeric_column(values: Iterable[object]) -> bool:
    """True when every non-empty value is a number (ints/floats, or text that reads as one)."""
    seen = False
    for v in values:
        if v is None or v == "":
            continue
        if isinstance(v, bool):
            return False
        if isinstance(v, int | float):
            seen = True
            continue
        if not is_number_text(str(v)):
            return False
        seen = True
    return seen


def _cell_text(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if value != value or not value.is_integer():  # NaN, or a fraction: not an identifier
            return None
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def scan_column(
    name: str,
    values: Sequence[object],
    *,
    numeric: bool | None = None,
    check_header: bool = True,
) -> list[Finding]:
    """Findings in one column: its header, then each value.

    `numeric` says the column holds quantities (contract type integer/number, or inferred with
    `is_numeric_column` when None). Digits in such a column are only reported when the header is
    suspicious or at least half the non-empty values are hits, so a column of rupiah totals is
    clean while a column of NIKs stored as numbers is not.
    """
    findings: list[Finding] = []
    column_kind = header_kind(name)
    if check_header and column_kind:
        findings.append(Finding(None, name, column_kind, "(column name)"))
    if numeric is None:
        numeric = is_numeric_column(values)
    per_row: list[Finding] = []
    filled = 0
    for i, value in enumerate(values):
        text = _cell_text(value)
        if text is None:
            continue
        filled += 1
        for m in scan_text(text, column_kind=column_kind):
            per_row.append(Finding(i, name, m.kind, m.masked))
    if numeric and column_kind is None:
        digit_rows = {f.row for f in per_row if f.kind in DIGIT_KINDS}
        if len(digit_rows) * 2 < max(filled, 1):
            per_row = [f for f in per_row if f.kind not in DIGIT_KINDS]
    return findings + per_row


def scan_columns(
    columns: dict[str, Sequence[object]],
    *,
    numeric: dict[str, bool] | None = None,
    skip: Iterable[str] = (),
) -> list[Finding]:
    """Findings in a whole table given as {column: values}; adds the name-beside-birth-date rule."""
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
            for i, value in enumerate(values):
                text = _cell_text(value)
                if text is not None and i not in flagged:
                    findings.append(Finding(i, name, "dob", mask_date(text)))
    return findings
