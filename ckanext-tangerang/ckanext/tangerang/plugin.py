"""The `tangerang` plugin: wiring only; the work lives in the modules it names."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.authz import get_local_functions
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultPermissionLabels, DefaultTranslation
from ckan.model import Package, User
from ckan.types import Action, Context

from ckanext.tangerang import (
    access,
    access_actions,
    access_auth,
    datastore_writes,
    dimension_groups,
    review,
    search,
    usage,
    version_actions,
    versions,
)
from ckanext.tangerang.logic import action, auth, data_request_action, showcase_action


def _actions() -> dict[str, Action]:
    """The public functions of ``logic/action.py``, as ``@tk.blanket.actions`` would take
    them, except the ``xloader_status`` guard where xloader is not loaded and the DataStore
    writes' waits where the DataStore is not: a chained action needs the action it wraps."""
    actions = dict(get_local_functions(action))
    # The actions of the data requests and the showcase live in modules of their own.
    for module in (data_request_action, showcase_action, version_actions):
        actions.update(get_local_functions(module))
    if not p.plugin_loaded("xloader"):
        del actions["xloader_status"]
    if not p.plugin_loaded("datastore"):
        for name in datastore_writes.CHAINED_WRITES:
            del actions[name]
    actions.update(_access_functions(access_actions))
    return actions


def _auth_functions() -> dict[str, Any]:
    """The public functions of ``logic/auth.py`` and of ``access_auth.py``."""
    return {**dict(get_local_functions(auth)), **_access_functions(access_auth)}


def _access_functions(module: Any) -> dict[str, Any]:
    """Restricted data's functions of ``module`` (``access_actions``, ``access_auth``),
    without the chained DataStore reads CKAN does not have here."""
    functions = dict(get_local_functions(module))
    for name in access.absent_datastore_reads(actions=module is access_actions):
        functions.pop(name, None)
    return functions


@tk.blanket.actions(_actions)
@tk.blanket.auth_functions(_auth_functions)
@tk.blanket.helpers
@tk.blanket.blueprints
@tk.blanket.validators
@tk.blanket.config_declarations
@tk.blanket.cli
class TangerangPlugin(p.SingletonPlugin, DefaultTranslation, DefaultPermissionLabels):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(p.ISignal)

    # IConfigurer
    def update_config(self, config: CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "ckanext-tangerang")

    # IFacets
    def dataset_facets(
        self, facets_dict: OrderedDict[str, Any], package_type: str
    ) -> OrderedDict[str, Any]:
        return search.dataset_facets(facets_dict)

    def organization_facets(
        self, facets_dict: OrderedDict[str, Any], organization_type: str, package_type: str | None
    ) -> OrderedDict[str, Any]:
        return search.dataset_facets(facets_dict)

    def group_facets(
        self, facets_dict: OrderedDict[str, Any], group_type: str, package_type: str | None
    ) -> OrderedDict[str, Any]:
        return search.dataset_facets(facets_dict)

    # IPackageController (after_dataset_*: before the dataset is indexed and committed)
    def after_dataset_create(self, context: Context, pkg_dict: dict[str, Any]) -> None:
        review.enforce(context, pkg_dict)
        dimension_groups.sync(context, pkg_dict)
        versions.record(pkg_dict)

    def after_dataset_update(self, context: Context, pkg_dict: dict[str, Any]) -> None:
        review.enforce(context, pkg_dict)
        dimension_groups.sync(context, pkg_dict)
        versions.record(pkg_dict)

    def after_dataset_delete(self, context: Context, pkg_dict: dict[str, Any]) -> None:
        # A takedown: the kept versions of its files go too (purges: versions.py).
        package = Package.get(pkg_dict.get("id") or "")
        if package is not None:
            versions.remove(package.id)

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return search.before_dataset_index(pkg_dict)

    def after_dataset_search(
        self, search_results: dict[str, Any], search_params: dict[str, Any]
    ) -> dict[str, Any]:
        return search.label_facet_items(search_results)

    # IPermissionLabels: the walidata reads the private datasets under review; granted
    # university members the files of restricted datasets (access.py)
    def get_dataset_labels(self, dataset_obj: Package) -> list[str]:
        labels = review.dataset_labels(dataset_obj, super().get_dataset_labels(dataset_obj))
        return access.dataset_labels(dataset_obj, labels)

    def get_user_dataset_labels(self, user_obj: User) -> list[str]:
        labels = review.user_labels(user_obj, super().get_user_dataset_labels(user_obj))
        return access.user_labels(user_obj, labels)

    # ISignal: usage statistics (downloads, DataStore API reads; page views: usage_views.py)
    def get_signal_subscriptions(self) -> dict[Any, list[Any]]:
        return {
            tk.signals.resource_download: [usage.on_resource_download],
            tk.signals.action_succeeded: [usage.on_action_succeeded],
        }
