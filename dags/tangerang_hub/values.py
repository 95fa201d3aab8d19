"""One cell's text (or JSON/Excel value) -> the Python value of a contract type, or ValueError.

The one parser of Indonesian numbers, dates, date-times, yes/no values, years and codes; the
reason shown to the steward is a `SaidError` (a ValueError worded in Bahasa Indonesia and English,
whose `str()` is the English text). Rules (for stewards in schemas/README.md):

* `string`: kept as text, never through a number, so `0012` and 16-digit NIK/NIB survive. A
  `format: id` value that arrives as a number (JSON/Excel) is refused, except an integer of at
  most 15 digits that satisfies the field's `pattern` (if any); a spreadsheet's `1.23E+15` is
  refused. With `enum`, a value equal to an allowed value up to case and spacing takes the
  allowed spelling.
* `integer`: `1234`, `1.234.567` (Indonesian thousands), `1,234,567`, `1234.0`. A single dot
  followed by exactly three digits (`1.234`) is a thousands separator.
* `number`: `1234.5`, `1.234.567,89`, `1,234,567.89`, `-6,1789` (decimal comma); a value past
  float64 (about 1.8e308), NaN or infinity is refused. When both `.`
  and `,` appear the last one is the decimal mark. Several `.` are thousands separators
  (`1.234.567`). A single `.` followed by exactly three digits after a non-zero lead (`10.234`)
  is ambiguous: `parse_number` raises `AmbiguousNumber` unless given the column's
  `dot_convention`. The column decides: another value with a decimal comma (`6,5`, `1.234,5`)
  or several dots (`1.234.567`) -> dots are THOUSANDS; another value with a `.` followed by
  other than three digits (`2.25`) -> the dot is a DECIMAL point; undecided or contradictory
  -> None. The unicode minus counts as `-`.
* `date`: `2024-08-17`, `17/08/2024`, `17-08-2024`, `17.08.2024`, `17 Agustus 2024`,
  `17 Agt 2024`, `Sabtu, 17 Agustus 2024` (Indonesian and English month names and
  abbreviations); numeric dates are always day first. A contract `format` (`%m/%d/%Y`)
  replaces the guessing.
* `datetime`: ISO 8601 or `dd/mm/yyyy HH:MM[:SS]`; without a zone it is WIB (Asia/Jakarta);
  the result is in UTC+07:00, whole seconds, and must fall in the years 1 to 9999.
* `boolean`: ya/tidak, true/false, y/n, 1/0, benar/salah (and iya, yes/no, t/f, ada/tidak ada).
* `year`: a whole number from 1800 to 2200.
* Empty: None, or text that is empty after trimming (`is_empty`); callers skip empty cells.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from tangerang_hub.contracts import Field
from tangerang_quality.texts import Said, SaidError, say

WIB = ZoneInfo("Asia/Jakarta")
INT64_MAX = 2**63 - 1

_GROUPED_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_GROUPED_COMMAS = re.compile(r"^\d{1,3}(,\d{3})+$")
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")
# `10.234` in a number column: ten thousand or ten point two? (`0.234` is never thousands)
_AMBIGUOUS_DOT = re.compile(r"^[1-9]\d{0,2}\.\d{3}$")
# values that show the column's convention (matched without sign)
_DOTS_ARE_THOUSANDS = re.compile(r"^\d+,\d+$|^\d{1,3}(\.\d{3})+,\d+$|^\d{1,3}(\.\d{3}){2,}$")
_DOT_IS_DECIMAL = re.compile(r"^\d+\.\d+([eE][+-]?\d+)?$|^\d{1,3}(,\d{3})+\.\d+$")
THOUSANDS, DECIMAL = "thousands", "decimal"


NOT_A_NUMBER = say("bukan angka", "not a number")
# The forms a date and a date-time may take, as messages name them. Written with letters where
# the digits would run together: the masker hides any 8+ digit run in a message, and
# "2024-08-17" or "17/08/2024 13:45" would reach the steward as "20****17" or "1708**2413:45".
DATE_FORMS = say(
    "TTTT-BB-HH, 17/08/2024 atau 17 Agustus 2024", "YYYY-MM-DD, 17/08/2024 or 17 Agustus 2024"
)
DATETIME_FORMS = say(
    "TTTT-BB-HHTjj:mm+07:00 atau HH/BB/TTTT jj:mm", "YYYY-MM-DDTHH:MM+07:00 or DD/MM/YYYY HH:MM"
)
NOT_A_WHOLE_NUMBER = say("bukan bilangan bulat", "not a whole number")


class AmbiguousNumber(SaidError):
    """`10.234` in a number column whose other values do not say what the dot means."""


def _unsigned(text: str) -> str:
    s = text.strip().replace("\u2212", "-")
    return s[1:].strip() if s[:1] in "+-" else s


def dot_convention(values: Any) -> str | None:
    """What a lone `.` + three digits means in a number column: THOUSANDS, DECIMAL or None.

    None when no value settles it, or when values contradict each other.
    """
    return _settled(*_dot_evidence(values))


_DOT_DEPENDENT = re.compile(r"^\d{1,3}\.\d{3}$")


def depends_on_dots(text: str) -> bool:
    """Whether `parse_number(text, dots)` depends on `dots`: a single `.` and three digits.

    Only such a text needs the column's `dot_convention`.
    """
    return bool(_DOT_DEPENDENT.match(_unsigned(text)))


def _dot_evidence(values: Any) -> tuple[bool, bool]:
    """(some value says dots are thousands, some value says the dot is decimal)."""
    thousands = decimal = False
    for value in values:
        if not isinstance(value, str):
            continue
        s = _unsigned(value)
        if _AMBIGUOUS_DOT.match(s):
            continue
        if _DOTS_ARE_THOUSANDS.match(s):
            thousands = True
        elif _DOT_IS_DECIMAL.match(s):
            decimal = True
    return thousands, decimal


def _settled(thousands: bool, decimal: bool) -> str | None:
    if thousands == decimal:
        return None
    return THOUSANDS if thousands else DECIMAL


def parse_decimal(text: str, *, integer: bool, dots: str | None = None) -> Decimal:
    """A number written the Indonesian or the plain way, exactly; see the module docstring.

    `dots` is the column's `dot_convention`; without it `10.234` in a number column raises
    `AmbiguousNumber`.
    """
    s = text.strip().replace("\u2212", "-")
    sign = ""
    if s[:1] in "+-":
        sign, s = ("-" if s[0] == "-" else ""), s[1:].strip()
    has_dot, has_comma = "." in s, "," in s
    if re.fullmatch(r"\d+", s):
        body = s
    elif has_dot and has_comma:
        if s.rfind(",") > s.rfind("."):  # 1.234.567,89
            whole, _, frac = s.rpartition(",")
            if not _GROUPED_DOTS.match(whole) or not frac.isdigit():
                raise SaidError(_badly_grouped("1.234.567,89"))
        else:  # 1,234,567.89
            whole, _, frac = s.rpartition(".")
            if not _GROUPED_COMMAS.match(whole) or not frac.isdigit():
                raise SaidError(_badly_grouped("1,234,567.89"))
        body = f"{whole.replace('.', '').replace(',', '')}.{frac}"
    elif has_comma:
        if s.count(",") >= 2 and _GROUPED_COMMAS.match(s):
            body = s.replace(",", "")
        elif re.fullmatch(r"\d+,\d+", s):
            body = s.replace(",", ".")
        else:
            raise SaidError(NOT_A_NUMBER)
    elif has_dot:
        # several dots, or one dot + three digits in an integer column: thousands separators
        if _GROUPED_DOTS.match(s) and (integer or s.count(".") >= 2 or dots == THOUSANDS):
            body = s.replace(".", "")
        elif _AMBIGUOUS_DOT.match(s) and dots != DECIMAL:
            raise AmbiguousNumber(
                say(
                    "angka bermakna ganda: tanda '.' bisa pemisah ribuan atau tanda desimal dan "
                    "tidak ada nilai lain di kolom ini yang memastikannya; tulis tanpa keraguan "
                    "(10234 atau 10.234,0 untuk sepuluh ribu dua ratus tiga puluh empat, "
                    "10,234 untuk sepuluh koma dua tiga empat)",
                    "ambiguous number: the '.' may be a thousands separator or a decimal point "
                    "and no other value in the column settles it; write it unambiguously "
                    "(10234 or 10.234,0 for ten thousand two hundred thirty-four, "
                    "10,234 for ten point two three four)",
                )
            )
        elif re.fullmatch(r"\d+\.\d+", s) or (not integer and _SCIENTIFIC.match(s)):
            body = s
        else:
            raise SaidError(NOT_A_NUMBER)
    elif not integer and _SCIENTIFIC.match(s):
        body = s
    else:
        raise SaidError(NOT_A_NUMBER)
    try:
        return Decimal(sign + body)
    except InvalidOperation as exc:
        raise SaidError(NOT_A_NUMBER) from exc


def _badly_grouped(example: str) -> Said:
    return say(
        "angka dengan pemisah ribuan yang salah (seharusnya seperti {example})",
        "badly grouped number (expected like {example})",
        example=example,
    )


def parse_integer(value: Any) -> int:
    if isinstance(value, bool):
        raise SaidError(
            say(
                "nilai ya/tidak (true/false) bukan bilangan bulat",
                "a true/false value is not a whole number",
            )
        )
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):  # NaN or infinity from a JSON or Excel number
            raise SaidError(NOT_A_WHOLE_NUMBER)
        number = Decimal(repr(value))
    else:
        number = parse_decimal(str(value), integer=True)
    if number != number.to_integral_value():
        raise SaidError(NOT_A_WHOLE_NUMBER)
    result = int(number)
    if abs(result) > INT64_MAX:
        raise SaidError(
            say(
                "angka terlalu besar untuk kolom bilangan bulat; nyatakan kolomnya sebagai string",
                "number too large for an integer column; declare it as string",
            )
        )
    return result


def parse_number(value: Any, dots: str | None = None) -> float:
    if isinstance(value, bool):
        raise SaidError(
            say("nilai ya/tidak (true/false) bukan angka", "a true/false value is not a number")
        )
    try:
        if isinstance(value, int | float):
            number = float(value)
        else:
            number = float(parse_decimal(str(value), integer=False, dots=dots))
    except OverflowError:  # an integer past float64
        number = math.inf
    if math.isnan(number):
        raise SaidError(NOT_A_NUMBER)
    if math.isinf(number):
        raise SaidError(
            say("angka terlalu besar untuk kolom angka", "number too large for a number column")
        )
    return number


MONTHS = {
    **dict.fromkeys(["januari", "jan", "january"], 1),
    **dict.fromkeys(["februari", "pebruari", "feb", "peb", "february"], 2),
    **dict.fromkeys(["maret", "mar", "march"], 3),
    **dict.fromkeys(["april", "apr"], 4),
    **dict.fromkeys(["mei", "may"], 5),
    **dict.fromkeys(["juni", "jun", "june"], 6),
    **dict.fromkeys(["juli", "jul", "july"], 7),
    **dict.fromkeys(["agustus", "agu", "agt", "ags", "aug", "august"], 8),
    **dict.fromkeys(["september", "sep", "sept"], 9),
    **dict.fromkeys(["oktober", "okt", "oct", "october"], 10),
    **dict.fromkeys(["november", "nov", "nop", "nopember"], 11),
    **dict.fromkeys(["desember", "des", "dec", "december"], 12),
}
_WEEKDAY = re.compile(r"^(senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad)\s*,?\s*", re.I)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
_D_MONTH_Y = re.compile(r"^(\d{1,2})[\s.-]+([A-Za-z]+)\.?[\s.,-]+(\d{4})$")


def parse_date(value: Any, fmt: str | None = None) -> date:
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise SaidError(
                say(
                    "berisi jam; kolom ini hanya berisi tanggal",
                    "has a time of day; the column holds dates only",
                )
            )
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()
    if fmt:
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError as exc:
            raise SaidError(
                say(
                    "bukan tanggal dengan format {format}",
                    "not a date in the format {format}",
                    format=fmt,
                )
            ) from exc
    s = _WEEKDAY.sub("", s)
    if m := _ISO_DATE.match(s):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY.match(s):
        d, mo, y = int(m[1]), int(m[3]), int(m[4])
    elif m := _D_MONTH_Y.match(s):
        month = MONTHS.get(m[2].casefold())
        if month is None:
            raise SaidError(
                say("nama bulan {name} tidak dikenal", "unknown month name {name}", name=repr(m[2]))
            )
        d, mo, y = int(m[1]), month, int(m[3])
    else:
        raise SaidError(
            say("bukan tanggal (gunakan {forms})", "not a date (use {forms})", forms=DATE_FORMS)
        )
    try:
        return date(y, mo, d)
    except ValueError as exc:
        # Python's reason stays in the English text only
        raise SaidError(
            say(
                "tanggal tidak ada di kalender (hari atau bulan di luar rentang)",
                "no such date: {detail}",
                detail=str(exc),
            )
        ) from exc


_DMY_TIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_datetime(value: Any, fmt: str | None = None) -> datetime:
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime(value.year, value.month, value.day)
    else:
        s = str(value).strip()
        if fmt:
            try:
                result = datetime.strptime(s, fmt)
            except ValueError as exc:
                raise SaidError(
                    say(
                        "bukan tanggal-waktu dengan format {format}",
                        "not a date-time in the format {format}",
                        format=fmt,
                    )
                ) from exc
        elif m := _DMY_TIME.match(s):
            d, mo, y, hh, mm, ss = (int(x) if x else 0 for x in m.groups())
            try:
                result = datetime(y, mo, d, hh, mm, ss)
            except ValueError as exc:
                raise SaidError(
                    say(
                        "tanggal-waktu tidak ada di kalender "
                        "(hari, bulan atau jam di luar rentang)",
                        "no such date-time: {detail}",
                        detail=str(exc),
                    )
                ) from exc
        else:
            try:
                result = datetime.fromisoformat(s.replace("Z", "+00:00"))
            except ValueError as exc:
                raise SaidError(
                    say(
                        "bukan tanggal-waktu (gunakan {forms})",
                        "not a date-time (use {forms})",
                        forms=DATETIME_FORMS,
                    )
                ) from exc
    if result.tzinfo is None:
        result = result.replace(tzinfo=WIB)
    try:
        result.astimezone(UTC)  # Arrow stores UTC: 0001-01-01 00:00 WIB is year 0
        return result.astimezone(timezone(timedelta(hours=7))).replace(microsecond=0)
    except OverflowError:
        raise SaidError(
            say(
                "tanggal-waktu di luar rentang (tahun 1 sampai 9999)",
                "date-time out of range (years 1 to 9999)",
            )
        ) from None


TRUE = {"true", "ya", "y", "1", "benar", "t", "yes", "iya", "ada"}
FALSE = {"false", "tidak", "n", "0", "salah", "f", "no", "tdk", "tidak ada"}


def parse_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    s = str(value).strip().casefold()
    if s in TRUE:
        return True
    if s in FALSE:
        return False
    raise SaidError(
        say(
            "bukan nilai ya/tidak (gunakan ya/tidak atau true/false)",
            "not a yes/no value (use ya/tidak or true/false)",
        )
    )


def parse_year(value: Any) -> int:
    year = parse_integer(value)
    if not 1800 <= year <= 2200:
        raise SaidError(say("bukan tahun empat digit", "not a four-digit year"))
    return year


_SPREADSHEET_NUMBER = re.compile(r"^\d+(\.\d+)?[eE]\+\d+$")


ID_MAX_DIGITS = 15  # float64 and Excel keep at most 15 significant digits


def parse_string(value: Any, field: Field) -> str:
    if field.format == "id" and isinstance(value, int | float) and not isinstance(value, bool):
        _check_numeric_id(value, field)
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value).strip()
    if field.format == "id" and _SPREADSHEET_NUMBER.match(text):
        raise SaidError(
            say(
                "tampaknya kode yang diubah menjadi angka oleh spreadsheet (1.23E+15); "
                "format kolomnya sebagai teks lalu ekspor ulang",
                "looks like a code turned into a number by a spreadsheet (1.23E+15); "
                "format the column as text and export again",
            )
        )
    if field.enum:
        text = _canonical_enum(text, field.enum)
    return text


def _check_numeric_id(value: int | float, field: Field) -> None:
    """A code sent as a JSON/Excel number may have lost leading zeros or digits.

    Accepted only as an integer of at most 15 digits that satisfies the field's pattern (a
    pattern such as `^[0-9]{7}$` tells that a short number lost its leading zeros).
    """
    ask = say(
        "kirim kode sebagai teks (string JSON, sel teks Excel) agar tidak ada digit yang hilang",
        "send the code as text (a JSON string, an Excel text cell) so no digit is lost",
    )
    if isinstance(value, float):
        raise SaidError(
            say(
                "kode dikirim sebagai angka desimal, yang menghilangkan digit; {ask}",
                "a code arrived as a decimal number, which loses digits; {ask}",
                ask=ask,
            )
        )
    digits = str(abs(value))
    if len(digits) > ID_MAX_DIGITS:
        raise SaidError(
            say(
                "kode {digits} digit dikirim sebagai angka; {ask}",
                "a code of {digits} digits arrived as a number; {ask}",
                digits=len(digits),
                ask=ask,
            )
        )
    if field.pattern and not re.search(field.pattern, str(value)):
        raise SaidError(
            say(
                "kode dikirim sebagai angka dan tidak sesuai pola {pattern} "
                "(angka nol di depan hilang?); {ask}",
                "a code arrived as a number and does not match {pattern} "
                "(leading zeros lost?); {ask}",
                pattern=field.pattern,
                ask=ask,
            )
        )


def _canonical_enum(text: str, allowed: tuple[str, ...]) -> str:
    key = " ".join(text.split()).casefold()
    matches = [a for a in allowed if a.casefold() == key]
    return matches[0] if len(matches) == 1 else text


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --------------------------------------------------------------------------- Arrow forms
# The commonest spellings, typed by pyarrow over a column of distinct, trimmed, non-empty texts,
# so a 1M-row column does not cost a million Python calls. Each form gives exactly what the
# parser above gives for it (tests/tangerang_hub/test_properties.py holds them equal); every
# other text is left to the parser. RE2's `[0-9]` is Python's `\d` only on ASCII text, and the
# patterns below admit ASCII text only.

_ARROW_INTEGER = r"^-?[0-9]{1,18}$"
_ARROW_NUMBER = r"^-?[0-9]{1,17}([.,][0-9]{1,17})?$"
# `1.234` (one dot, three digits) depends on the column's dot convention: left to the parser
_ARROW_DOT_GROUP = r"^-?[0-9]{1,3}\.[0-9]{3}$"
_ARROW_DATES = (
    (r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$", "%Y-%m-%d"),
    (r"^[0-9]{2}/[0-9]{2}/[1-9][0-9]{3}$", "%d/%m/%Y"),
    (r"^[0-9]{2}-[0-9]{2}-[1-9][0-9]{3}$", "%d-%m-%Y"),
)
_ARROW_AMBIGUOUS = r"^[1-9][0-9]{0,2}\.[0-9]{3}$"
_ARROW_THOUSANDS = r"^[0-9]+,[0-9]+$|^[0-9]{1,3}(\.[0-9]{3})+,[0-9]+$|^[0-9]{1,3}(\.[0-9]{3}){2,}$"
_ARROW_DECIMAL = r"^[0-9]+\.[0-9]+([eE][+-]?[0-9]+)?$|^[0-9]{1,3}(,[0-9]{3})+\.[0-9]+$"


def parse_arrow(texts: pa.Array, field: Field) -> tuple[pa.Array, pa.Array] | None:
    """(typed, done): `typed[i]` is the parser's value of `texts[i]` wherever `done[i]`.

    Forms: plain integers (`-1234`) in `integer` columns; plain numbers (`-6.1789`, `6,5`, but
    not `1.234`, whose dot the column decides) in `number` columns; `2024-08-17`, `17/08/2024`
    and `17-08-2024` in `date` columns without a `format`. None for other columns. `texts`
    holds no nulls.
    """
    if field.type == "integer":
        done = pc.match_substring_regex(texts, _ARROW_INTEGER)
        return pc.cast(pc.if_else(done, texts, None), pa.int64()), done
    if field.type == "number":
        done = pc.and_(
            pc.match_substring_regex(texts, _ARROW_NUMBER),
            pc.invert(pc.match_substring_regex(texts, _ARROW_DOT_GROUP)),
        )
        plain = pc.replace_substring(pc.if_else(done, texts, None), ",", ".")
        return pc.cast(plain, pa.float64()), done
    if field.type == "date" and not field.format:
        typed, done = pa.nulls(len(texts), pa.date32()), pc.is_null(texts)  # nothing done yet
        for pattern, fmt in _ARROW_DATES:
            form = pc.if_else(pc.match_substring_regex(texts, pattern), texts, None)
            parsed = pc.strptime(form, format=fmt, unit="s", error_is_null=True)
            # strptime rolls 31/04 over to 1 May: the date must print back as written
            exact = pc.fill_null(pc.equal(pc.strftime(parsed, format=fmt), texts), False)
            typed = pc.if_else(exact, pc.cast(parsed, pa.date32()), typed)
            done = pc.or_(done, exact)
        return typed, done
    return None


def string_as_written(texts: pa.Array, field: Field) -> pa.Array:
    """Where `parse_string` surely gives a `string` field's text back unchanged: True.

    Not for `enum` (the allowed spelling is taken). With `format: id`, a text holding `E+` may
    be a spreadsheet number.
    """
    if field.enum:
        return pc.is_null(texts)  # all False
    if field.format == "id":
        return pc.invert(pc.match_substring_regex(texts, r"[eE]\+"))
    return pc.is_valid(texts)  # all True


def dot_convention_arrow(texts: pa.Array) -> str | None:
    """`dot_convention` of distinct trimmed texts: RE2 on the ASCII ones, Python on the rest."""
    s = pc.replace_substring(texts, "\u2212", "-")
    s = pc.utf8_trim_whitespace(pc.replace_substring_regex(s, r"^[+-]", "", max_replacements=1))
    is_ascii = pc.string_is_ascii(s)
    plain = pc.filter(s, is_ascii)
    settled = pc.invert(pc.match_substring_regex(plain, _ARROW_AMBIGUOUS))
    says_thousands = pc.and_(settled, pc.match_substring_regex(plain, _ARROW_THOUSANDS))
    says_decimal = pc.and_(
        pc.and_(settled, pc.invert(says_thousands)),
        pc.match_substring_regex(plain, _ARROW_DECIMAL),
    )
    thousands, decimal = _dot_evidence(pc.filter(texts, pc.invert(is_ascii)).to_pylist())
    thousands = thousands or bool(pc.any(says_thousands).as_py())
    decimal = decimal or bool(pc.any(says_decimal).as_py())
    return _settled(thousands, decimal)
