"""`make bench`: publishing at the speed of PostgreSQL, measured in one run on one PostgreSQL.

For each size (``BENCH_ROWS``, default 100 000: about 10 minutes here) on the same generated
agency file (`bench.fasyankes_data`), `BENCH_REPEATS` times (3) each, interleaved where two
things are compared:

- ``engine``: normalize, staging and the gate, each alone (`bench.hub_runs.engine_stages`);
  the staged CSV it writes is the file every load below starts from;
- ``postgres``: the limit (``\\copy`` into a typed table) and the SQL floor (``\\copy`` +
  ``_full_text`` in one pass), `bench.postgres_floor`;
- ``loads``: stock xloader and the hub's loader on that file, until searchable
  (`bench.ckan_loads`);
- ``hub``: the hub end to end (`tangerang_hub.pipeline.run` with ``source_file``) until
  searchable, then the unchanged re-run: seconds and file bytes uploaded (`bench.hub_runs`).

Once per run: the DataPusher-style baseline (``datastore_upsert`` in 250-row chunks on
``BENCH_DATAPUSHER_ROWS`` = 50 000 rows, *extrapolated* linearly to each size); the DAG build
of ``BENCH_CONTRACTS`` = 200 contracts against the anchor (`bench.dag_build`); and
``package_search`` p50/p95 under ``BENCH_SEARCH_CLIENTS`` = 16 clients with and without the
extension (`bench.package_search_load`).

The targets (`bench.targets`) are printed as held / missed. With ``BENCH_PROFILE=1`` (the
default) each missed target's path is run once more under pyinstrument at the largest size and
the profile written to ``var/bench/profiles/``. Results go to ``bench/results.json`` and the
chart to ``bench/results.png`` (both git-ignored); progress to stderr, tables to stdout.
Every setting is an environment variable or the option of the same name (``--rows`` …).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from configparser import ConfigParser
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from bench import ckan_loads, dag_build, hub_runs, package_search_load, postgres_floor
from bench.chart import write_chart
from bench.fasyankes_data import fasyankes_csv, known_code, raw_batch, write_fasyankes_csv
from bench.targets import Target, evaluate, table_text
from bench.timing import Series, median_of, say, stopwatch
from tangerang_hub.publish import datastore_fields

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "bench"
ATTEMPTS = 3  # of one CKAN repetition (see Bench.once_more_if_failed)
PARTS = ("engine", "postgres", "loads", "hub", "datapusher", "dags", "search")
DEFAULTS: dict[str, str] = {
    "rows": "100000",
    "repeats": "3",
    "datapusher_rows": "50000",
    "contracts": "200",
    "search_clients": "16",
    "search_requests": "25",
    "only": ",".join(PARTS),
    "profile": "1",
    "timeout": "1800",
    "output": str(ROOT / "bench" / "results.json"),
    "chart": str(ROOT / "bench" / "results.png"),
    "site_ini": str(ROOT / "var" / "ckan" / "test.ini"),
    "site_token_file": str(ROOT / "var" / "secrets" / "xloader_token_test"),
    "work": str(VAR),
}


@dataclass(frozen=True)
class Settings:
    rows: tuple[int, ...]
    repeats: int
    datapusher_rows: int
    contracts: int
    search_clients: int
    search_requests: int
    parts: tuple[str, ...]
    profile: bool
    timeout: float
    output: Path
    chart: Path
    site_ini: Path
    site_token_file: Path
    work: Path
    ckan_url: str
    token_file: Path

    def to_dict(self) -> dict[str, Any]:
        return {
            key: str(value) if isinstance(value, Path) else value
            for key, value in vars(self).items()
        }


def parse_settings(argv: Sequence[str] | None, env: dict[str, str]) -> Settings:
    """Options override ``BENCH_<NAME>`` variables, which override the defaults."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    for name, default in DEFAULTS.items():
        parser.add_argument(
            f"--{name.replace('_', '-')}", default=env.get(f"BENCH_{name.upper()}", default)
        )
    parser.add_argument("--ckan-url", default=env.get("HUB_CKAN_URL", "http://127.0.0.1:5050"))
    parser.add_argument(
        "--token-file",
        default=env.get(
            "HUB_CKAN_TOKEN_FILE", str(ROOT / "var" / "secrets" / "ckan_bot_token_test")
        ),
    )
    args = parser.parse_args(argv)
    parts = tuple(p for p in args.only.split(",") if p)
    unknown = sorted(set(parts) - set(PARTS))
    rows = tuple(sorted(int(n) for n in str(args.rows).replace("_", "").split(",") if n))
    if unknown:
        parser.error(f"unknown parts {unknown}; known: {','.join(PARTS)}")
    if not rows or min(rows) < 10 or int(args.repeats) < 1:
        parser.error("rows must be >= 10 and repeats >= 1")
    return Settings(
        rows=rows,
        repeats=int(args.repeats),
        datapusher_rows=int(args.datapusher_rows),
        contracts=int(args.contracts),
        search_clients=int(args.search_clients),
        search_requests=int(args.search_requests),
        parts=parts,
        profile=args.profile not in ("0", "false", "no", ""),
        timeout=float(args.timeout),
        output=Path(args.output),
        chart=Path(args.chart),
        site_ini=Path(args.site_ini),
        site_token_file=Path(args.site_token_file),
        work=Path(args.work),
        ckan_url=args.ckan_url,
        token_file=Path(args.token_file),
    )


# --------------------------------------------------------------------------- the run


class Bench:
    """One `make bench` run: what it measured so far (`results`) and how to reach the site."""

    def __init__(self, settings: Settings) -> None:
        from tangerang_hub.ckan_client import CkanClient
        from tangerang_hub.contracts import get_contract

        self.s = settings
        self.contract = get_contract("fasyankes")
        self.bot_token = settings.token_file.read_text().strip()
        self.bot = ckan_loads.CountingClient(settings.ckan_url, self.bot_token, timeout=600)
        self.site = CkanClient(
            settings.ckan_url, settings.site_token_file.read_text().strip(), timeout=600
        )
        self.storage = _storage_path(settings.site_ini)
        self.db = postgres_floor.Database.from_ini(settings.site_ini)
        self.data = settings.work / "data"
        self.scratch = settings.work / "work"
        self.results: dict[str, Any] = {"sizes": {}}
        self.errors: list[str] = []
        self.retried: list[str] = []
        self.staged_csv: dict[int, Path] = {}

    def part(
        self,
        name: str,
        where: dict[str, Any],
        run: Callable[[], dict[str, Any]],
        key: str | None = None,
    ) -> None:
        """Run part `name` (when selected) into `where[key or name]`; a failure is recorded
        there and the run goes on."""
        if name not in self.s.parts:
            return
        try:
            where[key or name] = run()
        except Exception as exc:  # noqa: BLE001 - one broken part must not lose the others
            say(f"  {name} FAILED: {exc}")
            where[key or name] = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
            self.errors.append(f"{name}: {exc}")
            traceback.print_exc(file=sys.stderr)

    def once_more_if_failed(self, what: str, run: Callable[[], T]) -> T:
        """`run()`; when it fails, again after the CKAN site answers (the shared test site
        and its worker may be restarted by another session during a long run), at most
        `ATTEMPTS` times in all. Retries are listed in the results."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return run()
            except Exception as exc:
                if attempt == ATTEMPTS:
                    raise
                say(f"  {what} failed ({exc}); again when the site answers")
                self.retried.append(f"{what}: {exc}"[:500])
                ckan_loads.site_answers(self.site)
        raise AssertionError("unreachable")

    # ----------------------------------------------------------------- per size

    def size(self, rows: int) -> None:
        say(f"== {rows:,} rows")
        raw = write_fasyankes_csv(rows, self.data)
        where: dict[str, Any] = {"raw_csv_bytes": raw.stat().st_size}
        self.results["sizes"][str(rows)] = where
        self.part("engine", where, lambda: self.engine(rows, raw))
        staged = self.staged_csv.get(rows)
        if staged is None and {"postgres", "loads"} & set(self.s.parts):
            staged = self.stage_once(rows, raw)
        if staged is not None:
            where["staged_csv_bytes"] = staged.stat().st_size
            self.part("postgres", where, lambda: self.postgres(rows, staged))
            self.part("loads", where, lambda: self.loads(rows, staged))
        self.part("hub", where, lambda: self.hub(rows, raw))
        shutil.rmtree(self.scratch / f"engine-{rows}", ignore_errors=True)

    def engine(self, rows: int, raw: Path) -> dict[str, Any]:
        series = {name: Series(name) for name in ("normalize", "stage", "gate", "sum")}
        folder = self.scratch / f"engine-{rows}"
        for i in range(1, self.s.repeats + 1):
            shutil.rmtree(folder, ignore_errors=True)
            seconds, staged = hub_runs.engine_stages(self.contract, raw, folder)
            for name, value in seconds.items():
                series[name].add(value)
            series["sum"].add(sum(seconds.values()))
            say(f"  [engine {i}/{self.s.repeats}] " + _seconds(seconds))
        self.staged_csv[rows] = staged.csv_path
        return {name: s.to_dict() for name, s in series.items()}

    def stage_once(self, rows: int, raw: Path) -> Path:
        """The staged CSV without timing the engine (when its part is not selected)."""
        _, staged = hub_runs.engine_stages(self.contract, raw, self.scratch / f"engine-{rows}")
        self.staged_csv[rows] = staged.csv_path
        return staged.csv_path

    def postgres(self, rows: int, csv_path: Path) -> dict[str, Any]:
        columns = [
            postgres_floor.Column(f["id"], f["type"]) for f in datastore_fields(self.contract)
        ]
        text = self.contract.full_text or tuple(c.name for c in columns if c.pg_type == "text")
        limit, floor = Series("limit"), Series("floor")
        for i in range(1, self.s.repeats + 1):
            limit.add(postgres_floor.copy_limit(self.db, columns, csv_path, rows))
            floor.add(postgres_floor.sql_floor(self.db, columns, text, csv_path, rows))
            say(
                f"  [postgres {i}/{self.s.repeats}] limit {limit.samples[-1]:.2f}s, "
                f"floor {floor.samples[-1]:.2f}s"
            )
        return {"limit": limit.to_dict(), "floor": floor.to_dict(), "full_text": list(text)}

    def loads(self, rows: int, csv_path: Path) -> dict[str, Any]:
        code = known_code(rows)
        args = (self.bot, self.site, self.contract, csv_path, rows, code, self.s.timeout)
        xloader, hub = Series("xloader"), Series("hub_loader")
        for i in range(1, self.s.repeats + 1):
            seconds, detail = self.once_more_if_failed(
                f"xloader {rows} #{i}", lambda: ckan_loads.xloader_load(*args, self.storage)
            )
            xloader.add(seconds, **detail)
            seconds, detail = self.once_more_if_failed(
                f"hub's loader {rows} #{i}", lambda: ckan_loads.hub_load(*args, self.storage)
            )
            hub.add(seconds, **detail)
            say(
                f"  [loads {i}/{self.s.repeats}] xloader {xloader.samples[-1]:.2f}s, "
                f"hub's loader {hub.samples[-1]:.2f}s"
            )
        return {
            "xloader": xloader.to_dict(),
            "hub_loader": hub.to_dict(),
            "xloader_job_median_s": median_of(xloader.details, "job_s"),
            "hub_loader_indexes_ready_median_s": median_of(hub.details, "indexes_ready_s"),
        }

    def hub(self, rows: int, raw: Path) -> dict[str, Any]:
        full, unchanged = Series("full"), Series("unchanged")
        uploaded: list[int] = []
        for i in range(1, self.s.repeats + 1):
            run = self.once_more_if_failed(
                f"hub run {rows} #{i}", partial(self.hub_run, rows, raw, f"bench-{rows}-{i}")
            )
            full.add(
                run["full_s"],
                phases=run["phases"],
                loader_timings=run["loader_timings"],
                file_bytes=run["full_file_bytes"],
            )
            unchanged.add(
                run["unchanged_s"],
                file_bytes=run["unchanged_file_bytes"],
                actions=run["unchanged_actions"],
            )
            uploaded.append(run["unchanged_file_bytes"])
            say(
                f"  [hub {i}/{self.s.repeats}] end to end {run['full_s']:.2f}s "
                f"({_seconds(run['phases'])}), unchanged {run['unchanged_s']:.2f}s, "
                f"{run['unchanged_file_bytes']} bytes"
            )
        return {
            "full": full.to_dict(),
            "unchanged": unchanged.to_dict(),
            "unchanged_file_bytes_max": max(uploaded),
        }

    def hub_run(self, rows: int, raw: Path, label: str) -> dict[str, Any]:
        return hub_runs.hub_run(
            self.contract,
            raw,
            rows,
            known_code(rows),
            ckan_url=self.s.ckan_url,
            bot_token=self.bot_token,
            site=self.site,
            work=self.scratch,
            storage=self.storage,
            timeout=self.s.timeout,
            label=label,
        )

    # ----------------------------------------------------------------- once per run

    def datapusher(self) -> dict[str, Any]:
        from tangerang_hub.normalize import normalize
        from tangerang_hub.stage import csv_bytes

        rows = self.s.datapusher_rows
        say(f"== DataPusher-style: {rows:,} rows in chunks of {ckan_loads.DATAPUSHER_CHUNK}")
        table = normalize(raw_batch(fasyankes_csv(rows)), self.contract)
        records = ckan_loads.json_records(table)
        folder = self.scratch / "datapusher"
        folder.mkdir(parents=True, exist_ok=True)
        csv_path = folder / "fasyankes.csv"
        csv_path.write_bytes(csv_bytes(table))
        series = Series("datapusher")
        for i in range(1, self.s.repeats + 1):
            series.add(
                self.once_more_if_failed(
                    f"datapusher #{i}",
                    lambda: ckan_loads.datapusher_load(
                        self.bot,
                        self.site,
                        self.contract,
                        csv_path,
                        records,
                        known_code(rows),
                        self.s.timeout,
                        self.storage,
                    ),
                )
            )
            say(f"  [datapusher {i}/{self.s.repeats}] {series.samples[-1]:.2f}s")
        shutil.rmtree(folder, ignore_errors=True)
        per_row = series.median / rows
        for n, where in self.results["sizes"].items():
            where["datapusher"] = {
                "extrapolated": {
                    "median_s": round(per_row * int(n), 3),
                    "note": f"extrapolated linearly from {rows} rows",
                }
            }
        return {
            "rows": rows,
            "chunk": ckan_loads.DATAPUSHER_CHUNK,
            "series": series.to_dict(),
            "rows_per_s": round(rows / series.median, 1),
            "note": "sizes[*].datapusher are this median extrapolated linearly, not measured",
        }

    def dags(self, profile_to: Path | None = None) -> dict[str, Any]:
        count = self.s.contracts
        say(f"== DAG build: {count} contracts against the anchor (fresh interpreters)")
        env = airflow_env()
        with tempfile.TemporaryDirectory(prefix="hub-bench-dags-") as tmp:
            folder = Path(tmp)
            dag_build.contract_copies(count, folder / "contracts")
            anchor = dag_build.write_anchor(folder / "anchor")
            cache = folder / "contract-cache"
            env = {
                **env,
                "HUB_CONTRACTS_DIR": str(folder / "contracts"),
                "HUB_CONTRACT_CACHE": str(cache),
                "BENCH_ANCHOR_DAGS": str(count),
            }
            if profile_to is not None:
                dag_build.build_seconds(
                    dag_build.DAG_FILE, env, mode="dagbag", profile_to=profile_to
                )
                return {}
            # *_cold: the contract cache emptied first (a new contract, a new hub version);
            # the others parse as the dag-processor does from then on, with the cache filled.
            runs = {
                "contracts_cold_dagbag": (dag_build.DAG_FILE, {"mode": "dagbag"}),
                "contracts_dagbag": (dag_build.DAG_FILE, {"mode": "dagbag"}),
                "anchor_dagbag": (anchor, {"mode": "dagbag"}),
                "contracts_module": (dag_build.DAG_FILE, {}),
                "anchor_module": (anchor, {}),
                "contracts_one_dag": (dag_build.DAG_FILE, {"dag_id": "hub_bench_dag_000"}),
            }
            series = {name: Series(name) for name in runs}
            found: dict[str, Any] = {}
            for i in range(1, self.s.repeats + 1):
                for name, (path, options) in runs.items():
                    if name.endswith("_cold_dagbag"):
                        shutil.rmtree(cache, ignore_errors=True)
                    result = dag_build.build_seconds(path, env, **options)
                    series[name].add(result["seconds"])
                    found[name] = {"dags": result["dags"], "tasks": result["tasks"]}
                say(
                    f"  [dags {i}/{self.s.repeats}] "
                    + _seconds({name: s.samples[-1] for name, s in series.items()})
                )
        return {"contracts": count, **{n: s.to_dict() for n, s in series.items()}, "found": found}

    def search(self) -> dict[str, Any]:
        clients, per_client = self.s.search_clients, self.s.search_requests
        say(f"== package_search: {clients} clients x {per_client} requests per round")
        folder = self.s.work / "search"
        rounds: dict[str, list[dict[str, Any]]] = {"with": [], "without": []}
        with package_search_load.two_sites(self.s.site_ini, folder) as sites:
            for site in sites.values():  # warm-up: imports, caches, Solr
                package_search_load.load(site.url, clients, 2)
            for i in range(self.s.repeats):
                first = "with" if i % 2 == 0 else "without"
                found = package_search_load.measure_round(sites, clients, per_client, first)
                for name, stats in found.items():
                    rounds[name].append(stats)
                say(
                    f"  [search {i + 1}/{self.s.repeats}] p95 with {found['with']['p95_s']:.3f}s, "
                    f"without {found['without']['p95_s']:.3f}s"
                )
        return {
            "clients": clients,
            "requests_per_client": per_client,
            "queries": [dict(q) for q in package_search_load.QUERIES],
            **{
                name: {
                    **{
                        key: _median_key(found, key)
                        for key in ("p50_s", "p95_s", "server_p50_s", "server_p95_s")
                    },
                    "rounds": found,
                }
                for name, found in rounds.items()
            },
        }

    # ----------------------------------------------------------------- profiles

    def profile_missed(self, targets: list[Target]) -> dict[str, str]:
        """Run each missed target's path once under pyinstrument at the largest size."""
        from pyinstrument import Profiler

        missed = {t.id for t in targets if t.held is False}
        rows = max(self.s.rows)
        raw = write_fasyankes_csv(rows, self.data)
        folder = self.s.work / "profiles"
        folder.mkdir(parents=True, exist_ok=True)
        written: dict[str, str] = {}
        jobs: dict[str, Callable[[], Any]] = {}
        if missed & {"engine_vs_limit"}:
            jobs[f"engine-{rows}"] = lambda: hub_runs.engine_stages(
                self.contract, raw, self.scratch / "profile-engine"
            )
        if missed & {"hub_vs_limit", "hub_vs_floor", "vs_xloader", "unchanged", "unchanged_bytes"}:
            jobs[f"hub-run-{rows}"] = lambda: self.hub_run(rows, raw, "bench-profile")
        for name, job in jobs.items():
            say(f"== profiling {name} (pyinstrument)")
            profiler = Profiler(interval=0.005)
            profiler.start()
            try:
                job()
            finally:
                profiler.stop()
            path = folder / f"{name}.txt"
            path.write_text(profiler.output_text(unicode=True), encoding="utf-8")
            profiler.write_html(folder / f"{name}.html")
            written[name] = str(path)
        shutil.rmtree(self.scratch / "profile-engine", ignore_errors=True)
        if "dag_build" in missed:
            say("== profiling the DAG build (pyinstrument, in its interpreter)")
            path = folder / f"dag-build-{self.s.contracts}.txt"
            self.dags(profile_to=path)
            written["dag-build"] = str(path)
        return written


def _storage_path(ini: Path) -> Path | None:
    parser = ConfigParser(interpolation=None, strict=False)
    parser.read(ini, encoding="utf-8")
    value = parser.get("app:main", "ckan.storage_path", fallback="")
    return Path(value) if value else None


def _median_key(rounds: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in rounds if key in r]
    return round(statistics.median(values), 4) if values else None


def _seconds(values: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}s" for k, v in values.items())


def airflow_env() -> dict[str, str]:
    """The caller's environment; without AIRFLOW_HOME, the airflow-test one
    (`stack/services.py env airflow-test`), so nothing is written to ~/airflow."""
    env = dict(os.environ)
    if "AIRFLOW_HOME" in env:
        return env
    output = subprocess.run(
        [sys.executable, str(ROOT / "stack" / "services.py"), "env", "airflow-test"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in output.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = json.loads(value)
    return env


def machine(db: postgres_floor.Database | None = None) -> dict[str, Any]:
    import pyarrow as pa

    from tangerang_hub import __version__

    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "pyarrow": pa.__version__,
        "tangerang_hub": __version__,
    }
    if db is not None:
        info["postgresql"] = postgres_floor.prepare(db)
    return info


def warm_up(contract: Any) -> None:
    """Imports, reference tables and GX's first context are not what is measured."""
    from tangerang_hub.normalize import normalize
    from tangerang_hub.validate import validate

    with tempfile.TemporaryDirectory(prefix="hub-bench-warm-") as tmp:
        validate(
            normalize(raw_batch(fasyankes_csv(200, seed=1)), contract),
            contract,
            data_docs_dir=Path(tmp),
        )


def run(settings: Settings) -> dict[str, Any]:
    bench = Bench(settings)
    with stopwatch() as elapsed:
        bench.bot.call("status_show")
        report: dict[str, Any] = {
            "generated_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "machine": machine(bench.db),
            "settings": settings.to_dict(),
        }
        say(
            f"bench: sizes {list(settings.rows)}, {settings.repeats} repetitions, parts "
            f"{','.join(settings.parts)}; CKAN {settings.ckan_url}, PostgreSQL {bench.db}"
        )
        try:
            warm_up(bench.contract)
            for rows in settings.rows:
                bench.size(rows)
            bench.part("datapusher", bench.results, bench.datapusher)
            bench.part("dags", bench.results, bench.dags, key="dag_build")
            bench.part("search", bench.results, bench.search, key="package_search")
            report.update(bench.results)
            targets = evaluate(report)
            if settings.profile and any(t.held is False for t in targets):
                report["profiles"] = bench.profile_missed(targets)
        finally:
            postgres_floor.drop_schema(bench.db)
            shutil.rmtree(bench.scratch, ignore_errors=True)
        report["targets"] = [t.to_dict() for t in targets]
        report["errors"] = bench.errors
        report["retried"] = bench.retried
        report["machine"]["load_avg_1m_end"] = round(os.getloadavg()[0], 2)
        report["elapsed_s"] = round(elapsed(), 1)
    return report


def sizes_text(report: dict[str, Any]) -> str:
    """The medians per size, one line per path."""
    labels = (
        ("limit: psql \\copy into a typed table", "postgres", "limit"),
        ("SQL floor: \\copy + _full_text in one pass", "postgres", "floor"),
        ("normalize alone", "engine", "normalize"),
        ("staging alone (Parquet + CSV)", "engine", "stage"),
        ("gate alone", "engine", "gate"),
        ("normalize + gate + staging", "engine", "sum"),
        ("hub's loader, until searchable", "loads", "hub_loader"),
        ("stock xloader, until searchable", "loads", "xloader"),
        ("DataPusher-style (extrapolated)", "datapusher", "extrapolated"),
        ("hub end to end, until searchable", "hub", "full"),
        ("unchanged re-run", "hub", "unchanged"),
    )
    sizes = sorted(int(n) for n in report.get("sizes", {}))
    lines = [
        f"{'median seconds':44}" + "".join(f"{n:>14,}" for n in sizes),
        "-" * (44 + 14 * len(sizes)),
    ]
    for label, part, key in labels:
        cells = []
        for n in sizes:
            found = report["sizes"][str(n)].get(part) or {}
            value = (found.get(key) or {}).get("median_s") if isinstance(found, dict) else None
            cells.append(f"{value:>14.3f}" if isinstance(value, int | float) else f"{'—':>14}")
        lines.append(f"{label:44}" + "".join(cells))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_settings(argv, dict(os.environ))
    started = time.perf_counter()
    report = run(settings)
    settings.output.parent.mkdir(parents=True, exist_ok=True)
    settings.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    targets = evaluate(report)
    write_chart(report, targets, settings.chart)
    print(sizes_text(report))
    print()
    print(table_text(targets))
    print(f"\nresults: {settings.output}\nchart:   {settings.chart}")
    say(f"done in {time.perf_counter() - started:.0f}s")
    return 1 if report["errors"] else 0
