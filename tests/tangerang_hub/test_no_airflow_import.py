"""The engine core runs without Airflow: importing every module of it loads no `airflow`."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import importlib, pkgutil, sys
import tangerang_hub
names = [m.name for m in pkgutil.walk_packages(tangerang_hub.__path__, "tangerang_hub.")]
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m == "airflow" or m.startswith("airflow."))
print(len(names), loaded[:5])
sys.exit(1 if loaded else 0)
"""


def test_importing_every_engine_module_loads_no_airflow() -> None:
    # A fresh interpreter: this test process may have imported Airflow for other tests.
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True)
    assert done.returncode == 0, f"the engine imported Airflow: {done.stdout}{done.stderr}"
    assert int(done.stdout.split()[0]) > 30  # every module was imported, store.py among them
