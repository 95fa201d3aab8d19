"""The two PostgreSQL baselines, on the DataStore database of the CKAN test site.

- **the limit**: `psql \\copy` of the hub's own staged CSV into a plain table with the
  contract's PostgreSQL types. Nothing that loads this file into this database can be faster.
- **the SQL floor**: what a searchable DataStore table costs at least: `\\copy` into an
  UNLOGGED stage with those types, then one `INSERT … SELECT` into a table of CKAN's shape
  (`_id serial primary key`, `_full_text tsvector`) computing
  `to_tsvector('<config>', concat_ws(' ', <text columns>))` in the same pass, as the hub's
  loader (`ckanext.tangerang.datastore_load`) does, without its indexes and swap.

Both run `psql` (/usr/bin/psql) as CKAN's DataStore writer, with the connection taken from
`ckan.datastore.write_url` of the site's ini file; the password goes to psql through
`PGPASSWORD` only and is never printed. Their tables live in a schema of the run's own
(`hub_bench_<random>`: a smoke test of another session may run at the same time), dropped at
the end, so CKAN's `_table_metadata` never lists them.
"""

from __future__ import annotations

import configparser
import os
import subprocess
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bench.timing import stopwatch

PSQL = "/usr/bin/psql"
SCHEMA_PREFIX = "hub_bench_"


@dataclass(frozen=True)
class Column:
    name: str
    pg_type: str


@dataclass(frozen=True)
class Database:
    """Where psql connects: host, port, database, user and (not shown) password; `schema`
    is this run's own."""

    host: str
    port: int
    dbname: str
    user: str
    password: str = field(repr=False)
    schema: str = field(default_factory=lambda: SCHEMA_PREFIX + uuid.uuid4().hex[:8])

    @classmethod
    def from_ini(cls, ini: Path, key: str = "ckan.datastore.write_url") -> Database:
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.read(ini, encoding="utf-8")
        url = urlsplit(parser.get("app:main", key))
        return cls(
            host=url.hostname or "127.0.0.1",
            port=url.port or 5432,
            dbname=url.path.lstrip("/"),
            user=unquote(url.username or ""),
            password=unquote(url.password or ""),
        )

    def __str__(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.dbname} (schema {self.schema})"

    def psql(self, *args: str, timeout: float = 3600.0) -> str:
        """Run psql with `args` (stop on the first error); its stdout. RuntimeError otherwise,
        with psql's stderr (which never contains the password)."""
        env = {
            **os.environ,
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGDATABASE": self.dbname,
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
        }
        done = subprocess.run(
            [PSQL, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"psql failed: {done.stderr.strip()[-1000:]}")
        return done.stdout.strip()


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns_sql(columns: Sequence[Column]) -> str:
    return ", ".join(f"{_ident(c.name)} {c.pg_type}" for c in columns)


def _copy(table: str, columns: Sequence[Column], csv_path: Path) -> str:
    names = ", ".join(_ident(c.name) for c in columns)
    path = str(csv_path.resolve()).replace("'", "''")
    return f"\\copy {table} ({names}) FROM '{path}' WITH (FORMAT csv, HEADER true)"


def prepare(db: Database) -> str:
    """Create the run's schema; returns PostgreSQL's version."""
    db.psql("-c", f"CREATE SCHEMA IF NOT EXISTS {db.schema}")
    return db.psql("-c", "SHOW server_version")


def drop_schema(db: Database) -> None:
    db.psql("-c", f"DROP SCHEMA IF EXISTS {db.schema} CASCADE")


def copy_limit(db: Database, columns: Sequence[Column], csv_path: Path, rows: int) -> float:
    """Seconds of `\\copy` into a new typed table (the table is created before the clock
    starts and dropped after it stops); checks that `rows` rows arrived."""
    table = f"{db.schema}.limit_{uuid.uuid4().hex[:10]}"
    db.psql("-c", f"CREATE TABLE {table} ({_columns_sql(columns)})")
    try:
        with stopwatch() as elapsed:
            db.psql("-c", _copy(table, columns, csv_path))
            seconds = elapsed()
        _check_rows(db, table, rows)
    finally:
        db.psql("-c", f"DROP TABLE IF EXISTS {table}")
    return seconds


def sql_floor(
    db: Database,
    columns: Sequence[Column],
    full_text: Sequence[str],
    csv_path: Path,
    rows: int,
    config: str = "indonesian",
) -> float:
    """Seconds of one psql session that COPYs into an UNLOGGED typed stage and builds a table
    of CKAN's shape with `_full_text` in one `INSERT … SELECT` (see the module docstring)."""
    key = uuid.uuid4().hex[:10]
    stage, table = f"{db.schema}.stage_{key}", f"{db.schema}.floor_{key}"
    names = ", ".join(_ident(c.name) for c in columns)
    text = ", ".join(_ident(name) for name in full_text)
    vector = f"to_tsvector('{config}', concat_ws(' ', {text}))" if full_text else "''::tsvector"
    try:
        with stopwatch() as elapsed:
            db.psql(
                "-c",
                f"CREATE UNLOGGED TABLE {stage} ({_columns_sql(columns)})",
                "-c",
                _copy(stage, columns, csv_path),
                "-c",
                f'CREATE TABLE {table} ("_id" serial primary key, "_full_text" tsvector, '
                f"{_columns_sql(columns)})",
                "-c",
                f'INSERT INTO {table} ({names}, "_full_text") '
                f"SELECT {names}, {vector} FROM {stage}",
                "-c",
                f"DROP TABLE {stage}",
            )
            seconds = elapsed()
        _check_rows(db, table, rows)
    finally:
        db.psql("-c", f"DROP TABLE IF EXISTS {stage}", "-c", f"DROP TABLE IF EXISTS {table}")
    return seconds


def _check_rows(db: Database, table: str, rows: int) -> None:
    found = int(db.psql("-c", f"SELECT count(*) FROM {table}"))
    if found != rows:
        raise RuntimeError(f"{table} holds {found} rows, expected {rows}")
