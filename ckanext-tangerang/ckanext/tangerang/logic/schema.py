"""navl schemas of the tangerang actions."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import Schema, Validator, ValidatorFactory

from ckanext.tangerang import hub_tables, vocab


@tk.validator_args
def run_report_create(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    one_of: ValidatorFactory,
    natural_number_validator: Validator,
    url_validator: Validator,
    convert_package_name_or_id_to_id: Validator,
    tangerang_iso_datetime: Validator,
    tangerang_sha256: Validator,
    tangerang_validation_summary: Validator,
    tangerang_data_docs_html: Validator,
) -> Schema:
    return {
        "package_id": [not_empty, unicode_safe, convert_package_name_or_id_to_id],
        "run_id": [not_empty, unicode_safe],
        "status": [not_empty, unicode_safe, one_of(list(hub_tables.run_statuses()))],
        "started_at": [ignore_missing, tangerang_iso_datetime],
        "finished_at": [ignore_missing, tangerang_iso_datetime],
        "rows": [ignore_missing, natural_number_validator],
        "sha256": [ignore_missing, tangerang_sha256],
        "validation": [ignore_missing, tangerang_validation_summary],
        "message": [ignore_missing, unicode_safe],
        "report_url": [ignore_missing, unicode_safe, url_validator],
        "data_docs_html": [ignore_missing, tangerang_data_docs_html],
    }


@tk.validator_args
def run_report_list(
    not_empty: Validator,
    default: ValidatorFactory,
    unicode_safe: Validator,
    natural_number_validator: Validator,
    limit_to_configured_maximum: ValidatorFactory,
    convert_package_name_or_id_to_id: Validator,
) -> Schema:
    return {
        "package_id": [not_empty, unicode_safe, convert_package_name_or_id_to_id],
        "limit": [
            default(20),
            natural_number_validator,
            limit_to_configured_maximum("ckanext.tangerang.run_report_list_max", 100),
        ],
        "offset": [default(0), natural_number_validator],
    }


@tk.validator_args
def run_data_docs_show(
    not_empty: Validator,
    unicode_safe: Validator,
    convert_package_name_or_id_to_id: Validator,
) -> Schema:
    return {
        "package_id": [not_empty, unicode_safe, convert_package_name_or_id_to_id],
        "run_id": [not_empty, unicode_safe],
    }


@tk.validator_args
def run_report_show(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe]}


@tk.validator_args
def dimension_summary(ignore_missing: Validator, one_of: ValidatorFactory) -> Schema:
    return {"dimensi": [ignore_missing, one_of(list(vocab.dataset_values("dimensi")))]}


@tk.validator_args
def datastore_load(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    one_of: ValidatorFactory,
    dict_only: Validator,
    list_of_strings: Validator,
    empty: Validator,
    resource_id_exists: Validator,
    datastore_field_name: Validator,
) -> Schema:
    """tangerang_datastore_load; the rules across keys are the action's."""
    from ckanext.tangerang.datastore_load import COLUMN_TYPES

    return {
        "resource_id": [not_empty, unicode_safe, resource_id_exists],
        "fields": {
            "id": [not_empty, unicode_safe, datastore_field_name],
            "type": [not_empty, unicode_safe, one_of(list(COLUMN_TYPES))],
            "info": [ignore_missing, dict_only],
        },
        "primary_key": [ignore_missing, list_of_strings],
        "full_text_columns": [ignore_missing, list_of_strings],
        "text_search_config": [ignore_missing, unicode_safe],
        "__junk": [empty],
    }


@tk.validator_args
def datastore_load_status(ignore_missing: Validator, unicode_safe: Validator) -> Schema:
    return {"id": [ignore_missing, unicode_safe], "resource_id": [ignore_missing, unicode_safe]}


# --- walidata review ------------------------------------------------------------------------


@tk.validator_args
def review_submit(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    one_of: ValidatorFactory,
    list_of_strings: Validator,
    convert_package_name_or_id_to_id: Validator,
    empty: Validator,
) -> Schema:
    return {
        "package_id": [not_empty, unicode_safe, convert_package_name_or_id_to_id],
        "klasifikasi_akses": [
            ignore_missing,
            unicode_safe,
            one_of(list(vocab.dataset_values("klasifikasi_akses"))),
        ],
        "fields": [ignore_missing, list_of_strings],
        "__junk": [empty],
    }


@tk.validator_args
def review_approve(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    convert_package_name_or_id_to_id: Validator,
    tangerang_review_text: Validator,
) -> Schema:
    return {
        "package_id": [not_empty, unicode_safe, convert_package_name_or_id_to_id],
        "note": [ignore_missing, unicode_safe, tangerang_review_text],
    }


@tk.validator_args
def review_return(
    not_empty: Validator,
    unicode_safe: Validator,
    convert_package_name_or_id_to_id: Validator,
    tangerang_review_text: Validator,
) -> Schema:
    return {
        "package_id": [not_empty, unicode_safe, convert_package_name_or_id_to_id],
        "reason": [not_empty, unicode_safe, tangerang_review_text],
    }


@tk.validator_args
def review_show(
    not_empty: Validator, unicode_safe: Validator, convert_package_name_or_id_to_id: Validator
) -> Schema:
    return {"package_id": [not_empty, unicode_safe, convert_package_name_or_id_to_id]}


@tk.validator_args
def review_list(
    default: ValidatorFactory,
    unicode_safe: Validator,
    one_of: ValidatorFactory,
    natural_number_validator: Validator,
    limit_to_configured_maximum: ValidatorFactory,
) -> Schema:
    from ckanext.tangerang import review

    return {
        "state": [default(review.WAITING), unicode_safe, one_of(list(review.STATES))],
        "limit": [
            default(50),
            natural_number_validator,
            limit_to_configured_maximum("ckanext.tangerang.run_report_list_max", 100),
        ],
        "offset": [default(0), natural_number_validator],
    }


@tk.validator_args
def dashboard(
    ignore_missing: Validator,
    default: ValidatorFactory,
    unicode_safe: Validator,
    one_of: ValidatorFactory,
) -> Schema:
    from ckanext.tangerang import dashboard as steward_dashboard

    return {
        "organization": [ignore_missing, unicode_safe],
        "dimensi": [ignore_missing, one_of(list(vocab.dataset_values("dimensi")))],
        "sort": [default("freshness"), one_of(list(steward_dashboard.SORT_KEYS))],
        "order": [default("asc"), one_of(["asc", "desc"])],
    }


@tk.validator_args
def evaluation_show(ignore_missing: Validator, isodate: Validator) -> Schema:
    return {"start": [ignore_missing, isodate], "end": [ignore_missing, isodate]}


@tk.validator_args
def usage_show(
    ignore_missing: Validator,
    default: ValidatorFactory,
    isodate: Validator,
    natural_number_validator: Validator,
) -> Schema:
    return {
        "start": [ignore_missing, isodate],
        "end": [ignore_missing, isodate],
        "top": [default(5), natural_number_validator],
    }
