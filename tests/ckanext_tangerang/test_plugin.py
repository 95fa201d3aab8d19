"""What the plugin registers with CKAN: only real actions, each with its auth function."""

from __future__ import annotations

import inspect

import pytest
from ckan import plugins as p

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.usefixtures("with_plugins"),
]

ACTIONS = {
    "tangerang_run_report_create",
    "tangerang_run_report_list",
    "tangerang_run_report_show",
    "tangerang_run_data_docs_show",
    "tangerang_dimension_summary",
    "tangerang_data_request_create",
    "tangerang_data_request_show",
    "tangerang_data_request_list",
    "tangerang_data_request_update_status",
    "tangerang_showcase_create",
    "tangerang_showcase_update",
    "tangerang_showcase_show",
    "tangerang_showcase_list",
    "tangerang_agreement_create",
    "tangerang_agreement_update",
    "tangerang_agreement_list",
    "tangerang_agreement_show",
    "tangerang_access_request_create",
    "tangerang_access_request_decide",
    "tangerang_access_request_list",
    "tangerang_access_audit_list",
    "tangerang_evaluation_show",
    "tangerang_usage_show",
    "tangerang_version_list",
    "tangerang_version_takedown",
}


def test_only_the_api_actions_are_exported_each_with_its_auth_function():
    plugin = p.get_plugin("tangerang")
    actions = set(plugin.get_actions())
    assert actions >= ACTIONS
    # A helper exported by mistake has no auth function of its name. Without xloader,
    # the xloader_status guard has nothing to wrap and stays out.
    # The one auth function of the routes serving a resource's bytes has no action.
    assert actions == set(plugin.get_auth_functions()) - {"tangerang_resource_download"}


def test_every_action_is_documented_by_its_docstring():
    for name, action in p.get_plugin("tangerang").get_actions().items():
        assert ":rtype:" in (inspect.getdoc(action) or ""), name


def test_helpers_and_validators_carry_the_prefix():
    plugin = p.get_plugin("tangerang")
    for registry in (plugin.get_helpers(), plugin.get_validators()):
        assert registry
        unprefixed = [name for name in registry if not name.startswith("tangerang_")]
        # Only core helpers the extension chains (tk.chained_helper) keep core's name.
        assert [
            name for name in unprefixed if not getattr(registry[name], "chained_helper", False)
        ] == []
    assert sorted(name for name in plugin.get_helpers() if not name.startswith("tangerang_")) == [
        "humanize_entity_type",
        "render_datetime",
    ]
