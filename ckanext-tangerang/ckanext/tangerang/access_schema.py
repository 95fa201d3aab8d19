"""navl schemas of the restricted-data actions (``access_actions``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Schema, Validator, ValidatorFactory

from ckanext.tangerang import access, vocab


def _date(value: Any) -> Any:
    """An ISO date (``2026-12-31``) as a ``date``."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise tk.Invalid(tk._("Expected a date as YYYY-MM-DD")) from None


def _text_list(value: Any) -> list[str]:
    """A list of texts; one text, or texts separated by commas or white space (a form), too."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise tk.Invalid(tk._("Expected a list of names"))
    return [v.strip() for v in value if v.strip()]


def _datasets(value: Any) -> list[str]:
    """Dataset names or ids, as ids; each must exist."""
    import ckan.model as model

    ids = []
    for name in _text_list(value):
        package = model.Package.get(name)
        if package is None or package.state != "active":
            raise tk.Invalid(tk._("Dataset not found: {name}").format(name=name))
        ids.append(package.id)
    return list(dict.fromkeys(ids))


def _dimensions(value: Any) -> list[str]:
    allowed = vocab.dataset_values("dimensi")
    names = _text_list(value)
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise tk.Invalid(tk._("Unknown dimension: {name}").format(name=", ".join(unknown)))
    return list(dict.fromkeys(names))


def _university(value: Any) -> str:
    """A university organization's name or id, as its id."""
    import ckan.model as model

    org = model.Group.get(str(value))
    if not access.is_university(org):
        raise tk.Invalid(tk._("Not a university organization"))
    return org.id


def _text(limit: int):
    def check(value: Any) -> Any:
        text = str(value).strip()
        if not text:
            raise tk.Invalid(tk._("Missing value"))
        if len(text) > limit:
            raise tk.Invalid(tk._("At most {limit} characters").format(limit=limit))
        return text

    return check


NUMBER = _text(200)
TEXT = _text(2000)


@tk.validator_args
def agreement_create(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator
) -> Schema:
    return {
        "organization": [not_empty, unicode_safe, _university],
        "number": [not_empty, unicode_safe, NUMBER],
        "start_date": [not_empty, _date],
        "end_date": [not_empty, _date],
        "packages": [ignore_missing, _datasets],
        "dimensions": [ignore_missing, _dimensions],
        "note": [ignore_missing, unicode_safe, TEXT],
    }


@tk.validator_args
def agreement_update(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator
) -> Schema:
    schema = agreement_create()
    for key in ("organization", "number", "start_date", "end_date"):
        schema[key] = [ignore_missing, *schema[key][1:]]
    return {"id": [not_empty, unicode_safe], **schema}


@tk.validator_args
def agreement_show(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe]}


@tk.validator_args
def agreement_list(
    ignore_missing: Validator, unicode_safe: Validator, boolean_validator: Validator
) -> Schema:
    return {
        "organization": [ignore_missing, unicode_safe, _university],
        "in_force": [ignore_missing, boolean_validator],
    }


@tk.validator_args
def access_request_create(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    convert_package_name_or_id_to_id: Validator,
) -> Schema:
    return {
        "package_id": [not_empty, unicode_safe, convert_package_name_or_id_to_id],
        "purpose": [not_empty, unicode_safe, TEXT],
        "organization": [ignore_missing, unicode_safe, _university],
    }


@tk.validator_args
def access_request_decide(
    not_empty: Validator, unicode_safe: Validator, one_of: ValidatorFactory
) -> Schema:
    return {
        "id": [not_empty, unicode_safe],
        "status": [not_empty, unicode_safe, one_of([access.APPROVED, access.REFUSED])],
        "reason": [not_empty, unicode_safe, TEXT],
    }


def _paging(default: ValidatorFactory, natural_number_validator: Validator) -> Schema:
    return {
        "limit": [default(50), natural_number_validator, lambda v: min(int(v), 500)],
        "offset": [default(0), natural_number_validator],
    }


@tk.validator_args
def access_request_list(
    ignore_missing: Validator,
    unicode_safe: Validator,
    one_of: ValidatorFactory,
    default: ValidatorFactory,
    natural_number_validator: Validator,
    convert_package_name_or_id_to_id: Validator,
) -> Schema:
    return {
        "status": [ignore_missing, unicode_safe, one_of(list(access.REQUEST_STATES))],
        "package_id": [ignore_missing, unicode_safe, convert_package_name_or_id_to_id],
        **_paging(default, natural_number_validator),
    }


@tk.validator_args
def access_audit_list(
    ignore_missing: Validator,
    unicode_safe: Validator,
    one_of: ValidatorFactory,
    default: ValidatorFactory,
    natural_number_validator: Validator,
    convert_package_name_or_id_to_id: Validator,
) -> Schema:
    return {
        "action": [ignore_missing, unicode_safe, one_of(list(access.AUDIT_ACTIONS))],
        "package_id": [ignore_missing, unicode_safe, convert_package_name_or_id_to_id],
        **_paging(default, natural_number_validator),
    }
