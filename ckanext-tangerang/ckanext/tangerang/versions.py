"""Versions you can cite: every published file of a dataset stays downloadable.

CKAN keeps one file per resource and replaces it in place when a new one is uploaded (the
hub's ``package_revise`` replaces CSV, Parquet and the data dictionary at once). After
every ``package_create``/``package_update`` (``record``, from the plugin's
``after_dataset_*`` hooks, which CKAN calls after it stored the uploads) each resource whose
upload is new is copied into the catalog's own version storage, and one row of
``tangerang_resource_version`` describes it:

- the **run id**: the dataset's ``last_run_id`` (the hub sets it in the same revision as the
  files); a file uploaded by hand, or a second file under a run id the resource already has,
  is ``unggah-<first 12 hex digits of its sha256>``;
- the file's own **sha256** (of its bytes, computed here) and size, its file name, the
  dataset's ``sha256`` (the hub's batch fingerprint, the same for every file of a run) and
  the resource's ``row_count``.

The stored file's location is ``<resource id>/<sha256>``: a file whose bytes did not change
between runs (the data dictionary) is stored once and named by every run that published it.
The storage is the CKAN file storage named by ``ckanext.tangerang.versions.storage``; when no
such storage is configured it is a ``ckan:fs`` storage in
``<ckan.storage_path>/tangerang_versions``, so nothing depends on the hub's disk.

Retention (``ckanext.tangerang.versions.keep`` versions and/or
``ckanext.tangerang.versions.keep_days`` days per resource; 0: no limit) is applied to a
resource each time a new version of it is recorded; its newest version is always kept. A
takedown (``remove``: ``package_delete``, ``dataset_purge``, ``tangerang_version_takedown``)
deletes rows and files. Files are deleted only after the transaction that deleted their last
row commits, so a rolled-back update never loses a version.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import os
from collections.abc import Iterable, Iterator
from typing import Any

import ckan.model as model
import ckan.model.types as ckan_types
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.lib import files, uploader
from ckan.model.base import BaseModel
from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    UnicodeText,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

log = logging.getLogger(__name__)

TABLE_NAME = "tangerang_resource_version"
FALLBACK_DIRECTORY = "tangerang_versions"
MANUAL_RUN_PREFIX = "unggah-"
CHUNK = 1024 * 1024
# Session.info key: storage locations to delete once the session's transaction commits.
PENDING_REMOVALS = "tangerang_version_removals"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class ResourceVersion(BaseModel):
    """One stored file of one resource, as one run (or hand upload) published it."""

    __tablename__ = TABLE_NAME
    __table_args__ = (
        UniqueConstraint(
            "resource_id", "run_id", name="tangerang_resource_version_resource_run_key"
        ),
        Index("tangerang_resource_version_package_created_idx", "package_id", "created"),
    )

    id: Mapped[str] = mapped_column(UnicodeText, primary_key=True, default=ckan_types.make_uuid)
    package_id: Mapped[str] = mapped_column(
        UnicodeText, ForeignKey("package.id", ondelete="CASCADE"), nullable=False
    )
    resource_id: Mapped[str] = mapped_column(
        UnicodeText, ForeignKey("resource.id", ondelete="CASCADE"), nullable=False
    )
    run_id: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    sha256: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    batch_sha256: Mapped[str | None] = mapped_column(UnicodeText)
    rows: Mapped[int | None] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    filename: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    mimetype: Mapped[str | None] = mapped_column(UnicodeText)
    # The resource's last_modified when this file was uploaded: a later update that did
    # not upload leaves it as it is, and is recognised without reading the file.
    uploaded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    @property
    def location(self) -> str:
        return location(self.resource_id, self.sha256)


def location(resource_id: str, sha256: str) -> str:
    """Where a version's file is kept in the version storage."""
    return f"{resource_id}/{sha256}"


# --- storage -----------------------------------------------------------------------------


def storage() -> files.Storage:
    """The version storage: the CKAN storage ``ckanext.tangerang.versions.storage``, else a
    ``ckan:fs`` storage in ``<ckan.storage_path>/tangerang_versions``."""
    name = tk.config.get("ckanext.tangerang.versions.storage")
    try:
        return files.get_storage(name)
    except files.exc.UnknownStorageError:
        root = tk.config.get("ckan.storage_path")
        if not root:
            raise tk.ValidationError(
                {"storage": [tk._("Versions need ckan.storage_path or a configured storage")]}
            ) from None
        return _fallback_storage(name, os.path.join(root, FALLBACK_DIRECTORY))


@functools.cache
def _fallback_storage(name: str, path: str) -> files.Storage:
    return files.make_storage(
        name,
        {
            "type": "ckan:fs",
            "path": path,
            "initialize": True,
            "overwrite_existing": False,
            "hashing_algorithm": "sha256",
        },
    )


def _current_file(resource: dict[str, Any]) -> Iterator[bytes] | None:
    """The bytes CKAN stores for an uploaded resource, in chunks; ``None`` when it has none."""
    upload = uploader.get_resource_uploader(dict(resource))
    path = upload.get_path(resource["id"])
    resource_storage = getattr(upload, "storage", None)
    if resource_storage is not None:  # a file_keeper storage (ckan.files.storage.*)
        data = files.FileData(files.Location(path))
        if not resource_storage.exists(data):
            return None
        return iter(resource_storage.stream(data))
    if not os.path.isfile(path):
        return None
    return _read_chunks(path)


def _read_chunks(path: str) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk


class _ChunkReader:
    """A file-like ``read`` over chunks, for ``files.Upload`` (a ``bytearray`` buffer:
    CPython drops its head without copying the rest)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._buffer = bytearray()

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        end = len(self._buffer) if size < 0 else min(size, len(self._buffer))
        data = bytes(self._buffer[:end])
        del self._buffer[:end]
        return data


def stream(version: ResourceVersion) -> Iterator[bytes]:
    """The stored bytes of a version (``tk.ObjectNotFound`` when its file is gone)."""
    data = files.FileData(files.Location(version.location), size=version.size)
    kept = storage()
    if not kept.exists(data):
        raise tk.ObjectNotFound(tk._("The file of this version is no longer kept"))
    return iter(kept.stream(data))


# --- recording ---------------------------------------------------------------------------


def _as_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _latest(resource_id: str) -> ResourceVersion | None:
    return (
        model.Session.query(ResourceVersion)
        .filter_by(resource_id=resource_id)
        .order_by(ResourceVersion.created.desc())
        .first()
    )


def _by_run(resource_id: str, run_id: str) -> ResourceVersion | None:
    return (
        model.Session.query(ResourceVersion)
        .filter_by(resource_id=resource_id, run_id=run_id)
        .one_or_none()
    )


def _hash(chunks: Iterable[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def record(pkg_dict: dict[str, Any]) -> list[ResourceVersion]:
    """Keep the new upload of every resource of the dataset ``pkg_dict`` (the validated dict
    of ``after_dataset_create``/``after_dataset_update``) as a version; see the module
    docstring. Returns the versions added (flushed, not committed)."""
    added = []
    for resource in _resources_with_ids(pkg_dict):
        if resource.get("url_type") != "upload" or not resource.get("id"):
            continue
        version = _record_resource(pkg_dict, resource)
        if version is not None:
            added.append(version)
            prune(version.resource_id)
    return added


def _resources_with_ids(pkg_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """The dataset's resources, each with its id.

    CKAN 2.12's ``package_update`` gives a resource it creates (``resource_create``, or a
    ``package_revise`` that adds one) its id on the dict it was given, not on the validated
    dict its ``after_dataset_update`` hooks get: without this, the first upload of such a
    resource would not be kept. The stored resources are in the dict's order (position)."""
    resources = list(pkg_dict.get("resources") or [])
    if all(r.get("id") for r in resources):
        return resources
    package = model.Package.get(pkg_dict.get("id") or "")
    stored = package.resources if package is not None else []
    if len(stored) != len(resources) or any(
        r.get("id") not in (None, s.id) for r, s in zip(resources, stored, strict=False)
    ):
        log.warning("dataset %s: its resources do not match the stored ones", pkg_dict.get("id"))
        return [r for r in resources if r.get("id")]
    return [r if r.get("id") else {**r, "id": s.id} for r, s in zip(resources, stored, strict=True)]


def _record_resource(pkg_dict: dict[str, Any], resource: dict[str, Any]) -> ResourceVersion | None:
    stored = model.Session.get(model.Resource, resource["id"])
    uploaded_at = stored.last_modified if stored is not None else None
    latest = _latest(resource["id"])
    if latest is not None and uploaded_at is not None and latest.uploaded_at == uploaded_at:
        return None  # no new upload: a metadata-only update
    chunks = _current_file(resource)
    if chunks is None:
        return None
    sha256, size = _hash(chunks)
    run_id = pkg_dict.get("last_run_id") or None
    same_run = _by_run(resource["id"], run_id) if run_id else None
    if run_id is None or (same_run is not None and same_run.sha256 != sha256):
        run_id = f"{MANUAL_RUN_PREFIX}{sha256[:12]}"
        same_run = _by_run(resource["id"], run_id)
    if same_run is not None:  # the same bytes uploaded again under the same run
        same_run.uploaded_at = uploaded_at
        model.Session.flush()
        return None
    _keep_file(resource, sha256, size)
    version = ResourceVersion(
        package_id=pkg_dict["id"],
        resource_id=resource["id"],
        run_id=run_id,
        sha256=sha256,
        batch_sha256=pkg_dict.get("sha256") or None,
        rows=_as_int(resource.get("row_count")),
        size=size,
        filename=os.path.basename(resource.get("url") or "") or resource["id"],
        mimetype=resource.get("mimetype") or None,
        uploaded_at=uploaded_at,
    )
    model.Session.add(version)
    model.Session.flush()
    log.info("kept version %s of resource %s (sha256 %s)", run_id, resource["id"], sha256)
    return version


def _keep_file(resource: dict[str, Any], sha256: str, size: int) -> None:
    """Copy the resource's stored file to ``<resource id>/<sha256>`` unless it is there; a
    copy whose bytes are not ``sha256`` (replaced meanwhile by a concurrent upload) is
    refused."""
    kept = storage()
    target = files.Location(location(resource["id"], sha256))
    if kept.exists(files.FileData(target)):
        return
    chunks = _current_file(resource)
    if chunks is None:
        raise tk.ObjectNotFound(tk._("The uploaded file disappeared while it was being kept"))
    upload = files.Upload(
        _ChunkReader(chunks),
        os.path.basename(resource.get("url") or "") or resource["id"],
        size,
        resource.get("mimetype") or "application/octet-stream",
    )
    data = kept.upload(target, upload)
    if data.algorithm == "sha256" and data.hash != sha256:
        kept.remove(data)
        raise tk.ValidationError({"upload": [tk._("The file changed while it was being kept")]})


# --- retention and takedown --------------------------------------------------------------


def retention() -> dict[str, int]:
    """``{"keep": versions, "keep_days": days}`` per resource; 0 means no limit."""
    return {
        "keep": max(0, tk.asint(tk.config.get("ckanext.tangerang.versions.keep") or 0)),
        "keep_days": max(0, tk.asint(tk.config.get("ckanext.tangerang.versions.keep_days") or 0)),
    }


def prune(resource_id: str, now: dt.datetime | None = None) -> list[ResourceVersion]:
    """Delete the resource's versions beyond the retention setting, never its newest one.
    Returns the deleted rows; their files go once no row names them and the session commits."""
    limits = retention()
    versions = (
        model.Session.query(ResourceVersion)
        .filter_by(resource_id=resource_id)
        .order_by(ResourceVersion.created.desc(), ResourceVersion.id)
        .all()
    )
    cutoff = (now or utcnow()) - dt.timedelta(days=limits["keep_days"])
    doomed = [
        version
        for index, version in enumerate(versions)
        if index > 0
        and (
            (limits["keep"] and index >= limits["keep"])
            or (limits["keep_days"] and version.created < cutoff)
        )
    ]
    _delete(doomed)
    return doomed


def remove(package_id: str, run_id: str | None = None) -> list[ResourceVersion]:
    """Take down every version of the dataset (or only those of ``run_id``): rows now, files
    when the session commits. Returns the deleted rows."""
    query = model.Session.query(ResourceVersion).filter_by(package_id=package_id)
    if run_id is not None:
        query = query.filter_by(run_id=run_id)
    doomed = query.all()
    _delete(doomed)
    return doomed


def _delete(doomed: list[ResourceVersion]) -> None:
    if not doomed:
        return
    session = model.Session()
    for version in doomed:
        session.delete(version)
    session.flush()
    pending: set[str] = session.info.setdefault(PENDING_REMOVALS, set())
    for resource_id, sha256 in {(v.resource_id, v.sha256) for v in doomed}:
        still_named = session.query(
            sa.exists().where(
                ResourceVersion.resource_id == resource_id, ResourceVersion.sha256 == sha256
            )
        ).scalar()
        if not still_named:
            pending.add(location(resource_id, sha256))


@event.listens_for(model.Resource, "before_delete")
def _resource_purged(mapper: Any, connection: sa.Connection, target: model.Resource) -> None:
    """A purged resource (``dataset_purge`` deletes its resources): the database deletes its
    version rows (``ON DELETE CASCADE``); its files go when the purge commits."""
    if not sa.inspect(connection).has_table(TABLE_NAME):  # a database before the migration
        return
    shas = connection.execute(
        sa.select(ResourceVersion.sha256).where(ResourceVersion.resource_id == target.id)
    ).scalars()
    session = sa.orm.object_session(target)
    if session is not None:
        pending: set[str] = session.info.setdefault(PENDING_REMOVALS, set())
        pending.update(location(target.id, sha256) for sha256 in shas)


@event.listens_for(Session, "after_commit")
def _remove_files_after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING_REMOVALS, None)
    if not pending:
        return
    kept = storage()
    for where in sorted(pending):
        try:
            kept.remove(files.FileData(files.Location(where)))
        except files.exc.MissingFileError:
            pass
        except Exception:  # a file left behind must not fail the request that committed
            log.exception("could not delete the version file %s", where)


@event.listens_for(Session, "after_rollback")
def _forget_removals_after_rollback(session: Session) -> None:
    session.info.pop(PENDING_REMOVALS, None)


# --- listing -----------------------------------------------------------------------------


def versions_of(package_id: str) -> list[ResourceVersion]:
    """Every kept version of the dataset's files, newest first."""
    return (
        model.Session.query(ResourceVersion)
        .filter_by(package_id=package_id)
        .order_by(ResourceVersion.created.desc(), ResourceVersion.filename)
        .all()
    )


def current(package_id: str) -> ResourceVersion | None:
    """The dataset's newest kept version of an active resource's file (its current one)."""
    return (
        model.Session.query(ResourceVersion)
        .join(model.Resource, model.Resource.id == ResourceVersion.resource_id)
        .filter(ResourceVersion.package_id == package_id, model.Resource.state == "active")
        .order_by(ResourceVersion.created.desc())
        .first()
    )


def find(package_id: str, run_id: str, filename: str) -> ResourceVersion | None:
    """The version of ``filename`` that run ``run_id`` published in the dataset."""
    return (
        model.Session.query(ResourceVersion)
        .filter_by(package_id=package_id, run_id=run_id, filename=filename)
        .order_by(ResourceVersion.created.desc())
        .first()
    )
