"""The two CKAN configurations differ in the plugin list only; latency percentiles."""

from __future__ import annotations

import pytest

from bench.package_search_load import round_stats, without_plugin
from bench.timing import percentile

INI = """[app:main]
ckan.site_url = http://127.0.0.1:5050
ckan.plugins = tangerang scheming_datasets datastore xloader
ckanext.tangerang.schemas_dir = /x
"""


def test_without_plugin_changes_only_the_plugin_line():
    changed = without_plugin(INI)
    assert "ckan.plugins = scheming_datasets datastore xloader\n" in changed
    assert [a for a in INI.splitlines() if a not in changed.splitlines()] == [
        "ckan.plugins = tangerang scheming_datasets datastore xloader"
    ]
    assert "ckanext.tangerang.schemas_dir = /x" in changed


def test_without_plugin_refuses_a_list_without_it():
    with pytest.raises(ValueError, match="tangerang"):
        without_plugin(without_plugin(INI))


def test_percentiles_are_nearest_rank():
    latencies = [float(n) for n in range(1, 101)]
    assert percentile(latencies, 0.5) == 50.0
    assert percentile(latencies, 0.95) == 95.0
    assert percentile([3.0], 0.95) == 3.0
    assert round_stats([0.2, 0.1, 0.4, 0.3]) == {"requests": 4, "p50_s": 0.2, "p95_s": 0.4}
