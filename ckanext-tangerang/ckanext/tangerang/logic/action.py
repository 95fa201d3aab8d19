"""Actions of the Kota Tangerang catalog. The docstrings are the API documentation.

CKAN's blanket decorator registers every public function of this module as an
API action (``xloader_status`` only where xloader runs, see ``plugin.py``), so
helpers are ``_``-prefixed.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict
from sqlalchemy.orm import undefer

from ckanext.tangerang import catalog_summary, redact
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


def _data_docs_url(package_name: str, run_id: str) -> str:
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
        result["report_url"] = _data_docs_url(package_name, report.run_id)
    return result


def _access_first(action: Action) -> Action:
    """Run the action's auth function (same name, raw ``data_dict``) before anything else.

    CKAN's ``@validate`` runs before the action body, so a ``check_access`` in
    the body would come second: a caller the action refuses would be answered
    with the schema's error messages, and a 2 MB Data Docs page parsed for
    them. Stacked above ``@tk.validate``, this keeps auth first by design:
    whoever may not call the action learns only that.
    """

    @functools.wraps(action)
    def checked(context: Context, data_dict: DataDict) -> Any:
        tk.check_access(action.__name__, context, data_dict)
        return action(context, data_dict)

    return checked


@_access_first
@tk.validate(schema.run_report_create)
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
        "statistics": {...}}`` (optional), and optionally the message as
        ``"message_code"`` (a code of ``tangerang_hub.messages``) with
        ``"message_params"`` (``{name: text or number}``): the run history page
        then shows it in the visitor's language
    :type validation: dict
    :param message: human-readable summary in Bahasa Indonesia (optional)
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

    session = model.Session
    report = (
        session.query(RunReport)
        .filter_by(package_id=data_dict["package_id"], run_id=data_dict["run_id"])
        .one_or_none()
    )
    if report is None:
        report = RunReport(package_id=data_dict["package_id"], run_id=data_dict["run_id"])
        session.add(report)
    for field in _REPORT_FIELDS:
        setattr(report, field, data_dict.get(field))
    docs = data_dict.get("data_docs_html") or None
    report.data_docs_html = docs
    report.data_docs_bytes = len(docs.encode("utf-8")) if docs is not None else None
    user = context.get("auth_user_obj") or model.User.get(context.get("user", ""))
    report.user_id = getattr(user, "id", None)
    if not context.get("defer_commit"):
        session.commit()
    else:
        session.flush()
    package = model.Package.get(data_dict["package_id"])
    return _run_dict(report, package.name if package is not None else None)


@tk.side_effect_free
@_access_first
@tk.validate(schema.run_report_list)
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
    package = model.Package.get(data_dict["package_id"])
    package_name = package.name if package is not None else None
    reports = (
        model.Session.query(RunReport)
        .filter(RunReport.package_id == data_dict["package_id"])
        .order_by(
            RunReport.finished_at.desc().nulls_last(),
            RunReport.created.desc(),
        )
        .offset(data_dict["offset"])
        .limit(data_dict["limit"])
    )
    return [_run_dict(report, package_name) for report in reports]


@tk.side_effect_free
@_access_first
@tk.validate(schema.run_report_show)
def tangerang_run_report_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Show one run report.

    :param id: id of the run report (not the pipeline's run id)
    :type id: string

    :rtype: dict
    """
    report = model.Session.get(RunReport, data_dict["id"])
    if report is None:
        raise tk.ObjectNotFound(tk._("Run report not found"))
    return _run_dict(report)


@tk.side_effect_free
@_access_first
@tk.validate(schema.run_data_docs_show)
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
    report = (
        model.Session.query(RunReport)
        .options(undefer(RunReport.data_docs_html))
        .filter_by(package_id=data_dict["package_id"], run_id=data_dict["run_id"])
        .one_or_none()
    )
    if report is None or report.data_docs_html is None:
        raise tk.ObjectNotFound(tk._("This run has no validation report"))
    return report.data_docs_html


@tk.side_effect_free
@_access_first
@tk.validate(schema.dimension_summary)
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
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return catalog_summary.summarize(dimension=data_dict.get("dimensi"), now=now)


@tk.side_effect_free
@tk.chained_action
def xloader_status(
    original_action: Action, context: Context, data_dict: DataDict
) -> dict[str, Any]:
    """ckanext-xloader's ``xloader_status``, without any credential in the result.

    Upstream (ckanext-xloader 2.5.2) returns the job row of its jobs table as
    ``task_info``, and that row holds ``api_key``: the token of
    ``ckanext.xloader.api_token``, i.e. the site user's, which is never
    deleted after the job. Whoever may update the resource (every OPD editor
    and the pipeline bot) could read it and act as sysadmin. This override
    keeps the upstream result and auth (``resource_update``) and removes
    every credential-like key, at any depth, and every token-shaped value
    (see ``redact.without_secrets``). Registered only when xloader is loaded.

    :param resource_id: id of the resource (``id`` is accepted too)
    :type resource_id: string

    :returns: ``status``, ``job_id``, ``job_url``, ``last_updated``,
        ``task_info`` (the job, its metadata and logs) and ``error``
    :rtype: dict
    """
    known = [tk.config.get("ckanext.xloader.api_token") or ""]
    return redact.without_secrets(original_action(context, data_dict), known)


# --- DataStore loads ------------------------------------------------------------------------


@_access_first
@tk.validate(schema.datastore_load)
def tangerang_datastore_load(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Replace a resource's DataStore table with its uploaded CSV, atomically, in the background.

    A background job COPYs the resource's file from CKAN's file store (a UTF-8 CSV whose
    header names every field once, in any order) into a new table with the given
    PostgreSQL types, computes ``_full_text`` in the same pass, and swaps the new table in
    for the old one in one transaction: ``datastore_search`` answers from the old table,
    with its ``total``, until the new one is complete, and from the new one, with the new
    ``total``, as soon as the job reports ``complete``. A file that does not fit (a cell not
    of its column's type, a repeated primary key, a header that does not match) leaves the
    old table as it was. Search indexes are built after the swap, without blocking readers.

    Allowed for sysadmins and for users who may update the resource (the pipeline bot is
    editor of every OPD). Follow the job with ``tangerang_datastore_load_status``.

    :param resource_id: id of a resource with an uploaded file
    :type resource_id: string
    :param fields: the columns in table order, each ``{"id", "type", "info"}``: ``type`` one
        of ``text int int2 int4 int8 numeric float4 float8 bool date time timestamp
        timestamptz interval json jsonb uuid``; ``info`` the Data Dictionary entry
        (``label``, ``notes``, ``type_override``), optional
    :type fields: list of dicts
    :param primary_key: fields whose values identify a row (optional)
    :type primary_key: list of strings
    :param full_text_columns: fields that feed ``_full_text`` (optional; default the
        ``text`` fields; an empty list: none)
    :type full_text_columns: list of strings
    :param text_search_config: PostgreSQL text search configuration of ``_full_text``
        (optional; default ``ckan.datastore.default_fts_lang``, the configuration
        ``datastore_search`` queries with)
    :type text_search_config: string

    :returns: the load, as ``tangerang_datastore_load_status`` shows it (``pending``)
    :rtype: dict
    """
    from ckan.lib.jobs import DEFAULT_QUEUE_NAME

    from ckanext.tangerang import jobs
    from ckanext.tangerang.load_job import DatastoreLoadJob

    spec = _load_spec(data_dict)
    user = context.get("auth_user_obj") or model.User.get(context.get("user", ""))
    job = DatastoreLoadJob(
        resource_id=spec.resource_id,
        status="pending",
        spec=spec.as_dict(),
        user_id=getattr(user, "id", None),
    )
    model.Session.add(job)
    model.Session.commit()
    try:
        # The payload is the row's id: no token, no URL, no fields.
        tk.enqueue_job(
            jobs.load_datastore,
            [job.id],
            title=f"tangerang DataStore load {job.id}",
            queue=DEFAULT_QUEUE_NAME,
            rq_kwargs={"timeout": tk.config.get("ckanext.tangerang.datastore_load_timeout")},
        )
    except Exception:
        job.status = "error"
        job.error = {"kind": "queue", "message": "the job could not be queued"}
        model.Session.commit()
        raise
    return _load_job_dict(job)


@tk.side_effect_free
@_access_first
@tk.validate(schema.datastore_load_status)
def tangerang_datastore_load_status(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Where a DataStore load stands. Cheap enough to poll every 0.1 s.

    Allowed for those who may run the load (``resource_update`` on its resource).

    :param id: id of the load, as ``tangerang_datastore_load`` returned it
    :type id: string
    :param resource_id: or a resource: its latest load
    :type resource_id: string

    :returns: ``id``, ``resource_id``; ``status``: ``pending``, ``running``, ``complete``
        (the new table is live, ``datastore_search`` answers its ``total``) or ``error``
        (the old table is untouched); ``rows``; ``indexes``: the search indexes built after
        ``complete`` (``building``, ``ready`` or ``error``); ``timings``: seconds per step
        (``copy``, ``full_text``, ``prepare``, ``swap``, ``indexes``); ``error``: ``kind``,
        a ``message`` and the ``line``/``column`` it names, never a cell value or a
        credential; ``created``, ``started_at``, ``finished_at`` (UTC)
    :rtype: dict
    """
    from ckanext.tangerang.load_job import DatastoreLoadJob

    query = model.Session.query(DatastoreLoadJob)
    if data_dict.get("id"):
        job = query.filter(DatastoreLoadJob.id == data_dict["id"]).one_or_none()
    else:
        job = (
            query.filter(DatastoreLoadJob.resource_id == data_dict.get("resource_id"))
            .order_by(DatastoreLoadJob.created.desc())
            .first()
        )
    if job is None:
        raise tk.ObjectNotFound(tk._("DataStore load not found"))
    return _load_job_dict(job)


def _load_spec(data: dict[str, Any]) -> Any:
    """The job's LoadSpec, after the checks across keys (ValidationError otherwise)."""
    from ckanext.tangerang import datastore_load

    fields = data.get("fields") or []
    ids = [f["id"] for f in fields]
    errors: dict[str, list[str]] = {}
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    too_long = [i for i in ids if len(i.encode("utf-8")) > datastore_load.MAX_IDENTIFIER_BYTES]
    if not fields:
        errors["fields"] = [tk._("At least one field is required")]
    elif repeated:
        errors["fields"] = [tk._("Repeated field ids: {ids}").format(ids=", ".join(repeated))]
    elif too_long:
        errors["fields"] = [
            tk._("Field ids longer than 63 bytes: {ids}").format(ids=", ".join(too_long))
        ]
    for key in ("primary_key", "full_text_columns"):
        unknown = [name for name in data.get(key) or [] if name not in ids]
        if unknown:
            errors[key] = [tk._("Not fields of this table: {ids}").format(ids=", ".join(unknown))]
    config = data.get("text_search_config") or tk.config.get("ckan.datastore.default_fts_lang")
    if not _text_search_config_exists(config):
        errors["text_search_config"] = [
            tk._("PostgreSQL has no text search configuration {name}").format(name=config)
        ]
    resource = model.Resource.get(data["resource_id"])
    if resource is None or resource.url_type != "upload":
        errors["resource_id"] = [tk._("The resource has no uploaded file")]
    if errors:
        raise tk.ValidationError(errors)
    columns = tuple(datastore_load.Column(f["id"], f["type"], f.get("info")) for f in fields)
    full_text = data.get("full_text_columns")
    return datastore_load.LoadSpec(
        resource_id=data["resource_id"],
        columns=columns,
        primary_key=tuple(data.get("primary_key") or ()),
        full_text_columns=(
            tuple(full_text)
            if full_text is not None
            else datastore_load.default_full_text_columns(columns)
        ),
        text_search_config=config,
    )


def _text_search_config_exists(name: str) -> bool:
    from ckanext.datastore.backend.postgres import get_read_engine
    from ckanext.tangerang.datastore_load import TEXT_SEARCH_CONFIG_EXISTS

    with get_read_engine().connect() as conn:
        return bool(conn.exec_driver_sql(TEXT_SEARCH_CONFIG_EXISTS, {"name": name}).scalar())


def _load_job_dict(job: Any) -> dict[str, Any]:
    def iso(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value else None

    error = None
    if job.error:
        error = {**job.error, "message": _load_error_message(job.error)}
    return {
        "id": job.id,
        "resource_id": job.resource_id,
        "status": job.status,
        "rows": job.rows,
        "indexes": job.indexes,
        "timings": job.timings or {},
        "error": error,
        "created": iso(job.created),
        "started_at": iso(job.started_at),
        "finished_at": iso(job.finished_at),
    }


def _load_error_message(error: dict[str, Any]) -> str:
    """The error of a load in the reader's language; it names lines and columns, never a cell."""
    kind = error.get("kind")

    def names(key: str) -> str:
        return ", ".join(error.get(key) or []) or "-"

    if kind == "header":
        return tk._(
            "The CSV header does not match the fields (missing: {missing}; unexpected: "
            "{unexpected}; repeated: {repeated})"
        ).format(
            missing=names("missing"), unexpected=names("unexpected"), repeated=names("duplicated")
        )
    if kind in ("type", "format", "encoding") and error.get("line"):
        where = tk._("Line {line}").format(line=error["line"])
        if error.get("column"):
            where = tk._("Line {line}, column {column}").format(
                line=error["line"], column=error["column"]
            )
        if kind == "encoding":
            return tk._("{where}: the file is not valid UTF-8").format(where=where)
        if kind == "format":
            return tk._("{where}: the row does not match the header ({problem})").format(
                where=where, problem=error.get("problem", "")
            )
        return tk._("{where}: the value does not fit the column's type ({problem})").format(
            where=where, problem=error.get("problem", "")
        )
    if kind in ("type", "format", "encoding"):
        return tk._("A value does not fit its column's type ({problem})").format(
            problem=error.get("problem", "")
        )
    if kind == "duplicate_key":
        return tk._("Two or more rows have the same primary key ({columns})").format(
            columns=names("columns")
        )
    if kind == "text_search_config":
        return tk._("PostgreSQL has no text search configuration {name}").format(
            name=error.get("text_search_config", "")
        )
    if kind == "file":
        return tk._("The resource has no uploaded file in CKAN's file store")
    if kind == "locked":
        return tk._("The old table stayed in use, so the load gave up; try again")
    return tk._("Internal error; the CKAN worker log has the details")
