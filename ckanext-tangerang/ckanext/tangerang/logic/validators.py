"""Validators registered with CKAN (and usable from the scheming YAML) by name."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey, Validator

from ckanext.tangerang.freshness import parse_timestamp

_ = tk._
missing = tk.missing

# Kepmendagri code: provinsi, kab/kota, kecamatan (2 digits each), desa/kelurahan (4 digits).
WILAYAH_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
# GX Data Docs page of one run (tangerang_run_report_create's data_docs_html).
DATA_DOCS_MAX_BYTES = 2 * 1024 * 1024
_HTML_DOCUMENT = re.compile(r"<html[\s>]", re.IGNORECASE)
# A run message as code and parameters (tangerang_validation_summary, run_messages).
MESSAGE_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MESSAGE_PARAMS_MAX = 20
MESSAGE_PARAM_MAX_CHARS = 2000


def tangerang_wilayah_code(value: Any) -> Any:
    if value is missing or value in (None, ""):
        return value
    if not isinstance(value, str) or not WILAYAH_CODE.match(value):
        raise tk.Invalid(_("Invalid Kemendagri area code: use 36.71, 36.71.01 or 36.71.01.1001"))
    return value


def tangerang_iso_date_text(value: Any) -> Any:
    """Accept ``YYYY-MM-DD`` (or a date) and store it as that text."""
    if value is missing or value in (None, ""):
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise tk.Invalid(_("Date must be written as YYYY-MM-DD")) from None


def tangerang_not_before(other_field: str) -> Validator:
    """The date must not be earlier than the date in ``other_field``."""

    def validator(
        key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
    ) -> None:
        end = data.get(key)
        start = data.get(key[:-1] + (other_field,))
        if not end or not start or end is missing or start is missing or errors.get(key):
            return
        if str(end) < str(start):
            errors[key].append(_("The end date is before the start date"))

    return validator


def tangerang_iso_datetime(value: Any) -> Any:
    """Parse an ISO 8601 timestamp into a naive UTC ``datetime``."""
    if value is missing or value in (None, ""):
        return value
    parsed = parse_timestamp(value)
    if parsed is None:
        raise tk.Invalid(_("Time must be ISO 8601, e.g. 2025-01-31T07:00:00+07:00"))
    return parsed


def tangerang_iso_datetime_text(value: Any) -> Any:
    """Like ``tangerang_iso_datetime`` but stored as ISO text (package extras hold strings)."""
    parsed = tangerang_iso_datetime(value)
    if isinstance(parsed, dt.datetime):
        return parsed.isoformat() + "Z"
    return parsed


def tangerang_sha256(value: Any) -> Any:
    if value is missing or value in (None, ""):
        return value
    value = str(value).strip().lower()
    if not SHA256.match(value):
        raise tk.Invalid(_("A SHA-256 checksum is 64 hexadecimal characters"))
    return value


def tangerang_natural_number_text(value: Any) -> Any:
    if value is missing or value in (None, ""):
        return value
    try:
        number = int(str(value))
    except ValueError:
        raise tk.Invalid(_("Must be a whole number")) from None
    if number < 0:
        raise tk.Invalid(_("Must not be negative"))
    return str(number)


def tangerang_quality_score(value: Any) -> Any:
    if value is missing or value in (None, ""):
        return value
    try:
        score = float(value)
    except (TypeError, ValueError):
        raise tk.Invalid(_("The quality score must be a number from 0 to 100")) from None
    if not 0 <= score <= 100:
        raise tk.Invalid(_("The quality score must be a number from 0 to 100"))
    return _number_text(score)


def tangerang_number_output(value: Any) -> Any:
    """Extras are stored as text; give API clients a number back."""
    if isinstance(value, int | float) or value in (None, ""):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if number.is_integer() else number


def _number_text(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(round(number, 2))


def _pipeline_may_write(context: Context) -> bool:
    if context.get("ignore_auth"):
        return True
    user = context.get("user") or ""
    if authz.is_sysadmin(user):
        return True
    return user == tk.config.get("ckanext.tangerang.bot_user")


def tangerang_pipeline_field(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Keep a pipeline-owned field as stored unless the pipeline (or a sysadmin) writes it.

    The web form does not send these fields, so a missing value means "unchanged".
    """
    package = context.get("package")
    stored = package.extras.get(key[-1]) if package is not None else None
    value = data.get(key, missing)
    if value is missing or value is None:
        if stored is not None:
            data[key] = stored
        return
    if _pipeline_may_write(context):
        return
    if stored is None or str(value) != str(stored):
        errors[key].append(_("This field is written by the data pipeline only"))


def tangerang_validation_summary(value: Any) -> Any:
    """The gate result of a run: ``success``, ``blocking``, ``warnings``, ``statistics``;
    optionally the run message as ``message_code`` and ``message_params`` (run_messages)."""
    if value is missing or value is None:
        return value
    if not isinstance(value, dict):
        raise tk.Invalid(_("validation must be an object"))
    expected = {
        "success": bool,
        "blocking": list,
        "warnings": list,
        "statistics": dict,
        "message_code": str,
        "message_params": dict,
    }
    unknown = sorted(set(value) - set(expected))
    if unknown:
        raise tk.Invalid(_("Unknown keys: %s") % ", ".join(unknown))
    for name, kind in expected.items():
        if name in value and not isinstance(value[name], kind):
            raise tk.Invalid(_("%s must be of type %s") % (name, kind.__name__))
    if "success" not in value:
        raise tk.Invalid(_("validation.success is required"))
    summary = {
        "success": value["success"],
        "blocking": value.get("blocking", []),
        "warnings": value.get("warnings", []),
        "statistics": value.get("statistics", {}),
    }
    if "message_code" in value:
        summary["message_code"] = _message_code(value["message_code"])
        summary["message_params"] = _message_params(value.get("message_params", {}))
    elif "message_params" in value:
        raise tk.Invalid(_("validation.message_params needs validation.message_code"))
    return summary


def _message_code(code: str) -> str:
    # Codes the catalog does not know yet are kept: the page then shows the message text.
    if not MESSAGE_CODE.match(code):
        raise tk.Invalid(_("validation.message_code must be lower-case letters, digits and _"))
    return code


def _message_params(params: dict[str, Any]) -> dict[str, Any]:
    if len(params) > MESSAGE_PARAMS_MAX:
        raise tk.Invalid(_("validation.message_params has more than %d keys") % MESSAGE_PARAMS_MAX)
    for key, item in params.items():
        scalar = item is None or isinstance(item, str | int | float | bool)
        if not MESSAGE_CODE.match(key) or not scalar:
            raise tk.Invalid(_("validation.message_params holds names with text or numbers"))
        if isinstance(item, str) and len(item) > MESSAGE_PARAM_MAX_CHARS:
            raise tk.Invalid(
                _("A value of validation.message_params is longer than %d characters")
                % MESSAGE_PARAM_MAX_CHARS
            )
    return params


def tangerang_data_docs_html(value: Any) -> Any:
    """An HTML document of at most 2 MB (UTF-8); an empty value means "no Data Docs".

    The catalog serves it as is, in a sandbox (see views.run_validation_report),
    so its content is not sanitized, only bounded.
    """
    if value is missing or value is None:
        return value
    if not isinstance(value, str):
        raise tk.Invalid(_("data_docs_html must be a string"))
    if not value.strip():
        return None
    if len(value.encode("utf-8")) > DATA_DOCS_MAX_BYTES:
        raise tk.Invalid(_("data_docs_html is larger than 2 MB"))
    if "\x00" in value:
        raise tk.Invalid(_("data_docs_html must not contain NUL characters"))
    if not _HTML_DOCUMENT.search(value[:4096]):
        raise tk.Invalid(_("data_docs_html must be an HTML document (<html> ...)"))
    return value


REVIEW_TEXT_MAX_CHARS = 2000


def tangerang_review_text(value: Any) -> Any:
    """A walidata's reason or note: trimmed, non-empty when given, at most 2000 characters."""
    if value is missing or value is None:
        return value
    text = str(value).strip()
    if not text:
        raise tk.Invalid(_("Missing value"))
    if len(text) > REVIEW_TEXT_MAX_CHARS:
        raise tk.Invalid(_("At most %d characters") % REVIEW_TEXT_MAX_CHARS)
    return text
