"""run_messages.py says what the engine's message table says, code by code, in both languages."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from babel.messages.pofile import read_po

import ckanext.tangerang
from ckanext.tangerang import run_messages

# Standard library only, so this environment can load it by path.
ENGINE_MESSAGES = Path(__file__).parents[2] / "dags" / "tangerang_hub" / "messages.py"
ID_CATALOG = Path(ckanext.tangerang.__file__).parent / "i18n/id/LC_MESSAGES/ckanext-tangerang.po"


def _engine_messages(monkeypatch) -> dict:
    spec = importlib.util.spec_from_file_location("hub_messages_by_path", ENGINE_MESSAGES)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.MESSAGES


def test_codes_and_english_texts_equal_the_engines(monkeypatch):
    engine = _engine_messages(monkeypatch)
    assert {code: template.en for code, template in engine.items()} == run_messages.MESSAGES


def test_indonesian_catalog_says_what_the_engine_says(monkeypatch):
    engine = _engine_messages(monkeypatch)
    with open(ID_CATALOG, "rb") as f:
        catalog = read_po(f, locale="id")
    translated = {code: catalog.get(msgid).string for code, msgid in run_messages.MESSAGES.items()}
    assert translated == {code: template.id for code, template in engine.items()}
