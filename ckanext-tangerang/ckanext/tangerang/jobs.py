"""Background jobs, run by ``ckan jobs worker`` (the default queue).

``load_datastore(job_id)`` is enqueued by ``tangerang_datastore_load`` with the id of its
``tangerang_datastore_load`` row and nothing else: no token, no URL, no fields.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import ckan.lib.uploader as uploader
import ckan.model as model
import ckan.plugins.toolkit as tk
import psycopg2
import sqlalchemy.exc
from sqlalchemy.engine import make_url

from ckanext.tangerang import datastore_load
from ckanext.tangerang.datastore_load import LoadError, LoadSpec
from ckanext.tangerang.load_job import DatastoreLoadJob, utcnow

log = logging.getLogger(__name__)
# Seconds a failed load keeps trying to record its failure while the database is away.
RECORD_ATTEMPTS = 60


def load_datastore(job_id: str) -> None:
    """Run DataStore load ``job_id``: its row says what to load and gets the outcome.

    The row goes ``pending`` → ``running`` → ``complete`` (the new table is live, with its
    row count) or ``error`` (``error`` names the problem; the old table is untouched). After
    ``complete``, ``indexes`` goes ``building`` → ``ready`` (or ``error``) while the search
    indexes are built without blocking readers.
    """
    session = model.Session
    job = session.get(DatastoreLoadJob, job_id)
    if job is None or job.status != "pending":
        log.warning("DataStore load %s: no pending job row, nothing to do", job_id)
        return
    spec = LoadSpec.from_dict(job.spec)
    conn = datastore_load.connect()
    try:
        datastore_load.ensure_trigger_function(conn)
        # The resource's locks first (see datastore_writes): "load" keeps another load,
        # datastore_create and resource_delete waiting to the end of the index build; "rows"
        # keeps row writes waiting until the swap, which would drop what they wrote to the
        # old table. Writes in flight finish first, so ``running`` means the resource is
        # held: a write accepted after that is in the new table.
        with datastore_load.resource_lock(conn, spec.resource_id):
            with datastore_load.resource_lock(conn, spec.resource_id, "rows"):
                job.status, job.started_at = "running", utcnow()
                session.commit()
                # From the request to here: the queue, RQ's fork, the work horse's
                # load_environment and any wait for the resource.
                queued = round((job.started_at - job.created).total_seconds(), 3)
                began = time.perf_counter()
                try:
                    path = _uploaded_file(spec.resource_id)
                    setup = round(time.perf_counter() - began, 3)
                    result = datastore_load.load(
                        conn,
                        spec,
                        path,
                        job_id.replace("-", ""),
                        read_role=_read_role(),
                        lock_timeout_ms=tk.config.get(
                            "ckanext.tangerang.datastore_swap_lock_timeout_ms"
                        ),
                        parallel_workers=_parallel_workers(),
                        second=datastore_load.connect,
                    )
                except LoadError as exc:
                    log.info("DataStore load %s of %s refused: %s", job_id, spec.resource_id, exc)
                    _finish(job, "error", error=exc.as_dict())
                    return
            timings = {"queued": queued, "setup": setup, **result.timings}
            with datastore_load.timed(timings, "activate"):
                _set_datastore_active(spec.resource_id)
            _finish(job, "complete", rows=result.rows, timings=timings, indexes="building")
            log.info(
                "DataStore load %s of %s: %d rows live (%s)",
                job_id,
                spec.resource_id,
                result.rows,
                timings,
            )
            _build_indexes(conn, job, spec, timings)
    except Exception as exc:
        log.exception("DataStore load %s of %s failed", job_id, spec.resource_id)
        _record_failure(job_id, exc)
    finally:
        conn.close()


def _record_failure(job_id: str, exc: Exception) -> None:
    """Mark the job's row ``error`` (or its ``indexes``, after ``complete``). When the database
    went away with the load (a PostgreSQL restart), try again on a new connection once a
    second for up to ``RECORD_ATTEMPTS`` seconds: a row left ``running`` would be waited on."""
    session = model.Session
    for _ in range(RECORD_ATTEMPTS):
        try:
            try:
                session.rollback()
            except sqlalchemy.exc.DBAPIError:
                session.close()  # its connection died: the next statement opens a new one
            job = session.get(DatastoreLoadJob, job_id)
            if job is not None and job.status in ("pending", "running"):
                _finish(job, "error", error=_internal_error(exc))
            elif job is not None and job.indexes == "building":
                job.indexes = "error"
                session.commit()
            return
        except sqlalchemy.exc.OperationalError:
            log.warning("DataStore load %s: database unavailable, recording its failure", job_id)
            time.sleep(1)
    log.error("DataStore load %s: its failure could not be recorded", job_id)


def _uploaded_file(resource_id: str) -> Path:
    """The resource's file in CKAN's own file store (no HTTP, no token)."""
    try:
        resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
    except tk.ObjectNotFound:
        raise LoadError("deleted", "the resource was deleted after the load was queued") from None
    if resource.get("url_type") != "upload":
        raise LoadError("file", "the resource has no uploaded file in CKAN's file store")
    path = Path(uploader.get_resource_uploader(resource).get_path(resource_id))
    if not path.is_file():
        raise LoadError("file", "the resource's uploaded file is missing from the file store")
    return path


def _parallel_workers() -> int | None:
    """``ckanext.tangerang.datastore_load_parallel_workers``; None (unset) leaves PostgreSQL's."""
    value = tk.config.get("ckanext.tangerang.datastore_load_parallel_workers")
    return None if value in (None, "") else tk.asint(value)


def _read_role() -> str | None:
    """The role of ``ckan.datastore.read_url``: it must read the new table."""
    url = tk.config.get("ckan.datastore.read_url")
    return make_url(url).username if url else None


def _set_datastore_active(resource_id: str) -> None:
    """As ``datastore_create`` does: flag the resource once its table exists. A failure is
    logged, not raised: the table is live either way."""
    resource = model.Resource.get(resource_id)
    if resource is None or tk.asbool(resource.extras.get("datastore_active")):
        return
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    try:
        tk.get_action("resource_patch")(
            {"user": site_user["name"], "ignore_auth": True},
            {"id": resource_id, "datastore_active": True},
        )
    except Exception:
        log.exception("DataStore load of %s: could not set datastore_active", resource_id)
        model.Session.rollback()


def _build_indexes(
    conn: Any, job: DatastoreLoadJob, spec: LoadSpec, timings: dict[str, float]
) -> None:
    timings = dict(timings)
    with datastore_load.timed(timings, "analyze"):
        datastore_load.analyze(conn, spec.resource_id)
    with datastore_load.timed(timings, "indexes"):
        datastore_load.build_indexes(
            conn,
            spec,
            method=tk.config.get("ckan.datastore.default_fts_index_method"),
            field_types=tk.config.get("ckan.datastore.default_fts_index_field_types") or [],
        )
    job.indexes = "ready"
    job.timings = dict(timings)  # a copy: the session compares the next value with this one
    model.Session.commit()
    # Still under the resource's "load" lock; a failure costs only autovacuum's later visit.
    try:
        with datastore_load.timed(timings, "vacuum"):
            datastore_load.vacuum(conn, spec.resource_id)
    except psycopg2.Error:
        log.exception("DataStore load %s: VACUUM of %s failed", job.id, spec.resource_id)
        return
    job.timings = dict(timings)
    model.Session.commit()


def _finish(job: DatastoreLoadJob, status: str, **values: Any) -> None:
    job.status, job.finished_at = status, utcnow()
    for name, value in values.items():
        setattr(job, name, value)
    model.Session.commit()


def _internal_error(exc: Exception) -> dict[str, Any]:
    # Only the exception's class: its text may hold connection details; the log has it all.
    name = type(exc).__name__
    return {
        "kind": "internal",
        "message": f"internal error ({name}); the CKAN worker log has the details",
        "exception": name,
    }
