"""`hub` finds the local stack's Connections itself (var/hub-env.json), as a newcomer types it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tangerang_hub import local_settings

HUB = Path(sys.executable).with_name("hub")


def test_load_sets_only_missing_variables(tmp_path: Path) -> None:
    settings = tmp_path / "hub-env.json"
    settings.write_text(json.dumps({"AIRFLOW_CONN_X": "http://a", "HUB_WORKDIR": "/from-file"}))
    env = {"HUB_ENV_FILE": str(settings), "HUB_WORKDIR": "/exported"}
    assert local_settings.load(env) == ["AIRFLOW_CONN_X"]
    assert env["AIRFLOW_CONN_X"] == "http://a"
    assert env["HUB_WORKDIR"] == "/exported"  # an explicit export wins


def test_empty_hub_env_file_loads_nothing(tmp_path: Path) -> None:
    env = {"HUB_ENV_FILE": ""}
    assert local_settings.load(env) == []
    assert local_settings.settings_file(env) is None


def test_unreadable_file_is_named(tmp_path: Path) -> None:
    settings = tmp_path / "hub-env.json"
    settings.write_text("{not json")
    with pytest.raises(ValueError, match=str(settings)):
        local_settings.load({"HUB_ENV_FILE": str(settings)})


def _run_hub(tmp_path: Path, settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW_CONN_")}
    env["HUB_ENV_FILE"] = settings
    return subprocess.run(
        [str(HUB), "run", "fasyankes", "--dry-run", "--workdir", str(tmp_path / "work")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_console_script_reads_the_connections_from_the_settings_file(tmp_path: Path) -> None:
    """Without any AIRFLOW_CONN_* exported, `hub run` fails naming the connection; with the
    settings file `make demo` writes, the same command reads the sample agency."""
    without = _run_hub(tmp_path, "")
    assert without.returncode == 1, without.stderr
    assert "agency_sample" in without.stdout + without.stderr

    settings = tmp_path / "hub-env.json"
    settings.write_text(
        json.dumps({"AIRFLOW_CONN_AGENCY_SAMPLE": os.environ["AIRFLOW_CONN_AGENCY_SAMPLE"]})
    )
    with_file = _run_hub(tmp_path, str(settings))
    assert with_file.returncode == 0, with_file.stdout + with_file.stderr
