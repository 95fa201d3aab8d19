"""Building the DAGs of 200 contracts, against a minimal file that builds 200 DAGs.

`contract_copies` writes N copies of the fasyankes contract (ids ``bench-dag-000`` …) into a
temporary folder; `build_seconds` runs a fresh interpreter with ``HUB_CONTRACTS_DIR`` set to
it, which imports ``airflow.sdk`` (not timed: every DAG file pays it) and then executes
``dags/contract_dags.py`` (timed: reading, validating and caching every contract, and building
one DAG of five tasks per contract). The anchor is the same measurement of `ANCHOR_DAGS`, a
file that builds as many DAGs of four tasks from a loop and nothing else. Also measured: the
build of one DAG as a task's process does it (``get_parsing_context().dag_id`` set), and the
``DagBag`` of each file (Airflow's own parse, with its checks).

A fresh interpreter per measurement: the dag-processor parses a file in a new process. The
contracts' validation is cached on disk by content (`tangerang_hub.contracts.CACHE_ENV`), so
`hub_bench` measures the build both with that cache emptied first (cold: a new contract or a
new hub version) and filled (every later parse, the dag-processor's steady state).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DAG_FILE = ROOT / "dags" / "contract_dags.py"
TEMPLATE = ROOT / "schemas" / "datasets" / "fasyankes.yaml"

ANCHOR_DAGS = '''"""200 DAGs of 4 tasks from a loop: the least a file that builds 200 DAGs costs."""
import os

import pendulum
from airflow.sdk import dag, task

COUNT = int(os.environ.get("BENCH_ANCHOR_DAGS", "200"))


def build(i):
    @dag(dag_id=f"anchor_{i:03d}", schedule=None, catchup=False,
         start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Jakarta"))
    def anchor():
        @task
        def extract():
            return {}

        @task
        def normalize(raw):
            return raw

        @task
        def validate(staged):
            return staged

        @task
        def publish(gate):
            return gate

        publish(validate(normalize(extract())))

    return anchor()


for _i in range(COUNT):
    globals()[f"anchor_{_i:03d}"] = build(_i)
'''

# argv: the DAG file, then "module" (execute it) or "dagbag" (Airflow's DagBag of it); with
# BENCH_PROFILE_TO set, pyinstrument's text profile of the timed part is written there.
MEASURE = """
import importlib.util, json, os, sys, time
import airflow.sdk
from airflow.sdk import DAG
path, mode = sys.argv[1], sys.argv[2]
if mode == "dagbag":
    from airflow.dag_processing.dagbag import DagBag
profile_to = os.environ.get("BENCH_PROFILE_TO")
if profile_to:
    from pyinstrument import Profiler
    profiler = Profiler()
    profiler.start()
started = time.perf_counter()
if mode == "dagbag":
    bag = DagBag(dag_folder=path, safe_mode=False, load_op_links=False)
    seconds = time.perf_counter() - started
    dags, errors = list(bag.dags.values()), len(bag.import_errors)
else:
    spec = importlib.util.spec_from_file_location("bench_dag_file", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seconds = time.perf_counter() - started
    dags, errors = [v for v in vars(module).values() if isinstance(v, DAG)], 0
if profile_to:
    profiler.stop()
    with open(profile_to, "w", encoding="utf-8") as out:
        out.write(profiler.output_text(unicode=True))
print(json.dumps({"seconds": seconds, "dags": len(dags), "errors": errors,
                  "tasks": sum(len(d.tasks) for d in dags)}))
"""


def contract_copies(count: int, folder: Path) -> list[Path]:
    """`count` valid copies of the fasyankes contract in `folder`, each under its own id."""
    folder.mkdir(parents=True, exist_ok=True)
    text = TEMPLATE.read_text(encoding="utf-8")
    paths = []
    for i in range(count):
        dataset_id = f"bench-dag-{i:03d}"
        copy, found = re.subn(r"^id: .*$", f"id: {dataset_id}", text, count=1, flags=re.M)
        if not found:
            raise RuntimeError(f"{TEMPLATE} has no `id:` line")
        path = folder / f"{dataset_id}.yaml"
        path.write_text(copy, encoding="utf-8")
        paths.append(path)
    return paths


def write_anchor(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "anchor_dags.py"
    path.write_text(ANCHOR_DAGS, encoding="utf-8")
    return path


def build_seconds(
    dag_file: Path,
    env: dict[str, str],
    *,
    mode: str = "module",
    dag_id: str | None = None,
    profile_to: Path | None = None,
) -> dict[str, Any]:
    """Seconds to build `dag_file`'s DAGs in a fresh interpreter after ``import airflow.sdk``
    (`MEASURE`), with the DAGs and tasks found; with `dag_id`, as a task's process of that DAG
    parses the file (``_AIRFLOW_PARSING_CONTEXT_DAG_ID``); with `profile_to`, pyinstrument's
    profile of the build is written there."""
    env = dict(env)
    if profile_to is not None:
        env["BENCH_PROFILE_TO"] = str(profile_to)
    if dag_id is not None:
        env["_AIRFLOW_PARSING_CONTEXT_DAG_ID"] = dag_id
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(dag_file), mode],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"building {dag_file.name} ({mode}) failed:\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["errors"]:
        raise RuntimeError(f"{dag_file.name}: {result['errors']} import errors in the DagBag")
    return result
