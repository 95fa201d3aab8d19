"""A dataset belongs to the dimension groups named by its ``dimensi``, and to no other.

Called from IPackageController.after_dataset_create/update, inside the
transaction of package_create/package_update: memberships are added to that
session (``defer_commit``), so the dataset, its groups and its search index
entry are committed together.
"""

from __future__ import annotations

import logging
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import search
from ckan.types import Context

from ckanext.tangerang import catalog_summary, vocab

log = logging.getLogger(__name__)

CAPACITY = "public"


def _wanted(data: dict[str, Any], package: model.Package) -> set[str]:
    if "dimensi" in data:
        dims = catalog_summary.dataset_dimensions(data)
    else:
        dims = catalog_summary.dataset_dimensions({"dimensi": package.extras.get("dimensi")})
    return {d for d in dims if d in vocab.dataset_values("dimensi")}


def _memberships(package: model.Package) -> dict[str, model.Member]:
    """Active memberships of the package in the dimension groups, by group name."""
    rows = (
        model.Session.query(model.Member, model.Group.name)
        .join(model.Group, model.Group.id == model.Member.group_id)
        .filter(model.Member.table_name == "package")
        .filter(model.Member.table_id == package.id)
        .filter(model.Member.state == "active")
        .filter(model.Group.is_organization.is_(False))
        .filter(model.Group.name.in_(vocab.dataset_values("dimensi")))
        .all()
    )
    return {name: member for member, name in rows}


def sync(context: Context, data: dict[str, Any]) -> bool:
    """Make the dataset's dimension-group memberships match its ``dimensi`` (idempotent).

    Returns whether a membership changed; the caller commits.
    """
    if data.get("type", "dataset") != "dataset" or not data.get("id"):
        return False
    package = model.Package.get(data["id"])
    if package is None:
        return False
    wanted = _wanted(data, package)
    current = _memberships(package)

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    inner: Context = {
        "user": site_user["name"],
        "ignore_auth": True,
        "defer_commit": True,
        "model": model,
        "session": model.Session,
    }
    for name in sorted(wanted - set(current)):
        group = model.Group.get(name)
        if group is None or group.state != "active" or group.is_organization:
            log.warning("dimension group %s does not exist: run `ckan tangerang seed`", name)
            continue
        tk.get_action("member_create")(
            dict(inner),
            {"id": group.id, "object": package.id, "object_type": "package", "capacity": CAPACITY},
        )
    # member_delete commits on its own, which would end package_update's savepoint
    # early; marking the membership deleted is what it does, inside our transaction.
    for name in sorted(set(current) - wanted):
        current[name].delete()
    changed = bool(wanted ^ set(current))
    if changed:
        model.Session.flush()
    return changed


def sync_all() -> list[str]:
    """Bring every existing dataset into its dimension groups (datasets published before
    the groups existed); returns the names of the datasets that changed."""
    changed: list[str] = []
    packages = (
        model.Session.query(model.Package.id, model.Package.name)
        .filter(model.Package.type == "dataset")
        .filter(model.Package.state != "deleted")
        .all()
    )
    for package_id, name in packages:
        if sync({}, {"id": package_id, "type": "dataset"}):
            model.repo.commit()
            # Memberships do not touch metadata_modified, so the commit's own reindex
            # may reuse the cached dict; index from the database, as member_create does.
            search.rebuild(package_id)
            changed.append(name)
    return changed
