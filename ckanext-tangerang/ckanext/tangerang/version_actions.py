"""Actions on the kept versions of a dataset's files (``versions``). The docstrings are the
API documentation; ``plugin.py`` registers the public functions of this module."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict, Schema, Validator

from ckanext.tangerang import versions
from ckanext.tangerang.logic.action import _access_first


@tk.validator_args
def _list_schema(
    not_empty: Validator, unicode_safe: Validator, convert_package_name_or_id_to_id: Validator
) -> Schema:
    return {"package_id": [not_empty, unicode_safe, convert_package_name_or_id_to_id]}


@tk.validator_args
def _takedown_schema(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    convert_package_name_or_id_to_id: Validator,
) -> Schema:
    return {
        "package_id": [not_empty, unicode_safe, convert_package_name_or_id_to_id],
        "run_id": [ignore_missing, unicode_safe],
    }


def _file_url(package_name: str, version: versions.ResourceVersion) -> str:
    """Absolute URL of a version's file."""
    return tk.url_for(
        "tangerang_versions.version_file",
        id=package_name,
        run_id=version.run_id,
        filename=version.filename,
        locale="default",
        _external=True,
    )


def _listed(package_id: str) -> list[dict[str, Any]]:
    """The dataset's versions grouped by run, newest first; files of active resources only."""
    package = model.Package.get(package_id)
    assert package is not None
    resources = {r.id: r for r in package.resources}  # active resources, in their order
    order = list(resources)
    runs: dict[str, dict[str, Any]] = {}
    for version in versions.versions_of(package_id):
        resource = resources.get(version.resource_id)
        if resource is None:
            continue
        run = runs.setdefault(
            version.run_id,
            {
                "run_id": version.run_id,
                "created": version.created.isoformat(),
                "rows": None,
                "batch_sha256": version.batch_sha256,
                "files": [],
            },
        )
        if run["rows"] is None and version.rows is not None:
            run["rows"] = version.rows
        run["files"].append(
            {
                "resource_id": version.resource_id,
                "resource_name": resource.name,
                "format": resource.format,
                "filename": version.filename,
                "sha256": version.sha256,
                "size": version.size,
                "mimetype": version.mimetype,
                "created": version.created.isoformat(),
                "url": _file_url(package.name, version),
            }
        )
    listed = list(runs.values())
    for index, run in enumerate(listed):
        run["current"] = index == 0
        run["files"].sort(key=lambda f: order.index(f["resource_id"]))
    return listed


@tk.side_effect_free
@_access_first
@tk.validate(_list_schema)
def tangerang_version_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The kept versions of a dataset's uploaded files, newest first.

    Every upload that replaced a resource's file is kept (see ``ckanext.tangerang.versions``)
    under the run that published it: the dataset's ``last_run_id``, or ``unggah-<sha256
    prefix>`` for a file uploaded by hand. The first version is the current one: its files
    are what the resources' own URLs give. Readable by whoever may read the dataset; a
    file's ``url`` is served to whoever may download the resource.

    :param package_id: id or name of the dataset
    :type package_id: string

    :returns: ``{"package_id", "retention": {"keep", "keep_days"}, "versions": [{"run_id",
        "created" (ISO 8601, UTC), "rows", "batch_sha256" (the dataset's sha256 then),
        "current", "files": [{"resource_id", "resource_name", "format", "filename",
        "sha256" (of the file's bytes), "size", "mimetype", "created", "url"}]}]}``
    :rtype: dict
    """
    return {
        "package_id": data_dict["package_id"],
        "retention": versions.retention(),
        "versions": _listed(data_dict["package_id"]),
    }


@_access_first
@tk.validate(_takedown_schema)
def tangerang_version_takedown(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Take down the kept versions of a dataset: every version, or only run ``run_id``'s.

    Their rows are deleted and their files removed from the version storage (a file another
    remaining version still names stays). The resources' current files are not touched.
    The walidata and sysadmins only, never the pipeline bot.

    :param package_id: id or name of the dataset
    :type package_id: string
    :param run_id: the run whose files are taken down (optional; default every version)
    :type run_id: string

    :returns: ``{"package_id", "run_id", "removed"}``: the number of files (versions of a
        resource) taken down
    :rtype: dict
    """
    run_id = data_dict.get("run_id")
    removed = versions.remove(data_dict["package_id"], run_id)
    if run_id is not None and not removed:
        raise tk.ObjectNotFound(tk._("This dataset has no version of that run"))
    model.repo.commit()
    return {"package_id": data_dict["package_id"], "run_id": run_id, "removed": len(removed)}
