"""Settings of the local stack for the `hub` command, so it works as a newcomer types it.

`make demo` writes ``var/hub-env.json`` (mode 0600): the demo's Airflow settings and its
Connections as ``AIRFLOW_CONN_*`` variables, exactly as Airflow reads them. The `hub` command
loads that file before it looks anything up, and only for variables the environment does not
already set, so an explicit ``export`` (or a production container's environment) always wins.

``HUB_ENV_FILE`` names another file; set it to an empty string to load none.
"""

from __future__ import annotations

import json
import os
from collections.abc import MutableMapping
from pathlib import Path

CHECKOUT_FILE = Path(__file__).resolve().parents[2] / "var" / "hub-env.json"


def settings_file(environ: MutableMapping[str, str]) -> Path | None:
    """The file to load: ``$HUB_ENV_FILE`` when set (empty: none), else the checkout's."""
    configured = environ.get("HUB_ENV_FILE")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    return CHECKOUT_FILE


def load(environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Set the variables of the settings file that `environ` lacks; return their names.

    A missing file loads nothing. An unreadable one raises ValueError naming it.
    """
    env = os.environ if environ is None else environ
    path = settings_file(env)
    if path is None or not path.is_file():
        return []
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read the hub settings file {path}: {exc}") from exc
    if not isinstance(values, dict):
        raise ValueError(f"the hub settings file {path} must hold a JSON object")
    added = []
    for key, value in values.items():
        if key not in env:
            env[str(key)] = str(value)
            added.append(str(key))
    return added
