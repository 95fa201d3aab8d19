"""Personal-data detectors for Indonesian open data (no GX here: pure functions).

Kinds: `nik`, `kk`, `npwp`, `phone`, `email`, `dob`; `kind_label` names one for people
(Bahasa Indonesia, and in English the kind itself).

How a value is read. Text is first folded (`textfold.fold`): NFKC, every Unicode decimal digit
as ASCII (Arabic-Indic, Devanagari, fullwidth...), invisible format characters (zero-width
space/joiner, BOM, soft hyphen, word joiner, LRM/RLM) and combining marks removed, whitespace
runs as one space. Then digit groups are joined into tokens and chains:

- a single `.` or `,` between two groups binds them into one token (a decimal or a thousands
  mark: `3671014502900001.5`, `1.234.567`), unless both groups have 5+ digits; a whole number
  written as a decimal (9+ digits, then a fraction of zeros: `3671014502900001.0`, as a float
  column is exported) is its integer part;
- any other run of up to 5 characters that are neither letters nor digits (spaces, dashes of
  any kind, `/`, `_`, `|`, parentheses, `+`...) separates tokens of one chain, so
  `3671/0145/0290/0001`, `3671_0145_0290_0001`, `3671–0145–0290–0001` and `(+62) 812-3456-7890`
  each read as one candidate;
- a candidate is any run of whole consecutive tokens of a chain: digits inside a longer token
  are never a candidate (a 16-digit window inside an 18-digit NOP is ignored), while a NIK after
  `RT 05` or before a phone number is found.

Rules that keep false alarms down:

- A 16-digit candidate is a NIK only when its structure holds: a known province+regency
  (python-stdnum's `stdnum.id.nik` table), a non-zero district, DDMMYY with day 1..31 or
  41..71 (women +40) forming a real date, and a serial other than 0000. BPS codes fail this
  (the 3-digit kecamatan part puts `00`/`0x` in the day), as do most totals.
- A NIK-shaped number whose day is not +40 is reported as `kk` when the column name or the
  nearby text says KK / kartu keluarga; otherwise as `nik` (both are personal data).
- Money is not an identifier: candidates right after `Rp`/`IDR`, and tokens grouped in
  thousands (`1.234.567.890.123.456`, `1,234,...`), are skipped.
- Codes and numbers with a layout of their own are never candidates: NOP (PBB tax object
  numbers, `36.71.010.001.001-0001.0`), coordinates (`-6.1781, 106.6319`, any signed decimal)
  and dates (`17-08-1945`, `2024-01-05`). Letter numbers (`050/123/Bappeda/2024`) are broken
  by their letters; Kemendagri codes, NIB, years and sequences fail the structural checks.
- Numeric columns (every value a number, see `is_numeric_column`) are totals: their digits are
  only reported when the column name raises suspicion or most of their values as long as an
  identifier (9 digits or more) are valid identifiers (`table_scan.scan_column`).
- NPWP: the `XX.XXX.XXX.X-XXX.XXX` layout always counts; other 15/16-digit candidates count
  when python-stdnum's check digit holds (16 digits not starting with 0 are NIK-shaped and go
  through the NIK rule).
- Mobile numbers: `+62`, `62`, `0062`, `(+62)`, `+62 (0)` or `0`, then 8, checked by
  `phonenumbers` as an Indonesian mobile. A bare national number (`812...`, 9 to 12 digits, the
  leading 0 lost) counts in a phone column (`column_names.header_kind`) or right after a phone
  word (`hp`, `wa`, `telp`...), also as a number (`81234567890`, `8.1234567890e10`).
  Landlines such as `(021) 5523456` are not personal data here.
- E-mail addresses, also written `budi [at] example [dot] com`, `budi(at)example.com` or,
  ending in a common top-level domain, `budi at example dot com`.
- A date of birth counts when a birth keyword (lahir, tgl lahir, TTL, DOB...) precedes a date,
  when the date stands in a birth-date column (its header is the keyword: `TTL` holding
  `Tangerang, 12 Januari 1990`), or when a birth-date column sits beside a name column (every
  value then, a date or not).
- JSON text and dict/list values are also walked: each leaf is scanned with its key as the
  column name, and keys are scanned as text.
- Column names are scanned as text too (a NIK used as a header is found), and an identifier
  split over adjacent columns of one row (`3671 0145` | `0290 0001`) is found by `scan_split`.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import phonenumbers
from stdnum.id import nik as stdnum_nik
from stdnum.id import npwp as stdnum_npwp

from tangerang_quality.column_names import (
    figure_or_code_name,
    header_kind,
    row_number_name,
)
from tangerang_quality.masking import mask_date, mask_digits, mask_email, mask_identifiers
from tangerang_quality.textfold import fold
from tangerang_quality.texts import Said, say

KINDS = ("nik", "kk", "npwp", "phone", "email", "dob")
DIGIT_KINDS = ("nik", "kk", "npwp", "phone")
# What a message calls each kind; the English is the kind itself, as messages always said.
KIND_LABELS = {
    "nik": say("NIK", "nik"),
    "kk": say("nomor KK", "kk"),
    "npwp": say("NPWP", "npwp"),
    "phone": say("nomor telepon", "phone"),
    "email": say("alamat e-mail", "email"),
    "dob": say("tanggal lahir", "dob"),
}
# What a header finding shows in place of a value: the column name announces the kind.
COLUMN_NAME_MARK = "(column name)"


def kind_label(kind: str) -> Said:
    """The kind as people read it; a kind not listed is said as is."""
    return KIND_LABELS.get(kind) or say("{kind}", "{kind}", kind=kind)


@dataclass(frozen=True)
class Finding:
    """One personal-data hit. `row` is 0-based over data rows, or None for a header hit.

    `columns` names every column of an identifier split over adjacent columns (`scan_split`);
    `column` is then the first of them.
    """

    row: int | None
    column: str
    kind: str
    masked: str
    columns: tuple[str, ...] = ()


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
    if len(digits) not in (15, 16):
        return False
    # python-stdnum decides. Its Luhn check over the first 9 (15 digits) or 10 digits is done
    # here first: nine candidates in ten fail it, which stdnum says by raising, at ten times
    # the cost (a sheet of 100,000 numeric columns spent a third of its scan there).
    if digits.isascii() and digits.isdigit() and not _luhn_ok(digits[: len(digits) - 6]):
        return False
    return stdnum_npwp.is_valid(digits)


_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # a digit doubled, its two digits summed


def _luhn_ok(digits: str) -> bool:
    """The Luhn check of ASCII `digits` (the rightmost digit is the check digit)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        total += _LUHN_DOUBLED[d] if i % 2 else d
    return total % 10 == 0


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


def mobile_national(digits: str, *, bare: bool = False) -> str | None:
    """The national number (`81234567890`) when `digits` is an Indonesian mobile number.

    Prefixes read: `0062`, `62` (from `+62`/`(+62)`), `0`, and `62 0` (`+62 (0)812...`). With
    `bare`, digits without a prefix (the leading 0 a spreadsheet dropped) count too.
    """
    if digits.startswith("0062"):
        rest = digits[4:]
    elif digits.startswith("62"):
        rest = digits[2:]
    elif digits.startswith("0"):
        rest = digits[1:]
    elif bare:
        rest = digits
    else:
        return None
    if rest.startswith("0") and digits[:1] != "0":
        rest = rest[1:]  # +62 (0)812...
    if not (9 <= len(rest) <= 12 and rest.startswith("8")):
        return None
    return rest if mobile_valid("+62" + rest) else None


# -- text scanning ----------------------------------------------------------------------------

_MAX_GAP = 5  # characters between two tokens of one chain, after folding
_MAX_DIGITS = 16  # the longest identifier looked for (a NIK; 0062 + 12 digits for a phone)
_MIN_DIGITS = 9  # the shortest: a mobile number without its leading 0
_NO_DIGITS = str.maketrans("", "", "0123456789")
_GROUP = re.compile(r"\d+")
_NPWP_LAYOUT = re.compile(r"(?<!\d)\d{2}\.\d{3}\.\d{3}\.\d-\d{3}\.\d{3}(?!\d)")
# Layouts that are never personal data: their digits take no part in any candidate.
_NOP_LAYOUT = re.compile(r"(?<!\d)\d{2}\.\d{2}\.\d{3}\.\d{3}\.\d{3}[-.]\d{4}\.\d(?!\d)")
_DECIMAL = r"\d{1,3}[.,]\d{3,}"
_COORDINATES = re.compile(
    rf"(?<![\w.,])(?:[-+]?{_DECIMAL}(?:\s?[,;/]\s?|\s)[-+]?{_DECIMAL}|-{_DECIMAL})(?!\w|[.,]\d)"
)
_DAY, _MONTH, _YEAR = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])", r"(?:19|20)\d{2}"
_DATE_LAYOUT = re.compile(
    rf"(?<![\d.\-/])(?:{_DAY}([-/.]){_MONTH}\1{_YEAR}|{_YEAR}([-/.]){_MONTH}\2{_DAY})"
    r"(?!\d|[.\-/]\d)"
)
_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})+(?:[.,]\d{1,2})?$")
_MONEY_BEFORE = re.compile(r"(?:rp\.?|idr)\s*$", re.IGNORECASE)
_KK_NEAR = re.compile(r"\b(?:kk|nkk|no\.?\s*kk|kartu\s+keluarga)\b", re.IGNORECASE)
_PHONE_WORD_BEFORE = re.compile(
    r"\b(?:hp|wa|telp|telpon|telepon|tlp|tlpn|ponsel|whatsapp|handphone|seluler|kontak|phone|"
    r"mobile|cp)\b[^\w]{0,4}$",
    re.IGNORECASE,
)
# `@` with a space either side or in brackets (`budi @ example.com`, `budi[@]example.com`), or
# the word in brackets (`budi [at] example [dot] com`); a domain's dot may follow a space.
_AT = r"(?:\s?(?:@|[\[({]\s?(?:@|at|et)\s?[\])}])\s?)"
_DOT = r"(?:\s?\.|\s?[\[({]\s?(?:\.|dot)\s?[\])}]\s?)"
_DOMAIN_PART = r"[^\W_](?:[\w\-]*[^\W_])?"  # letters (IDN included), digits, inner `-`/`_`
# A local part: quoted (`"budi santoso"@…`, RFC 5322, at most 64 characters between the
# quotes), or a run of letters of any script (RFC 6531: `bùdi@…`), digits and `._%+-`.
_LOCAL = r'"(?:[^"\\\r\n]|\\.){1,64}"|(?<![\w.%+\-])[\w.%+\-]+'
_EMAIL = re.compile(
    # the unquoted local part starts where a run of its characters starts: tried from inside
    # the run as well, a long run with no `@` after it took quadratic time (7 s for a
    # 20,000-letter cell)
    rf"(?P<local>{_LOCAL}){_AT}(?P<domain>{_DOMAIN_PART}(?:{_DOT}{_DOMAIN_PART})*"
    rf"{_DOT}[^\W\d_]{{2,}})",
    re.IGNORECASE,
)
_DOT_WORD = re.compile(_DOT, re.IGNORECASE)
_AT_HINT = re.compile(r"[\[({]\s?[ae]t\s?[\])}]", re.IGNORECASE)
# The words bare, `budi at gmail dot com`: only with a common top-level domain after the last
# `dot` (`kumpul at balai dot kota` is no address).
_TLDS = r"com|net|org|id|info|biz|edu|gov|io|co|me|my|sg"
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w.%+\-])(?P<local>[\w.%+\-]+)\s+(?:at|et)\s+"
    rf"(?P<domain>{_DOMAIN_PART}(?:\s+dot\s+{_DOMAIN_PART})*\s+dot\s+(?:{_TLDS}))(?![\w])",
    re.IGNORECASE,
)
_SPELLED_DOT = re.compile(r"\s+dot\s+", re.IGNORECASE)
_MONTHS = (
    r"jan(?:uari|uary)?|feb(?:ruari|ruary)?|mar(?:et|ch)?|apr(?:il)?|mei|may|jun(?:i|e)?|"
    r"jul(?:i|y)?|agu(?:stus)?|agt|ags|aug(?:ust)?|sep(?:tember)?|okt(?:ober)?|oct(?:ober)?|"
    r"nov(?:ember)?|des(?:ember)?|dec(?:ember)?"
)
# A date as people write one: 17-08-1990, 17/8/90, 1990-08-17, 1990/08/17, 17 Agustus 1990,
# 17-Agu-1990, 17Agustus1990, 17 Agustus, 1990, Agustus 17, 1990.
_DATE = (
    r"(?:\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    rf"|\d{{1,2}}[\s\-/.]*(?:{_MONTHS})\.?[\s\-/.,]*\d{{4}}"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}"
    # 17081990 or 19900817, as a form without separators keeps one
    r"|(?<!\d)(?:(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d\d"
    r"|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])))(?!\d)"
)
# The birth words: lahir (not in `hari lahir`, an anniversary), tgl/tanggal (ke)lahiran, lhr,
# TTL, DOB, date of birth, born; `kelahiran` alone says births, counted, not someone's.
_DOB = re.compile(
    r"(?:(?<![^\W_])(?:tgl|tanggal)[\s._:-]*(?:ke)?(?:lahir|lhr)(?:an)?"
    r"|(?<!hari )(?<![^\W_])(?:lahir|lhr)|\b(?:ttl|dob|date\s+of\s+birth|born))(?![^\W_])"
    rf"[^\d\n]{{0,40}}?(?P<date>{_DATE})",
    re.IGNORECASE,
)
_DOB_HINT = re.compile(r"lahir|lhr|ttl|dob|birth|born", re.IGNORECASE)
# In a birth-date column (TTL, tanggal lahir...) the header is the birth word: any date.
_ANY_DATE = re.compile(rf"(?<!\d)(?P<date>{_DATE})", re.IGNORECASE)
_MAX_JSON = 200_000  # characters: longer JSON text is scanned as text only


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


class _Spans:
    """Spans that do not overlap, kept sorted: whether a new one overlaps any costs a bisect,
    not a pass over all of them (a cell of 65,000 digits took 12 s that way)."""

    def __init__(self, matches: Iterable[Match] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for m in matches:
            self.claim(m.start, m.end)

    def claim(self, start: int, end: int) -> bool:
        """Add `start:end` and say True, unless it overlaps a span already there. An empty
        span covers nothing: it is free and is not kept (no hit is empty)."""
        if end <= start:
            return True
        # spans before `before` start before `end`; they are disjoint, so the last of them
        # ends last: it alone can reach past `start`
        before = bisect.bisect_left(self._starts, end)
        if before and self._ends[before - 1] > start:
            return False
        at = bisect.bisect_left(self._starts, start)
        self._starts.insert(at, start)
        self._ends.insert(at, end)
        return True


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    digits: str
    money: bool


def _chains(text: str, barriers: Sequence[tuple[int, int]]) -> list[list[_Token]]:
    """Tokens of `text` (folded) grouped into chains (see the module docstring).

    Digits inside a barrier span take no part, and no chain crosses a barrier.
    """
    blocked = bytearray(len(text))
    for s, e in barriers:
        blocked[s:e] = b"\x01" * (e - s)
    groups = [m for m in _GROUP.finditer(text) if 1 not in blocked[m.start() : m.end()]]
    tokens: list[list[re.Match[str]]] = []
    for g in groups:
        if tokens:
            prev = tokens[-1][-1]
            gap = text[prev.end() : g.start()]
            if gap in (".", ",") and min(len(prev.group()), len(g.group())) < 5:
                tokens[-1].append(g)
                continue
        tokens.append([g])
    chains: list[list[_Token]] = []
    last_end = None
    for parts in tokens:
        start, end = parts[0].start(), parts[-1].end()
        digits = "".join(p.group() for p in parts)
        if (
            len(parts) == 2
            and len(parts[0].group()) >= _MIN_DIGITS
            and not parts[1].group().strip("0")
        ):
            # A whole number written as a decimal (`3671014502900001.0`, a float column
            # exported by pandas or a spreadsheet): its digits are the integer part.
            digits = parts[0].group()
        token = _Token(start, end, digits, bool(_THOUSANDS.match(text[start:end])))
        gap = text[last_end:start] if last_end is not None else None
        if (
            gap is not None
            and len(gap) <= _MAX_GAP
            and not any(c.isalnum() for c in gap)
            and 1 not in blocked[last_end:start]
        ):
            chains[-1].append(token)
        else:
            chains.append([token])
        last_end = end
    return chains


def _judge(
    digits: str, *, column_kind: str | None, bare: bool, near: str = ""
) -> tuple[str, str] | None:
    """(kind, masked) when `digits` (one candidate) is personal data, else None."""
    if len(digits) == 16:
        sex = nik_structure(digits, strict_region=column_kind not in ("nik", "kk", "npwp"))
        if sex:
            is_kk = sex == "male" and (column_kind == "kk" or bool(_KK_NEAR.search(near)))
            return ("kk" if is_kk else "nik"), mask_digits(digits)
    if len(digits) in (15, 16) and (
        npwp_valid(digits) or (column_kind == "npwp" and (len(digits) == 15 or digits[0] == "0"))
    ):
        return "npwp", mask_digits(digits)
    if mobile_national(digits, bare=bare) is not None:
        return "phone", mask_digits(digits, "phone")
    return None


def _digit_hits(text: str, *, column_kind: str | None, taken: list[Match]) -> list[Match]:
    if len(text) - len(text.translate(_NO_DIGITS)) < _MIN_DIGITS:
        return []
    barriers = [
        m.span()
        for pattern in (_NOP_LAYOUT, _COORDINATES, _DATE_LAYOUT)
        for m in pattern.finditer(text)
    ]
    barriers += [(m.start, m.end) for m in taken]
    candidates: list[tuple[bool, int, int, Match]] = []
    for chain in _chains(text, barriers):
        if sum(len(t.digits) for t in chain) < _MIN_DIGITS:
            continue
        for s in range(len(chain)):
            if chain[s].money:
                continue
            start = chain[s].start
            if _MONEY_BEFORE.search(text[max(0, start - 6) : start]):
                continue
            before = text[max(0, start - 25) : start]
            bare = column_kind == "phone" or bool(_PHONE_WORD_BEFORE.search(before))
            digits = ""
            for e in range(s, len(chain)):
                if chain[e].money:
                    break
                digits += chain[e].digits
                if len(digits) > _MAX_DIGITS:
                    break
                verdict = _judge(digits, column_kind=column_kind, bare=bare, near=before)
                if verdict is None:
                    continue
                end = chain[e].end
                gaps = {text[chain[i].end : chain[i + 1].start] for i in range(s, e)}
                candidates.append((len(gaps) > 1, s, -e, Match(verdict[0], start, end, verdict[1])))
    found: list[Match] = []
    spans = _Spans()
    # One candidate per stretch of text: evenly separated ones first (`0812 3456 7890` over
    # `05 0812 3456 7890`), then the earliest, then the longest.
    for *_, match in sorted(candidates, key=lambda c: (c[0], c[3].start, c[2])):
        if spans.claim(match.start, match.end):
            found.append(match)
    return found


def scan_text(
    text: str,
    *,
    kinds: Sequence[str] = KINDS,
    column_kind: str | None = None,
) -> list[Match]:
    """Every personal-data hit in one text value. `column_kind` is the header's kind, if any.

    Spans are offsets in `text`; scanning runs on the folded text (`textfold.fold`). JSON text
    (an object or array) is also walked: see `scan_json`.
    """
    if not text:
        return []
    folded = fold(text)
    hits = [
        Match(m.kind, *folded.span(m.start, m.end), m.masked)
        for m in _scan_folded(folded.text, kinds=kinds, column_kind=column_kind)
        if m.end > m.start
    ]
    stripped = folded.text.strip()
    if stripped[:1] in ("{", "[") and len(text) <= _MAX_JSON:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # `[[[[…` nested past the stack is no JSON to walk
            data = None
        if isinstance(data, dict | list):
            spans = _Spans(hits)
            for m in _json_hits(text, data, kinds=kinds, column_kind=column_kind):
                if spans.claim(m.start, m.end):
                    hits.append(m)
    return sorted(hits, key=lambda m: m.start)


def _scan_folded(text: str, *, kinds: Sequence[str], column_kind: str | None) -> list[Match]:
    found: list[Match] = []
    spans = _Spans()

    def add(kind: str, start: int, end: int, masked: str) -> None:
        if kind in kinds and spans.claim(start, end):
            found.append(Match(kind, start, end, masked))

    # Cheap tests first: most cells hold no `@`, no bracket and no birth word.
    # (the address's pattern, what its dots are written as), for the forms the cell may hold
    emails = [(_EMAIL, _DOT_WORD)] if "@" in text or _AT_HINT.search(text) else []
    if _SPELLED_DOT.search(text):
        emails.append((_SPELLED_EMAIL, _SPELLED_DOT))
    for pattern, dots in emails:
        for m in pattern.finditer(text):
            domain = dots.sub(".", m.group("domain"))
            add("email", m.start(), m.end(), mask_email(f"{m.group('local')}@{domain}"))
    for m in _NPWP_LAYOUT.finditer(text):
        add("npwp", m.start(), m.end(), mask_digits(_digits(m.group())))
    for m in _digit_hits(text, column_kind=column_kind, taken=list(found)):
        add(m.kind, m.start, m.end, m.masked)
    if column_kind == "dob" or _DOB_HINT.search(text):
        for m in (_ANY_DATE if column_kind == "dob" else _DOB).finditer(text):
            add("dob", m.start("date"), m.end("date"), mask_date(m.group("date")))
    return sorted(found, key=lambda x: x.start)


def _leaves(data: object, key: str | None, depth: int = 0) -> Iterable[tuple[str | None, object]]:
    if depth > 20:
        return
    if isinstance(data, dict):
        for k, v in data.items():
            yield None, str(k)  # a key is text too (an identifier used as a key)
            yield from _leaves(v, str(k), depth + 1)
    elif isinstance(data, list | tuple):
        for v in data:
            yield from _leaves(v, key, depth + 1)
    else:
        yield key, data


def _json_hits(
    text: str, data: object, *, kinds: Sequence[str], column_kind: str | None
) -> list[Match]:
    """Hits in the leaves of parsed JSON, each scanned with its key as the column name.

    A hit's span is where the leaf appears verbatim in `text`, else the whole text.
    """
    out: list[Match] = []
    for key, leaf in _leaves(data, None):
        kind = (header_kind(key) if key else None) or column_kind
        if isinstance(leaf, str):
            sub = scan_text(leaf, kinds=kinds, column_kind=kind)
            raw = leaf
        else:
            number = scan_number(leaf, column_kind=kind)
            sub = [number] if number is not None and number.kind in kinds else []
            raw = json.dumps(leaf)
        at = text.find(raw) if raw else -1
        for m in sub:
            if at >= 0:
                out.append(Match(m.kind, at + m.start, at + m.end, m.masked))
            else:
                out.append(Match(m.kind, 0, len(text), m.masked))
    return out


_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
_WHOLE_DECIMAL = re.compile(r"[+-]?(\d+)[.,]0+")
# A number with more digits is no identifier, and is not spelled out: `1e999999999` would take
# all memory, and Python refuses to print an int of over 4300 digits.
_MAX_NUMBER_DIGITS = 64


def number_digits(value: object) -> str | None:
    """The digits of a whole number (int, integral float, numeric text, `8.1234567890e10`)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if value != value or not value.is_integer():
            return None
        return str(abs(int(value)))
    if isinstance(value, int):
        if value.bit_length() > _MAX_NUMBER_DIGITS * 4:  # surely more than 64 digits
            return None
        return str(abs(value))
    if isinstance(value, str):
        text = fold(value).text.strip()
        if re.fullmatch(r"[+-]?\d+", text):
            return text.lstrip("+-")
        if whole := _WHOLE_DECIMAL.fullmatch(text):  # `3671014502900001.0`
            return whole.group(1)
        if _SCIENTIFIC.match(text):
            try:
                number = Decimal(text.replace(",", "."))
            except InvalidOperation:
                return None
            if number.adjusted() >= _MAX_NUMBER_DIGITS:
                return None
            return str(abs(int(number))) if number == number.to_integral_value() else None
        return None
    try:  # numpy and Decimal integers
        if float(value) != int(value):  # type: ignore[arg-type, call-overload]
            return None
        return str(abs(int(value)))  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return None


def scan_number(value: object, *, column_kind: str | None = None) -> Match | None:
    """The numeric rule for integer/number columns: a NIK, KK or phone number stored as a number.

    A value is a NIK only when it is a whole number of exactly 16 digits that passes the
    structural check with the strict region table (`nik_structure`: python-stdnum's
    province+regency, real DDMMYY with +40 for women, serial not 0000). Totals that do not
    parse as a NIK stay clean. A NIK-shaped male number in a column named like a KK is `kk`.
    In a phone column (`column_kind == "phone"`) a mobile number is found with or without its
    prefix: `81234567890`, `6281234567890`, `8.1234567890e10` (the leading 0 a spreadsheet
    dropped).
    """
    digits = number_digits(value)
    if digits is None:
        return None
    sex = nik_structure(digits, strict_region=True)
    if sex is not None:
        kind = "kk" if sex == "male" and column_kind == "kk" else "nik"
        return Match(kind, 0, len(digits), mask_digits(digits))
    if column_kind == "phone" and mobile_national(digits, bare=True) is not None:
        return Match("phone", 0, len(digits), mask_digits(digits, "phone"))
    return None


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


def cell_text(value: object) -> str | None:
    """The text a cell is scanned as: numbers as digits, dicts/lists as JSON, None when empty.

    A fraction (`-6.17`) is no identifier and gives None; so do NaN and booleans.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if value != value or not value.is_integer():  # NaN, or a fraction: not an identifier
            return None
        return str(int(value))
    if isinstance(value, int) and value.bit_length() > _MAX_NUMBER_DIGITS * 4:
        return None  # no identifier, and too long for Python to print
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    text = str(value)
    if not text.strip():
        return None
    if _SCIENTIFIC.match(text.strip()):  # `8.1234567890E+10`: a spreadsheet's number as text
        return number_digits(text) or text
    return text


def scan_value(
    value: object, *, kinds: Sequence[str] = KINDS, column_kind: str | None = None
) -> list[Match]:
    """`scan_text` of one cell (`cell_text`); spans are offsets in that text."""
    text = cell_text(value)
    return [] if text is None else scan_text(text, kinds=kinds, column_kind=column_kind)


def header_findings(name: str) -> list[Finding]:
    """A column name that announces personal data (`no_hp`), or that holds some (a NIK)."""
    out = []
    kind = header_kind(name)
    if kind:
        out.append(Finding(None, name, kind, COLUMN_NAME_MARK))
    out.extend(Finding(None, name, m.kind, m.masked) for m in scan_text(str(name)))
    return out


# -- identifiers split over adjacent columns --------------------------------------------------

_MAX_SPLIT_COLUMNS = 4
# A cell that can be part of a split identifier: digits and separators, a `+`/`(` lead allowed.
_PART = re.compile(r"^[+(]*\d[\d\W_]*$")
_NOT_A_PART = re.compile(
    rf"^(?:{_DAY}([-/.]){_MONTH}\1(?:{_YEAR}|\d{{2}})|{_YEAR}([-/.]){_MONTH}\2{_DAY}"  # dates
    r"|\+?\d{1,3}[.,]\d+"  # decimals and coordinates
    r"|\d{2}(?:\.\d{2}){1,2}(?:\.\d{4})?"  # Kemendagri codes (36.71.01.1001)
    r"|\d{1,2}:\d{2}(?::\d{2})?)$"  # times
)


@dataclass(frozen=True)
class SplitHit:
    """An identifier whose digits are spread over adjacent cells of one row (`row` 0-based)."""

    row: int
    columns: tuple[str, ...]
    kind: str
    masked: str


def split_part(value: object) -> str | None:
    """The digits of a cell that may hold part of an identifier, else None.

    Parts are whole non-negative numbers, or text of digits and separators only (`3671 0145`,
    `0290-0001`, `+62`). Not parts: text with letters, signed values, dates, times, decimals
    (`-6.17`, `106.63`) and thousands-grouped amounts.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float) or not isinstance(value, str):
        digits = number_digits(value)
        negative = isinstance(value, int | float) and value < 0
        return None if digits is None or negative else digits
    text = fold(value).text.strip()
    if not _PART.match(text) or _NOT_A_PART.match(text) or _THOUSANDS.match(text):
        return None
    digits = _digits(text)
    return digits if len(digits) < _MAX_DIGITS else None


# A kecamatan's Kemendagri code (`36.71.01`) is no part by itself (`_NOT_A_PART`), but a NIK
# begins with its holder's kecamatan: such a code followed, in the next column, by the 10 other
# digits (`4502900001`: day, month and year of birth, then the serial) is a NIK split in two.
_REGION_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
_AFTER_REGION_DIGITS = 10


def region_part(value: object) -> str | None:
    """The 6 digits of a cell that is a kecamatan's Kemendagri code, else None."""
    if not isinstance(value, str):
        return None
    text = fold(value).text.strip()
    return _digits(text) if _REGION_CODE.match(text) else None


def _split_candidate(digits: str, bare: bool) -> bool:
    """The joined digits have the length of an identifier (whether or not they are one)."""
    if len(digits) in (15, 16):
        return True
    if digits.startswith(("0", "62")) and 10 <= len(digits) <= 16:
        return True
    return bare and digits.startswith("8") and 9 <= len(digits) <= 12


def split_row(
    row: Mapping[str, object], *, joinable: Collection[str] | None = None
) -> list[tuple[tuple[str, ...], str, str]]:
    """(columns, kind, masked) for each identifier split over adjacent cells of one row.

    Columns are taken in the mapping's order. A column joins its neighbours when it is in
    `joinable` (all when None) and its name does not say figures or codes
    (`column_names.figure_or_code_name`); up to 4 adjacent cells are joined. A cell that is an
    identifier by itself is reported on its own, never joined.
    """
    layout = SplitLayout.of(list(row), joinable)
    return [(cols, kind, masked) for cols, kind, masked, _ in _split_windows(row, layout)]


@dataclass(frozen=True)
class SplitLayout:
    """What the column names say for splits, worked out once per table, not once per row."""

    names: list[str]
    kinds: list[str | None]  # `header_kind` of each column
    joins: list[bool]  # whether the column may hold a part at all
    regions: list[bool]  # whether it may hold a region code starting a NIK (codes' names too)
    tails: list[bool]  # whether it may hold the 10 digits after one (`nomor` too)

    @classmethod
    def of(cls, names: list[str], joinable: Collection[str] | None) -> SplitLayout:
        allowed = [joinable is None or c in joinable for c in names]
        joins = [a and not figure_or_code_name(c) for c, a in zip(names, allowed, strict=True)]
        tails = [
            j or (a and row_number_name(c)) for c, a, j in zip(names, allowed, joins, strict=True)
        ]
        return cls(names, [header_kind(c) for c in names], joins, allowed, tails)


def _split_windows(
    row: Mapping[str, object], layout: SplitLayout
) -> list[tuple[tuple[str, ...], str, str, bool]]:
    """As `split_row`, plus the candidates that are no identifier (kind "", masked "")."""
    names, kinds = layout.names, layout.kinds
    parts = [
        split_part(row[c]) if join else None for c, join in zip(names, layout.joins, strict=True)
    ]
    alone = [
        p is not None and _judge(p, column_kind=k, bare=k == "phone") is not None
        for p, k in zip(parts, kinds, strict=True)
    ]
    out: list[tuple[tuple[str, ...], str, str, bool]] = []
    used: set[int] = set()
    for s in range(len(names)):
        digits = parts[s] or ""
        if parts[s] is None or alone[s]:
            continue
        for e in range(s + 1, min(s + _MAX_SPLIT_COLUMNS, len(names))):
            if parts[e] is None or alone[e]:
                break
            digits += parts[e]
            if len(digits) > _MAX_DIGITS:
                break
            window = set(kinds[s : e + 1])
            kind = next((k for k in ("kk", "nik", "npwp", "phone") if k in window), None)
            bare = "phone" in window
            if not _split_candidate(digits, bare):
                continue
            verdict = _judge(digits, column_kind=kind, bare=bare)
            cols = tuple(names[s : e + 1])
            if verdict is None or used.intersection(range(s, e + 1)):
                out.append((cols, "", "", False))
            else:
                used.update(range(s, e + 1))
                out.append((cols, verdict[0], verdict[1], True))
    for s in range(len(names) - 1):
        if not (layout.regions[s] and layout.tails[s + 1]) or alone[s + 1]:
            continue
        rest = parts[s + 1] if layout.joins[s + 1] else split_part(row[names[s + 1]])
        if rest is None or len(rest) != _AFTER_REGION_DIGITS or s in used or s + 1 in used:
            continue
        if (region := region_part(row[names[s]])) is None:
            continue
        digits = region + rest
        verdict = _judge(digits, column_kind="nik", bare=False)
        cols = (names[s], names[s + 1])
        if verdict is None or verdict[0] not in ("nik", "kk"):
            out.append((cols, "", "", False))
        else:
            used.update((s, s + 1))
            out.append((cols, verdict[0], verdict[1], True))
    return out


def scan_split(
    columns: Mapping[str, Sequence[object]], *, joinable: Collection[str] | None = None
) -> list[SplitHit]:
    """Identifiers split over adjacent columns, row by row (`split_row`).

    A pair (or run) of columns is reported only when at least half of its rows whose joined
    digits have an identifier's length are identifiers: a real split holds in most rows, a
    code beside a count that happens to join into a valid NIK in a few rows does not.
    """
    names = list(columns)
    position = {name: i for i, name in enumerate(names)}
    if joinable is not None:
        # a set: a list, looked up for every column of every row, made this quadratic in the
        # width (a 100,000-column CSV took over a minute)
        joinable = frozenset(joinable)
    n_rows = max((len(v) for v in columns.values()), default=0)
    hits: dict[tuple[str, ...], list[SplitHit]] = {}
    tried: dict[tuple[str, ...], int] = {}
    layout = SplitLayout.of(names, joinable)
    for r in range(n_rows):
        row = {c: (columns[c][r] if r < len(columns[c]) else None) for c in names}
        for cols, kind, masked, is_hit in _split_windows(row, layout):
            tried[cols] = tried.get(cols, 0) + 1
            if is_hit:
                hits.setdefault(cols, []).append(SplitHit(r, cols, kind, masked))
    return sorted(
        (h for cols, found in hits.items() if 2 * len(found) >= tried[cols] for h in found),
        key=lambda h: (h.row, position[h.columns[0]]),
    )
