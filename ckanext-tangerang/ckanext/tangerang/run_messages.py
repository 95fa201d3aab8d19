"""The pipeline's run messages by code, for the run history page. The English text is the msgid.

A run report may carry, besides its Indonesian ``message`` text,
``validation.message_code`` (a code of the engine's ``tangerang_hub.messages.MESSAGES``)
and ``validation.message_params`` (the values its placeholders take). The run
history page then shows the message through the gettext catalogs, in the visitor's
language; a code this table does not know, or parameters that do not fit, fall
back to the text the pipeline sent. A parameter worded in both languages (the reason a
run failed) comes as ``name`` (Bahasa Indonesia) and ``name_en``; an English page shows
``name_en``. The codes and English texts equal the
engine's table, and the Indonesian catalog its Indonesian texts
(tests/ckanext_tangerang/test_run_messages.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.tangerang import vocab


def _(message: str) -> str:
    """Marks a msgid for ``pybabel extract``; translated when rendered."""
    return message


MESSAGES: dict[str, str] = {
    "published": _("Published: {rows} rows."),
    "awaiting_review": _(
        "Uploaded: {rows} rows; waiting for the walidata's review before it is published."
    ),
    "unchanged": _("Data unchanged; nothing uploaded."),
    "not_modified": _("Source not modified since the last run; nothing to do."),
    "dry_run": _("Dry run: data valid, nothing published."),
    "read_problems": _("{count} problem(s) while reading {file}; nothing published."),
    "blocking_problems": _("Validation found {count} blocking problem(s); nothing published."),
    "shrunk": _(
        "The data shrank from {previous} to {rows} rows (the limit is {ratio} percent of the last "
        "version); nothing published. If this is intended, run with --accept-shrink."
    ),
    "empty": _(
        "The source sent 0 rows; nothing published and the last version stays. If this "
        "is intended, run with --accept-shrink."
    ),
    "unchanged_source": _(
        "The source file and the contract equal the published version; nothing to do."
    ),
    "task_failed": _("Task {task} failed; see its log in Airflow."),
    "failed": _("The run failed: {error}"),
    "report_not_sent": _("{message} (the run report could not be sent to the catalog)"),
}


def render(code: Any, params: Mapping[str, Any] | None) -> str | None:
    """Message ``code`` with ``params`` in the current language; ``None`` if it cannot be."""
    template = MESSAGES.get(code) if isinstance(code, str) else None
    if template is None:
        return None
    values = dict(params or {})
    if vocab.current_lang() == "en":
        values.update({k[: -len("_en")]: v for k, v in values.items() if k.endswith("_en")})
    try:
        return tk._(template).format(**values)
    except (KeyError, IndexError, ValueError):
        return None
