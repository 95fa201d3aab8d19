"""`make bench`: the hub's hot paths, each as a ratio against a baseline of the same run.

The machines are small and noisy (2 cores shared with the whole stack), so no figure
here is meaningful alone: every benchmark times a *baseline* and a *candidate* in the
same process, interleaved (baseline, candidate, baseline, candidate...), repeats
both and reports the medians and their ratio.

1. ``datastore``: loading N rows into the DataStore of the real CKAN test site.
   Candidate: the hub's path, :func:`tangerang_hub.publish.load_datastore` (typed
   ``datastore_create`` + xloader COPY, polled until complete). Baseline: JSON
   records over the Action API, ``datastore_create`` then ``datastore_upsert``
   (``method=insert``) in batches of 1 000. Each measurement gets a throwaway
   private dataset in org ``dinkes`` with the CSV uploaded by ``resource_create``;
   it is deleted afterwards (``datastore_delete`` + ``package_delete``).
2. ``normalize``: :func:`tangerang_hub.normalize.normalize` on a generated
   fasyankes-shaped CSV (Indonesian numbers and dates, wilayah names in many
   spellings) vs ``pyarrow.csv.read_csv`` of the same bytes (the floor).
3. ``dag_parse``: a fresh interpreter that executes ``dags/contract_dags.py``
   (builds every DAG) vs a fresh interpreter running ``import airflow.sdk``.

Run ``python bench/hub_bench.py --help`` (``make bench`` runs it). It lives outside the engine
package: it measures the engine, it is not part of it. Results go to ``var/bench/results.json``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from tangerang_quality.score import parse_timestamp

ROOT = Path(__file__).resolve().parents[1]
DAG_FILE = ROOT / "dags" / "contract_dags.py"
DEFAULT_OUTPUT = ROOT / "var" / "bench" / "results.json"
DEFAULT_CKAN_URL = "http://127.0.0.1:5050"
DEFAULT_TOKEN_FILE = ROOT / "var" / "secrets" / "ckan_bot_token_test"
BENCH_ORG = "dinkes"
INSERT_BATCH = 1_000
BENCHMARKS = ("datastore", "normalize", "dag_parse")

MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nov", "Des"]
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
JENIS = (
    "Puskesmas",
    "Klinik Pratama",
    "Klinik Utama",
    "Rumah Sakit Umum",
    "Rumah Sakit Khusus",
    "Rumah Sakit Ibu dan Anak",
    "Laboratorium Klinik",
    "Apotek",
)
STREETS = ("Jl. KH. Hasyim Ashari", "Jl. Ki Samaun", "Jl. Imam Bonjol", "Jl. Daan Mogot")
HEADER = (
    "Kode Faskes",
    "Nama Fasilitas",
    "Jenis",
    "Kecamatan",
    "Kelurahan",
    "Alamat",
    "Tanggal Registrasi",
    "Jumlah Tempat Tidur",
    "Latitude",
    "Longitude",
)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- measuring


@dataclass
class Series:
    """Repeated timings of one thing, in seconds."""

    name: str
    samples: list[float] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def to_dict(self, rows: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "samples_s": [round(s, 4) for s in self.samples],
            "median_s": round(self.median, 4),
            "min_s": round(min(self.samples), 4),
            "max_s": round(max(self.samples), 4),
        }
        if rows:
            data["rows_per_s"] = round(rows / self.median, 1)
        data.update(self.extra)
        return data


def interleaved(
    repeats: int,
    baseline: tuple[str, Callable[[], float]],
    candidate: tuple[str, Callable[[], float]],
    label: str,
) -> tuple[Series, Series]:
    """Run baseline and candidate alternately ``repeats`` times each; each callable
    returns the seconds it measured (so set-up and clean-up stay out of the timing)."""
    base, cand = Series(baseline[0]), Series(candidate[0])
    for i in range(1, repeats + 1):
        for series, run in ((base, baseline[1]), (cand, candidate[1])):
            seconds = run()
            series.samples.append(seconds)
            say(f"  [{label}] {i}/{repeats} {series.name}: {seconds:.3f}s")
    return base, cand


def result(
    benchmark: str,
    baseline: Series,
    candidate: Series,
    *,
    rows: int | None,
    ratio: float,
    ratio_means: str,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "benchmark": benchmark,
        "rows": rows,
        "repeats": len(candidate.samples),
        "baseline": baseline.to_dict(rows),
        "candidate": candidate.to_dict(rows),
        "ratio": round(ratio, 3),
        "ratio_means": ratio_means,
        **extra,
    }


# --------------------------------------------------------------------------- test data


def _wilayah() -> list[tuple[str, str]]:
    """(kecamatan name, kelurahan name) of every kelurahan in the reference table."""
    from tangerang_hub.reference import REFERENCE_DIR

    with (REFERENCE_DIR / "wilayah_kota_tangerang.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    kecamatan = {r["kemendagri_code"]: r["name"] for r in rows if r["level"] == "kecamatan"}
    return [
        (kecamatan[r["parent_kemendagri_code"]], r["name"])
        for r in rows
        if r["level"] == "kelurahan"
    ]


def _spelling(name: str, rng: random.Random, prefix: str) -> str:
    choice = rng.randrange(5)
    if choice == 0:
        return name.upper()
    if choice == 1:
        return name.lower()
    if choice == 2:
        return f" {name} "
    if choice == 3:
        return f"{prefix} {name.upper()}"
    return name


def _date_text(day: date, rng: random.Random) -> str:
    choice = rng.randrange(6)
    if choice == 0:
        return day.strftime("%d/%m/%Y")
    if choice == 1:
        return day.strftime("%d-%m-%Y")
    if choice == 2:
        return day.isoformat()
    if choice == 3:
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    if choice == 4:
        return f"{day.day} {MONTHS_SHORT[day.month - 1]} {day.year}"
    return f"{DAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"


def _beds_text(jenis: str, rng: random.Random) -> str:
    if jenis == "Apotek" or rng.random() < 0.1:
        return ""
    beds = rng.randrange(1_000, 2_000) if jenis.startswith("Rumah Sakit") else rng.randrange(60)
    return f"{beds // 1000}.{beds % 1000:03d}" if beds >= 1000 else str(beds)


def _coordinate(low: float, high: float, rng: random.Random) -> str:
    text = f"{rng.uniform(low, high):.6f}"
    return text.replace(".", ",") if rng.random() < 0.3 else text


def fasyankes_csv(rows: int, seed: int = 36_71) -> bytes:
    """A fasyankes-shaped agency CSV (`;`, Indonesian formats, messy names), valid data."""
    rng = random.Random(seed)
    wilayah = _wilayah()
    start = date(1990, 1, 1)
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for i in range(rows):
        jenis = rng.choice(JENIS)
        kecamatan, kelurahan = rng.choice(wilayah)
        writer.writerow(
            (
                f"{i:07d}",
                f"{jenis} Sehat Sentosa {i}",
                _spelling(jenis, rng, "") if rng.random() < 0.3 else jenis,
                _spelling(kecamatan, rng, "Kec."),
                _spelling(kelurahan, rng, "Kel."),
                f"{rng.choice(STREETS)} No. {rng.randrange(1, 400)}, "
                f"RT {rng.randrange(1, 20):03d}/RW {rng.randrange(1, 15):03d}",
                _date_text(start + timedelta(days=rng.randrange(12_000)), rng),
                _beds_text(jenis, rng),
                _coordinate(-6.25, -6.10, rng),
                _coordinate(106.56, 106.74, rng),
            )
        )
    return out.getvalue().encode("utf-8")


def _batch(content: bytes) -> Any:
    from tangerang_hub.sources.base import RawBatch

    return RawBatch(records=None, content=content, filename="fasyankes.csv", media_type="text/csv")


# --------------------------------------------------------------------------- 2. normalize


def bench_normalize(rows: int, repeats: int) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from tangerang_hub.contracts import get_contract
    from tangerang_hub.normalize import normalize

    contract = get_contract("fasyankes")
    content = fasyankes_csv(rows)
    say(f"== normalize: {rows} rows, {len(content) / 1e6:.1f} MB of CSV")
    # Warm-up: imports, reference tables and date caches are not what is measured.
    normalize(_batch(fasyankes_csv(200, seed=1)), contract)
    read_options = pacsv.ReadOptions(use_threads=False)
    parse_options = pacsv.ParseOptions(delimiter=";")
    checked: dict[str, int] = {}

    def raw_parse() -> float:
        started = time.perf_counter()
        table = pacsv.read_csv(
            pa.py_buffer(content), read_options=read_options, parse_options=parse_options
        )
        seconds = time.perf_counter() - started
        checked["raw"] = table.num_rows
        return seconds

    def hub_normalize() -> float:
        started = time.perf_counter()
        table = normalize(_batch(content), contract)
        seconds = time.perf_counter() - started
        checked["normalize"] = table.num_rows
        return seconds

    base, cand = interleaved(
        repeats,
        ("pyarrow.csv.read_csv (single thread)", raw_parse),
        ("tangerang_hub.normalize.normalize", hub_normalize),
        "normalize",
    )
    if checked != {"raw": rows, "normalize": rows}:
        raise RuntimeError(f"row counts differ from {rows}: {checked}")
    return result(
        "normalize",
        base,
        cand,
        rows=rows,
        ratio=cand.median / base.median,
        ratio_means="normalize time / raw pyarrow parse time (x slower than the floor)",
        csv_bytes=len(content),
    )


# --------------------------------------------------------------------------- 1. DataStore


def _json_records(table: Any) -> list[dict[str, Any]]:
    records = table.to_pylist()
    for record in records:
        for key, value in record.items():
            if isinstance(value, date | datetime):
                record[key] = value.isoformat()
    return records


@contextmanager
def throwaway_resource(client: Any, contract: Any, csv_path: Path, kind: str) -> Iterator[str]:
    """A private dataset in ``dinkes`` with ``csv_path`` uploaded; deleted on exit."""
    from tangerang_hub.publish import dataset_metadata

    name = f"bench-{kind}-{uuid.uuid4().hex[:10]}"
    bench_contract = replace(contract, id=name, title=f"Benchmark {kind} {name[-10:]}")
    package = client.call(
        "package_create",
        {
            **dataset_metadata(bench_contract),
            "owner_org": BENCH_ORG,
            "private": True,
            "resources": [],
        },
    )
    resource_id: str | None = None
    try:
        resource = client.call(
            "resource_create",
            {"package_id": package["id"], "name": "Data (CSV)", "format": "CSV"},
            files={"upload": csv_path},
        )
        resource_id = resource["id"]
        yield resource_id
    finally:
        from tangerang_hub.ckan_client import CkanError

        try:
            if resource_id is not None:
                client.call("datastore_delete", resource_id=resource_id, force=True)
        except CkanError:
            pass  # no table was created
        client.call("package_delete", id=package["id"])


def bench_datastore(
    rows: int, repeats: int, ckan_url: str, token: str, timeout: float
) -> dict[str, Any]:
    from tangerang_hub.ckan_client import CkanClient
    from tangerang_hub.contracts import get_contract
    from tangerang_hub.normalize import normalize
    from tangerang_hub.publish import datastore_fields, datastore_total, load_datastore
    from tangerang_hub.stage import csv_bytes

    client = CkanClient(ckan_url, token, timeout=600.0)
    client.call("status_show")
    contract = get_contract("fasyankes")
    table = normalize(_batch(fasyankes_csv(rows)), contract)
    records = _json_records(table)
    fields = datastore_fields(contract)
    primary_key = list(contract.primary_key)
    say(f"== datastore: {rows} rows into {ckan_url} (org {BENCH_ORG})")
    xloader_job_s: list[float] = []

    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
        csv_path = Path(tmp) / "fasyankes.csv"
        csv_path.write_bytes(csv_bytes(table))

        def check(resource_id: str, how: str) -> None:
            total = datastore_total(client, resource_id)
            if total != rows:
                raise RuntimeError(f"{how}: DataStore holds {total} rows, expected {rows}")

        def json_inserts() -> float:
            with throwaway_resource(client, contract, csv_path, "json") as resource_id:
                started = time.perf_counter()
                client.call(
                    "datastore_create",
                    resource_id=resource_id,
                    fields=fields,
                    primary_key=primary_key,
                    records=records[:INSERT_BATCH],
                    force=True,
                )
                for offset in range(INSERT_BATCH, len(records), INSERT_BATCH):
                    client.call(
                        "datastore_upsert",
                        resource_id=resource_id,
                        records=records[offset : offset + INSERT_BATCH],
                        method="insert",
                        force=True,
                    )
                seconds = time.perf_counter() - started
                check(resource_id, "JSON inserts")
            return seconds

        def hub_load() -> float:
            with throwaway_resource(client, contract, csv_path, "xloader") as resource_id:
                started = time.perf_counter()
                loaded = load_datastore(client, contract, resource_id, timeout)
                seconds = time.perf_counter() - started
                if loaded != rows:
                    raise RuntimeError(f"xloader: DataStore holds {loaded} rows, expected {rows}")
                job = _xloader_job_seconds(client.call("xloader_status", resource_id=resource_id))
                if job is not None:
                    xloader_job_s.append(job)
            return seconds

        base, cand = interleaved(
            repeats,
            (f"datastore_create/upsert JSON records, batches of {INSERT_BATCH}", json_inserts),
            ("publish.load_datastore (datastore_create + xloader COPY)", hub_load),
            "datastore",
        )
    if xloader_job_s:
        cand.extra["xloader_job_median_s"] = round(statistics.median(xloader_job_s), 3)
    return result(
        "datastore",
        base,
        cand,
        rows=rows,
        ratio=base.median / cand.median,
        ratio_means="hub rows/s / JSON-insert rows/s (x faster than the baseline)",
        ckan_url=ckan_url,
        insert_batch=INSERT_BATCH,
    )


def _xloader_job_seconds(status: dict[str, Any]) -> float | None:
    """Worker-side duration of the xloader job (requested -> finished), if reported."""
    job = status.get("task_info") or {}
    try:
        created = parse_timestamp(job["requested_timestamp"])
        finished = parse_timestamp(job["finished_timestamp"])
    except (KeyError, TypeError):
        return None
    if created is None or finished is None:
        return None
    return (finished - created).total_seconds()


# --------------------------------------------------------------------------- 3. DAG parse

PARSE_CODE = """
import importlib.util, json, sys, time
started = time.perf_counter()
import airflow.sdk
imported = time.perf_counter()
spec = importlib.util.spec_from_file_location("contract_dags", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
seconds = time.perf_counter() - started
from airflow.sdk import DAG
dags = [v for v in vars(module).values() if isinstance(v, DAG)]
print(json.dumps({"module_s": seconds, "sdk_import_s": imported - started,
                  "build_s": seconds - (imported - started), "dags": len(dags),
                  "tasks": sum(len(d.tasks) for d in dags)}))
"""


def airflow_subprocess_env() -> dict[str, str]:
    """The caller's environment; without an AIRFLOW_HOME, the airflow-test one
    (`stack/services.py env airflow-test`), so nothing is written to ~/airflow."""
    env = dict(os.environ)
    if "AIRFLOW_HOME" in env:
        return env
    output = subprocess.run(
        ["python3", str(ROOT / "stack" / "services.py"), "env", "airflow-test"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in output.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = json.loads(value)
    return env


def _timed_subprocess(args: Sequence[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{args[:3]} failed:\n{done.stderr[-2000:]}")
    return seconds, done.stdout


def bench_dag_parse(repeats: int, with_report: bool) -> dict[str, Any]:
    env = airflow_subprocess_env()
    python = sys.executable
    say(f"== dag_parse: {DAG_FILE.relative_to(ROOT)} in a fresh interpreter")
    inner: list[dict[str, Any]] = []

    def bare_import() -> float:
        return _timed_subprocess([python, "-c", "import airflow.sdk"], env)[0]

    def parse() -> float:
        seconds, out = _timed_subprocess([python, "-c", PARSE_CODE, str(DAG_FILE)], env)
        inner.append(json.loads(out.strip().splitlines()[-1]))
        return seconds

    base, cand = interleaved(
        repeats,
        ("python -c 'import airflow.sdk'", bare_import),
        ("python: exec dags/contract_dags.py (all DAGs)", parse),
        "dag_parse",
    )
    for key in ("module_s", "sdk_import_s", "build_s"):
        # In the DAG-file subprocess: import airflow.sdk, then build every DAG.
        cand.extra[f"{key[:-2]}_median_s"] = round(
            statistics.median(item[key] for item in inner), 4
        )
    extra: dict[str, Any] = {
        "dags": inner[-1]["dags"],
        "tasks": inner[-1]["tasks"],
        "marginal_s": round(cand.median - base.median, 4),
    }
    if with_report:
        extra["dags_report"] = airflow_dags_report(env)
    return result(
        "dag_parse",
        base,
        cand,
        rows=None,
        ratio=cand.median / base.median,
        ratio_means="wall time of the DAG-file subprocess / bare `import airflow.sdk` subprocess",
        **extra,
    )


def airflow_dags_report(env: dict[str, str]) -> dict[str, Any]:
    """`airflow dags report -o json` (one run; it parses the DAG folder, no scheduler)."""
    airflow = str(Path(sys.executable).with_name("airflow"))
    try:
        seconds, out = _timed_subprocess([airflow, "dags", "report", "-o", "json"], env)
    except (RuntimeError, subprocess.TimeoutExpired, FileNotFoundError) as exc:
        return {"error": str(exc)[-500:]}
    # Airflow prints a graphviz warning on stdout before the JSON.
    payload = next((line for line in out.splitlines() if line.startswith("[")), "[]")
    return {"command_s": round(seconds, 3), "files": json.loads(payload)}


# --------------------------------------------------------------------------- output


def table_text(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        f"{'benchmark':10} {'baseline (median)':>18} {'hub (median)':>14} "
        f"{'baseline rows/s':>16} {'hub rows/s':>12} {'ratio':>8}  meaning",
        "-" * 110,
    ]
    for name, item in results.items():
        if "error" in item:
            lines.append(f"{name:10} ERROR: {item['error']}")
            continue
        base, cand = item["baseline"], item["candidate"]
        lines.append(
            f"{name:10} {base['median_s']:>17.3f}s {cand['median_s']:>13.3f}s "
            f"{base.get('rows_per_s', ''):>16} {cand.get('rows_per_s', ''):>12} "
            f"{item['ratio']:>7.2f}x  {item['ratio_means']}"
        )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python bench/hub_bench.py", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--rows", type=int, default=50_000, help="rows per load (50 000)")
    parser.add_argument(
        "--normalize-rows", type=int, help="rows for the normalize benchmark (default --rows)"
    )
    parser.add_argument("--repeats", type=int, default=3, help="repeats of each side (3)")
    parser.add_argument(
        "--parse-repeats", type=int, default=5, help="repeats of the DAG-parse pair (5)"
    )
    parser.add_argument(
        "--only", action="append", choices=BENCHMARKS, help="run only these (repeatable)"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--ckan-url", default=os.environ.get("HUB_CKAN_URL", DEFAULT_CKAN_URL))
    parser.add_argument(
        "--token-file",
        type=Path,
        default=Path(os.environ.get("HUB_CKAN_TOKEN_FILE", DEFAULT_TOKEN_FILE)),
    )
    parser.add_argument("--xloader-timeout", type=float, default=900.0)
    parser.add_argument("--no-dags-report", action="store_true", help="skip `airflow dags report`")
    args = parser.parse_args(argv)
    if min(args.rows, args.repeats, args.parse_repeats, args.normalize_rows or 1) < 1:
        parser.error("--rows, --normalize-rows, --repeats and --parse-repeats must be positive")
    return args


def run(args: argparse.Namespace) -> dict[str, Any]:
    import pyarrow as pa

    from tangerang_hub import __version__

    selected = args.only or list(BENCHMARKS)
    results: dict[str, dict[str, Any]] = {}
    for name in BENCHMARKS:
        if name not in selected:
            continue
        if name == "datastore":
            token = args.token_file.read_text().strip()
            results[name] = bench_datastore(
                args.rows, args.repeats, args.ckan_url, token, args.xloader_timeout
            )
        elif name == "normalize":
            results[name] = bench_normalize(args.normalize_rows or args.rows, args.repeats)
        else:
            results[name] = bench_dag_parse(args.parse_repeats, not args.no_dags_report)
    return {
        "generated_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "pyarrow": pa.__version__,
            "tangerang_hub": __version__,
        },
        "settings": {
            "rows": args.rows,
            "normalize_rows": args.normalize_rows or args.rows,
            "repeats": args.repeats,
            "parse_repeats": args.parse_repeats,
            "benchmarks": [name for name in BENCHMARKS if name in selected],
        },
        "results": results,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    report = run(args)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(table_text(report["results"]))
    print(f"\nresults: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
