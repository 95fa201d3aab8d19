"""Dates as the portal shows them: day first, in the display time zone, in the page's language.

Bahasa Indonesia: ``1 Desember 2026, 14.18 WIB``; English: ``1 December 2026, 14:18 WIB``;
without the time: ``1 Desember 2026``. The time zone is ``ckan.display_timezone``
(Asia/Jakarta in the stack); its abbreviation comes from the tz database (``WIB``).
A naive datetime, or an ISO text without an offset, is UTC (CKAN stores UTC).

The year is Babel's ``y``, the calendar year. CKAN core's pattern ``MMMM d, YYYY``
uses ``YYYY``, the ISO week-year, which prints 29 December 2025 as "2026".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime

DATE_PATTERN = "d MMMM y"
# Indonesian writes the time with a dot (PUEBI): 14.18.
TIME_PATTERNS = {"id": ("HH.mm", "HH.mm.ss")}
DEFAULT_TIME_PATTERNS = ("HH:mm", "HH:mm:ss")
FALLBACK_LOCALE = "id"


def parse(value: Any) -> dt.datetime | dt.date | None:
    """A ``datetime`` or ``date`` from a datetime, a date or an ISO 8601 text; else ``None``.

    A text that is only a date (``2025-12-29``) gives a ``date``; ``Z`` is accepted."""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _locale(lang: str | None) -> Locale:
    try:
        return Locale.parse((lang or FALLBACK_LOCALE).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK_LOCALE)


def render(
    value: Any,
    lang: str | None,
    tz: dt.tzinfo,
    *,
    with_hours: bool = False,
    with_seconds: bool = False,
) -> str:
    """``value`` as the portal writes it in ``lang`` (``id``, ``en``, ...) and zone ``tz``.

    ``with_hours`` adds the time and the zone's abbreviation, ``with_seconds`` the
    seconds too. A plain date (no time of day) is printed as it is, never shifted to
    ``tz``. A value that is not a date gives ``""``."""
    parsed = parse(value)
    if parsed is None:
        return ""
    locale = _locale(lang)
    if not isinstance(parsed, dt.datetime):
        return format_date(parsed, DATE_PATTERN, locale=locale)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    local = parsed.astimezone(tz)
    if not (with_hours or with_seconds):
        return format_date(local.date(), DATE_PATTERN, locale=locale)
    minutes, seconds = TIME_PATTERNS.get(locale.language, DEFAULT_TIME_PATTERNS)
    time_pattern = seconds if with_seconds else minutes
    # The tz database's abbreviation (WIB), not CLDR's name: CLDR has none in English.
    text = format_datetime(local, f"{DATE_PATTERN}, {time_pattern}", tzinfo=tz, locale=locale)
    return f"{text} {local.tzname()}"
