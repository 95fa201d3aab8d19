"""Actions of the Kota Tangerang catalog. The docstrings are the API documentation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict, Schema

from ckanext.tangerang import catalog_summary
from ckanext.tangerang.logic import schema
from ckanext.tangerang.model import RunReport

_REPORT_FIELDS = (
    "status",
    "started_at",
    "finished_at",
    "rows",
    "sha256",
    "validation",
    "message",
    "report_url",
)


def _validate(data_dict: DataDict, schema_: Schema, context: Context) -> dict[str, Any]:
    data, errors = tk.navl_validate(data_dict, schema_, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def tangerang_run_report_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Record one pipeline run of a dataset.

    Reporting the same ``run_id`` again for the same dataset updates that run,
    so a retried report does not create a duplicate.

    Allowed for sysadmins and for users who may update the dataset (the
    pipeline bot is editor of every OPD and vertical agency).

    :param package_id: id or name of the dataset
    :type package_id: string
    :param run_id: pipeline run id
    :type run_id: string
    :param status: ``published``, ``unchanged``, ``rejected`` or ``failed``
    :type status: string
    :param started_at: ISO 8601 timestamp (optional)
    :type started_at: string
    :param finished_at: ISO 8601 timestamp (optional)
    :type finished_at: string
    :param rows: number of data rows (optional)
    :type rows: int
    :param sha256: checksum of the normalized data (optional)
    :type sha256: string
    :param validation: ``{"success": bool, "blocking": [...], "warnings": [...],
        "statistics": {...}}`` (optional)
    :type validation: dict
    :param message: human-readable summary (optional)
    :type message: string
    :param report_url: link to the full validation report (optional)
    :type report_url: string

    :returns: the stored run report
    :rtype: dict
    """
    tk.check_access("tangerang_run_report_create", context, data_dict)
    data = _validate(data_dict, schema.run_report_create(), context)

    session = model.Session
    report = (
        session.query(RunReport)
        .filter_by(package_id=data["package_id"], run_id=data["run_id"])
        .one_or_none()
    )
    if report is None:
        report = RunReport(package_id=data["package_id"], run_id=data["run_id"])
        session.add(report)
    for field in _REPORT_FIELDS:
        setattr(report, field, data.get(field))
    user = context.get("auth_user_obj") or model.User.get(context.get("user", ""))
    report.user_id = getattr(user, "id", None)
    if not context.get("defer_commit"):
        session.commit()
    else:
        session.flush()
    return report.as_dict()


@tk.side_effect_free
def tangerang_run_report_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """List the runs of a dataset, newest first.

    Runs of a private dataset are listed only to those who can read the dataset.

    :param package_id: id or name of the dataset
    :type package_id: string
    :param limit: maximum number of runs (default 20, at most
        ``ckanext.tangerang.run_report_list_max``)
    :type limit: int
    :param offset: runs to skip (default 0)
    :type offset: int

    :rtype: list of dicts
    """
    tk.check_access("tangerang_run_report_list", context, data_dict)
    data = _validate(data_dict, schema.run_report_list(), context)
    reports = (
        model.Session.query(RunReport)
        .filter(RunReport.package_id == data["package_id"])
        .order_by(
            RunReport.finished_at.desc().nulls_last(),
            RunReport.created.desc(),
        )
        .offset(data["offset"])
        .limit(data["limit"])
    )
    return [report.as_dict() for report in reports]


@tk.side_effect_free
def tangerang_run_report_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Show one run report.

    :param id: id of the run report (not the pipeline's run id)
    :type id: string

    :rtype: dict
    """
    tk.check_access("tangerang_run_report_show", context, data_dict)
    data = _validate(data_dict, schema.run_report_show(), context)
    report = model.Session.get(RunReport, data["id"])
    if report is None:
        raise tk.ObjectNotFound(tk._("Run report not found"))
    return report.as_dict()


@tk.side_effect_free
def tangerang_dimension_summary(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Public counts of datasets per smart-city dimension and per producer.

    Only public, active datasets are counted. Freshness compares each
    dataset's ``last_run_at`` with its ``frekuensi``: ``on_time``, ``late``,
    ``no_run`` (never reported by the pipeline) or ``irregular``
    (``tidak_tentu``).

    :param dimensi: restrict to one dimension (optional)
    :type dimensi: string

    :returns: ``{"generated_at", "total", "dimensions": [...], "organizations": [...]}``;
        each entry has ``dataset_count``, ``freshness`` (counts per status) and
        ``average_quality_score`` (``None`` without scored datasets)
    :rtype: dict
    """
    tk.check_access("tangerang_dimension_summary", context, data_dict)
    data = _validate(data_dict, schema.dimension_summary(), context)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return catalog_summary.summarize(dimension=data.get("dimensi"), now=now)
