"""CKAN's Solr schema with Indonesian analysis, and a live Solr core that uses it."""

from __future__ import annotations

import importlib.util
import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CKAN_SCHEMA = next(
    (ROOT / ".venv" / "ckan" / "lib").glob("python3*/site-packages/ckan/config/solr/schema.xml")
)


@pytest.fixture(scope="module")
def transform():
    path = ROOT / "stack" / "solr" / "indonesian_schema.py"
    spec = importlib.util.spec_from_file_location("indonesian_schema", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_text_type_gets_the_indonesian_stemmer_and_keeps_ckans_version(transform) -> None:
    original = CKAN_SCHEMA.read_text(encoding="utf-8")
    schema = transform.indonesian(original)
    assert schema.count(transform.INDONESIAN) == 2  # index and query analyzers
    assert '<schema name="ckan-2.12"' in schema  # CKAN's schema version check still passes
    assert len(schema.splitlines()) == len(original.splitlines()) + 2


def test_an_unexpected_upstream_schema_is_refused(transform) -> None:
    with pytest.raises(ValueError, match="indonesian_schema.py"):
        transform.indonesian(CKAN_SCHEMA.read_text().replace(transform.ENGLISH, "", 1))


def _analyzed(core: str, text: str) -> list[str]:
    query = urllib.parse.urlencode(
        {"analysis.fieldtype": "text", "analysis.fieldvalue": text, "wt": "json"}
    )
    with urllib.request.urlopen(f"http://127.0.0.1:8983/solr/{core}/analysis/field?{query}") as r:
        steps = json.load(r)["analysis"]["field_types"]["text"]["index"]
    return [token["text"] for token in steps[-1]]


@pytest.mark.parametrize("core", ["ckan_test", "ckan"])
def test_running_solr_stems_indonesian(core: str) -> None:
    """`make services` installs the schema in every core: kesehatan and sehat meet."""
    assert _analyzed(core, "Kesehatan pelayanan") == _analyzed(core, "sehat layan")
