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

    :returns: ``id``, ``resource_id``; ``status``: ``pending``, ``running`` (the load holds
        the resource: a DataStore write from then on waits for the swap), ``complete``
        (the new table is live, ``datastore_search`` answers its ``total``) or ``error``
        (the old table is untouched); ``rows``; ``indexes``: the search indexes built after
        ``complete`` (``building``, ``ready`` or ``error``); ``timings``: seconds per step
        (``queued``, ``setup``, ``copy``, ``full_text``, ``prepare``, ``swap``, ``activate``,
        then ``analyze``, ``indexes`` and ``vacuum``); ``error``: ``kind``,
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


# The DataStore's own writes, chained so that none is lost to a load's swap (see
# ``datastore_writes``): each checks access first, then waits for the resource's lock.


def _written_after_load(
    name: str,
    kind: str,
    up: Action,
    context: Context,
    data_dict: DataDict,
    id_key: str = "resource_id",
) -> Any:
    """Run action ``name`` holding the lock ``kind`` of the resource ``data_dict[id_key]``."""
    from ckanext.tangerang import datastore_writes

    # A copy: the DataStore's auth functions write ``id`` into the dict they get, and the
    # action's own schema would then refuse it.
    tk.check_access(name, context, dict(data_dict))
    resource_id = data_dict.get(id_key)
    if not isinstance(resource_id, str) or not resource_id:
        return up(context, data_dict)  # the action's own validation answers
    with datastore_writes.held(resource_id, kind):
        return up(context, data_dict)


@tk.chained_action
def datastore_create(up: Action, context: Context, data_dict: DataDict) -> Any:
    """The DataStore's ``datastore_create``; on an existing resource (``resource_id``), it
    waits while a ``tangerang_datastore_load`` of it runs (up to
    ``ckanext.tangerang.datastore_write_lock_wait_ms``, then a ValidationError and nothing
    changed): the load's swap would drop what it changed, its index build deadlock with it.
    A new resource (``resource``) is created at once."""
    return _written_after_load("datastore_create", "load", up, context, data_dict)


@tk.chained_action
def datastore_upsert(up: Action, context: Context, data_dict: DataDict) -> Any:
    """The DataStore's ``datastore_upsert``; it waits while a ``tangerang_datastore_load`` of
    the resource is before its swap (up to ``ckanext.tangerang.datastore_write_lock_wait_ms``,
    then a ValidationError and nothing written): rows written to the old table would be
    dropped with it."""
    return _written_after_load("datastore_upsert", "rows", up, context, data_dict)


@tk.chained_action
def datastore_delete(up: Action, context: Context, data_dict: DataDict) -> Any:
    """The DataStore's ``datastore_delete`` (``datastore_records_delete`` calls it); with
    ``filters`` it waits like ``datastore_upsert``, without (the table is dropped) like
    ``datastore_create``, for the whole load."""
    kind = "load" if data_dict.get("filters") is None else "rows"
    return _written_after_load("datastore_delete", kind, up, context, data_dict)


@tk.chained_action
def resource_delete(up: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's ``resource_delete``; it waits like ``datastore_create`` while a
    ``tangerang_datastore_load`` of the resource runs. The DataStore drops the table inside
    ``resource_delete`` (its ``after_resource_delete``), and a load's swap would otherwise
    bring the table back for a deleted resource."""
    return _written_after_load("resource_delete", "load", up, context, data_dict, id_key="id")


@tk.chained_action
def datastore_run_triggers(up: Action, context: Context, data_dict: DataDict) -> Any:
    """The DataStore's ``datastore_run_triggers``; it waits like ``datastore_upsert``."""
    return _written_after_load("datastore_run_triggers", "rows", up, context, data_dict)


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
    if kind == "deleted":
        return tk._("The resource was deleted before the load could start")
    if kind == "locked":
        return tk._("The old table stayed in use, so the load gave up; try again")
    return tk._("Internal error; the CKAN worker log has the details")


# --- walidata review (pemeriksaan) ----------------------------------------------------------


def _acting_user(context: Context) -> model.User | None:
    return context.get("auth_user_obj") or model.User.get(context.get("user", ""))


def _review_dict(package: model.Package) -> dict[str, Any]:
    from ckanext.tangerang import review

    events = review.history(package.id)
    current = events[0] if events else None
    waiting = next((e for e in events if e.state == review.WAITING), None)
    return {
        "package_id": package.id,
        "name": package.name,
        "under_review": review.under_review(package),
        "state": current.state if current is not None else None,
        "may_be_public": review.may_be_public(package),
        "private": package.private,
        **(
            {
                "changes": list(current.changes or []),
                "klasifikasi_akses": current.access,
                "fields": current.fields,
                "reason": current.reason,
                "updated": current.created.isoformat(),
                "updated_by": current.as_dict()["user"],
            }
            if current is not None
            else {}
        ),
        "submitted_at": waiting.created.isoformat() if waiting is not None else None,
        "history": [e.as_dict() for e in events],
    }


def _waiting(package: model.Package) -> Any:
    from ckanext.tangerang import review

    current = review.latest(package.id)
    if current is None or current.state != review.WAITING:
        raise tk.ValidationError(
            {"package_id": [tk._("The dataset is not waiting for the walidata's review")]}
        )
    return current


def _set_private(context: Context, package: model.Package, private: bool) -> None:
    """Change only the visibility, as the reviewer (the activity names them); commits."""
    user = _acting_user(context)
    tk.get_action("package_patch")(
        {"user": user.name if user is not None else "", "ignore_auth": True},
        {"id": package.id, "private": private},
    )


@_access_first
@tk.validate(schema.review_submit)
def tangerang_review_submit(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Ask for the walidata's review of the version about to be published.

    The hub calls it before it uploads a version. The version waits
    (``menunggu_pemeriksaan``) when the dataset was never approved, when it was returned
    (``dikembalikan``), or when its access class or set of fields differs from the
    approved version's; otherwise nothing changes. Submitting the waiting version again
    changes nothing. A waiting dataset is private: a public one is withdrawn from public
    view now, and the catalog keeps it private until a walidata approves it, whatever
    ``private`` its publisher asks for.

    Allowed for sysadmins and for users who may update the dataset (the pipeline bot as
    editor of every OPD and vertical agency).

    :param package_id: id or name of the dataset
    :type package_id: string
    :param klasifikasi_akses: the version's access class (optional; default the dataset's)
    :type klasifikasi_akses: string
    :param fields: the names of the version's fields (its data dictionary) (optional)
    :type fields: list of strings

    :returns: the review, as ``tangerang_review_show`` shows it
    :rtype: dict
    """
    from ckanext.tangerang import review

    package = model.Package.get(data_dict["package_id"])
    access = data_dict.get("klasifikasi_akses") or (package.extras or {}).get("klasifikasi_akses")
    fields = data_dict.get("fields")
    review.submit(
        package,
        _acting_user(context),
        review.Submission(access, tuple(fields) if fields is not None else None),
    )
    if not package.private and not review.may_be_public(package):
        _set_private(context, package, True)  # a public version now waits: withdrawn; commits
    else:
        model.Session.commit()
    return _review_dict(package)


@_access_first
@tk.validate(schema.review_approve)
def tangerang_review_approve(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Approve the waiting version of a dataset (``disetujui``).

    The dataset becomes public when its access class is ``terbuka`` or ``terbatas`` (public
    metadata; its files only under an agreement) and equals the approved version's.
    Allowed for the walidata (``ckanext.tangerang.walidata_users``)
    and sysadmins; never for the pipeline bot, nor for an editor or admin of the dataset's
    producer.

    :param package_id: id or name of a dataset waiting for review
    :type package_id: string
    :param note: a remark recorded with the approval (optional)
    :type note: string

    :returns: the review, as ``tangerang_review_show`` shows it
    :rtype: dict
    """
    from ckanext.tangerang import review

    package = model.Package.get(data_dict["package_id"])
    current = _waiting(package)
    review.record(
        package,
        review.APPROVED,
        _acting_user(context),
        changes=current.changes,
        access=current.access,
        fields=current.fields,
        reason=data_dict.get("note"),
    )
    public = (
        review.may_be_public(package)
        and (package.extras or {}).get("klasifikasi_akses") in review.PUBLIC_METADATA
    )
    if package.private == public:
        _set_private(context, package, not public)  # commits the event with the dataset
    else:
        model.Session.commit()
    return _review_dict(package)


@_access_first
@tk.validate(schema.review_return)
def tangerang_review_return(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Return the waiting version to its producer (``dikembalikan``), with the reason.

    The dataset stays private until the producer publishes a new version, which waits
    for review again. Allowed to those who may approve it.

    :param package_id: id or name of a dataset waiting for review
    :type package_id: string
    :param reason: what does not conform, for the producer (at most 2000 characters)
    :type reason: string

    :returns: the review, as ``tangerang_review_show`` shows it
    :rtype: dict
    """
    from ckanext.tangerang import review

    package = model.Package.get(data_dict["package_id"])
    current = _waiting(package)
    review.record(
        package,
        review.RETURNED,
        _acting_user(context),
        changes=current.changes,
        access=current.access,
        fields=current.fields,
        reason=data_dict["reason"],
    )
    if not package.private:
        _set_private(context, package, True)
    else:
        model.Session.commit()
    return _review_dict(package)


@tk.side_effect_free
@_access_first
@tk.validate(schema.review_show)
def tangerang_review_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The review of one dataset and its history.

    Allowed for the walidata, sysadmins and those who may update the dataset.

    :param package_id: id or name of the dataset
    :type package_id: string

    :returns: ``package_id``, ``name``; ``under_review`` (published by the hub, so under
        review); ``state`` (``menunggu_pemeriksaan``, ``disetujui``, ``dikembalikan``, or
        ``None`` before any submission); ``may_be_public``; ``private``; of the latest
        event ``changes`` (``first_publication``, ``access_changed``, ``fields_changed``,
        ``resubmitted``), ``klasifikasi_akses``, ``fields``, ``reason``, ``updated`` and
        ``updated_by``; ``submitted_at`` (the latest submission, UTC); ``history``: every
        event, newest first, with ``state``, ``previous_state``, ``changes``,
        ``klasifikasi_akses``, ``fields``, ``reason``, ``user`` and ``created``
    :rtype: dict
    """
    return _review_dict(model.Package.get(data_dict["package_id"]))


@tk.side_effect_free
@_access_first
@tk.validate(schema.review_list)
def tangerang_review_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The review queue: datasets in one state, longest waiting first.

    Allowed for the walidata and sysadmins.

    :param state: ``menunggu_pemeriksaan`` (default), ``disetujui`` or ``dikembalikan``
    :type state: string
    :param limit: at most this many (default 50, at most
        ``ckanext.tangerang.run_report_list_max``)
    :type limit: int
    :param offset: datasets to skip (default 0)
    :type offset: int

    :returns: ``count`` and ``results``: ``package_id``, ``name``, ``title``,
        ``organization`` (``name``, ``title``), ``state``, ``changes``,
        ``klasifikasi_akses``, ``fields``, ``reason``, ``user`` and ``created`` of the
        event that put it in this state
    :rtype: dict
    """
    from ckanext.tangerang import review

    count, rows = review.queue(data_dict["state"], data_dict["limit"], data_dict["offset"])
    results = []
    for event, package in rows:
        org = model.Group.get(package.owner_org) if package.owner_org else None
        results.append(
            {
                **event.as_dict(),
                "package_id": package.id,
                "name": package.name,
                "title": package.title,
                "organization": (
                    {"name": org.name, "title": org.title} if org is not None else None
                ),
            }
        )
    return {"count": count, "results": results}


# --- steward dashboard ----------------------------------------------------------------------


@tk.side_effect_free
def tangerang_dashboard_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The steward dashboard: one row per dataset contract, published or not.

    For the walidata and sysadmins (auth ``tangerang_dashboard_show``, checked before the
    parameters). The rows come from the hub's contracts in ``schemas/``, the run reports and,
    when ``ckanext.tangerang.airflow_url`` is set, Airflow's REST API.

    :param organization: only this producer's contracts (optional)
    :type organization: string
    :param dimensi: only contracts of this smart-city dimension (optional)
    :type dimensi: string
    :param sort: ``freshness`` (default: gagal, terlambat, no run, irregular, on time),
        ``title``, ``organization``, ``status``, ``finished_at``, ``duration``, ``rows``
        or ``quality``; rows without a value come last
    :type sort: string
    :param order: ``asc`` (default) or ``desc``
    :type order: string

    :returns: ``generated_at``, ``count``, ``summary`` (rows per freshness), ``rows``,
        ``choices`` (the producers and dimensions to filter by) and ``airflow``
        (``configured``, ``error``). Each row has ``contract_id``, ``title``,
        ``organization``, ``organization_title``, ``dimensions``, ``frequency``,
        ``contract_error``, ``package`` (``id``, ``name``, ``private``;
        ``None`` before the first publication), ``last_run`` (``run_id``, ``status``, ``ok``,
        ``started_at``, ``finished_at``, ``duration_seconds``, ``rows``, ``message``; ``None``
        without runs), ``freshness`` (``on_time``, ``late``, ``failed``, ``no_run`` or
        ``irregular``), ``last_changed_at``, ``due_at``, ``quality`` (``total``, ``grade``),
        ``quality_trend`` (the scores of the last runs, oldest first: ``run_id``,
        ``finished_at``, ``total``, ``grade``) and ``airflow`` (``dag_id``, ``dag_url``,
        ``run``: the Airflow run of the last run report, ``latest``: the DAG's newest run;
        each ``dag_run_id``, ``state``, ``run_key``, ``start_date``, ``end_date``, ``url``).
        Times are UTC.
    :rtype: dict
    """
    from ckanext.tangerang import dashboard

    tk.check_access("tangerang_dashboard_show", context, data_dict)
    data, errors = tk.navl_validate(dict(data_dict), schema.dashboard(), context)
    if errors:
        raise tk.ValidationError(errors)
    return dashboard.rows(
        organization=data.get("organization"),
        dimension=data.get("dimensi"),
        sort=data["sort"],
        descending=data["order"] == "desc",
        runs=tk.config.get("ckanext.tangerang.dashboard_runs"),
    )


# --- smart-city evaluation ------------------------------------------------------------------


@tk.side_effect_free
@_access_first
@tk.validate(schema.evaluation_show)
def tangerang_evaluation_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The smart-city evaluation: per dimension of the public datasets, their count, the
    producers that publish in it, the share on time, the mean quality score, the downloads
    of the period and the monthly quality trend (``ckanext/tangerang/evaluation.py``).

    Public (auth ``tangerang_evaluation_show``): only public, active datasets are counted.

    :param start: the first day of the period, ``YYYY-MM-DD`` in WIB (optional; default: the
        first day of the twelfth month up to ``end``)
    :type start: string
    :param end: the last day of the period, included (optional; default: today in WIB);
        at most 1098 days after ``start``
    :type end: string

    :returns: ``generated_at`` (UTC), ``period`` (``start``, ``end``, ``months``: each
        ``YYYY-MM``), ``dimensions`` (one per dimension, in the schema's order: ``name``,
        ``title`` (``{"id", "en"}``) and the summary) and ``total`` (the summary of every
        public dataset). A summary has ``dataset_count``, ``producers`` (``name``,
        ``title``), ``producer_count``, ``producer_total`` (all producer organizations),
        ``freshness`` (datasets per ``on_time``, ``late``, ``failed``, ``irregular``,
        ``no_run``), ``on_time_measured`` (on time, late or failed), ``on_time_percent``
        (``None`` when nothing is measured), ``quality_mean``, ``quality_scored``,
        ``downloads`` and ``trend`` (per month: ``month``, ``quality_mean`` or ``None``).
    :rtype: dict
    """
    from ckanext.tangerang import evaluation

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    tz = evaluation.display_timezone()
    given = [data_dict.get(key) for key in ("start", "end")]
    start, end = evaluation.period(*(d.date() if d else None for d in given), now, tz)
    if start > end:
        raise tk.ValidationError({"start": [tk._("The period starts after it ends")]})
    if (end - start).days > evaluation.MAX_DAYS:
        raise tk.ValidationError({"end": [tk._("The period is longer than three years")]})
    return evaluation.evaluate(start, end, now)


# --- usage statistics -----------------------------------------------------------------------


@tk.side_effect_free
@_access_first
@tk.validate(schema.usage_show)
def tangerang_usage_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Usage statistics of the public datasets, counted on the server, for a period.

    Public. Counted per day in WIB (Asia/Jakarta): ``download`` (files served by the
    download route), ``api`` (``datastore_search``, ``datastore_search_sql`` and
    ``datastore_info`` called through the action API) and ``view`` (dataset pages). Bots
    are not counted; no IP address is stored. ``unique_visitors`` are sums of daily unique
    visitors. Private datasets are left out.

    :param start: first day, ``YYYY-MM-DD`` (optional; default: 29 days before ``end``)
    :type start: string
    :param end: last day, ``YYYY-MM-DD`` (optional; default: today in WIB); at most 366
        days after ``start``
    :type end: string
    :param top: datasets listed per smart-city dimension (optional, default 5, at most 50)
    :type top: int

    :returns: ``start``, ``end``, ``kinds``, ``totals`` (kind -> ``count``,
        ``unique_visitors``), ``daily`` (every day: ``day`` and a count per kind),
        ``datasets`` (most used first: downloads plus API reads, then views; ``id``,
        ``name``, ``title``, ``organization``, ``dimensions``, ``counts``,
        ``unique_visitors``, ``resources``), ``dimensions`` (dimension -> its most used
        datasets) and ``organizations`` (partner universities' signed-in members:
        ``id``, ``name``, ``title``, ``counts``, ``unique_visitors``)
    :rtype: dict
    """
    from ckanext.tangerang import usage

    def day(key: str) -> dt.date | None:
        value = data_dict.get(key)
        return value.date() if isinstance(value, dt.datetime) else None

    try:
        start, end = usage.period(day("start"), day("end"))
    except ValueError as e:
        raise tk.ValidationError({"start": [tk._("The first day is after the last day")]}) from e
    if (end - start).days > 366:
        raise tk.ValidationError({"end": [tk._("The period is longer than a year")]})
    return usage.statistics(start, end, top=min(int(data_dict["top"]), 50))
