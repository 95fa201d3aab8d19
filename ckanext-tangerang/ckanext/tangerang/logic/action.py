"""Actions of the Kota Tangerang catalog. The docstrings are the API documentation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict, Schema
from sqlalchemy.orm import undefer

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


def data_docs_url(package_name: str, run_id: str) -> str:
    """Absolute URL of the page serving a run's GX Data Docs."""
    return tk.url_for(
        "tangerang.run_validation_report", id=package_name, run_id=run_id, _external=True
    )


def _run_dict(report: RunReport, package_name: str | None = None) -> dict[str, Any]:
    """The API view of a run: ``report_url`` points to the stored Data Docs when there are any."""
    result = report.as_dict()
    if result["has_data_docs"]:
        if package_name is None:
            package = model.Package.get(report.package_id)
            package_name = package.name if package is not None else report.package_id
        result["report_url"] = data_docs_url(package_name, report.run_id)
    return result


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
    :param report_url: link to a validation report kept elsewhere (optional;
        superseded in the result by the catalog's own page when
        ``data_docs_html`` is given)
    :type report_url: string
    :param data_docs_html: the run's Great Expectations Data Docs page, a
        whole HTML document of at most 2 MB (UTF-8) (optional). The catalog
        stores it with the run and serves it, sandboxed, at
        ``/dataset/<name>/riwayat-proses/<run_id>/validasi``; an empty
        string means "none". Like every other field, reporting the run again
        without it removes the stored page.
    :type data_docs_html: string

    :returns: the stored run report; ``report_url`` is the absolute URL of the
        Data Docs page when the run has one, and ``has_data_docs`` says whether it does
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
    docs = data.get("data_docs_html") or None
    report.data_docs_html = docs
    report.data_docs_bytes = len(docs.encode("utf-8")) if docs is not None else None
    user = context.get("auth_user_obj") or model.User.get(context.get("user", ""))
    report.user_id = getattr(user, "id", None)
    if not context.get("defer_commit"):
        session.commit()
    else:
        session.flush()
    package = model.Package.get(data["package_id"])
    return _run_dict(report, package.name if package is not None else None)


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

    :returns: the runs; ``report_url`` is the absolute URL of a run's Data Docs
        page when it has one (``has_data_docs``)
    :rtype: list of dicts
    """
    tk.check_access("tangerang_run_report_list", context, data_dict)
    data = _validate(data_dict, schema.run_report_list(), context)
    package = model.Package.get(data["package_id"])
    package_name = package.name if package is not None else None
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
    return [_run_dict(report, package_name) for report in reports]


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
    return _run_dict(report)


@tk.side_effect_free
def tangerang_run_data_docs_show(context: Context, data_dict: DataDict) -> str:
    """The stored GX Data Docs page of a run, as HTML text.

    Readable by whoever may read the dataset's runs. Browsers should use the
    sandboxed page at the run's ``report_url`` instead of rendering this text.

    :param package_id: id or name of the dataset
    :type package_id: string
    :param run_id: pipeline run id
    :type run_id: string

    :rtype: string
    """
    tk.check_access("tangerang_run_data_docs_show", context, data_dict)
    data = _validate(data_dict, schema.run_data_docs_show(), context)
    report = (
        model.Session.query(RunReport)
        .options(undefer(RunReport.data_docs_html))
        .filter_by(package_id=data["package_id"], run_id=data["run_id"])
        .one_or_none()
    )
    if report is None or report.data_docs_html is None:
        raise tk.ObjectNotFound(tk._("This run has no validation report"))
    return report.data_docs_html


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
