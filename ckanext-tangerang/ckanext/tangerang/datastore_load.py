"""Atomic DataStore loads: a resource's CSV becomes a new typed table, swapped in for the old.

What readers of ``datastore_search`` see:

- the old table (rows, ``total``, Data Dictionary) until the swap commits, then the new one;
  never an empty or partly loaded table, because the build and the swap are ONE transaction;
- the right ``total`` at once: CKAN caches each table's row count in ``_table_stats``
  (``cached_table_row_count``, filled by the first search and left alone by a COPY), and the
  swap writes the new count there in the same transaction;
- after a failed load (a cell that does not fit its column's type, a duplicate primary key, a
  header that does not match the columns), the old table as it was: everything rolls back.

The transaction, on one connection of CKAN's DataStore write URL (``load``):

1. COPY the CSV into an UNLOGGED stage whose columns have the PostgreSQL types, so PostgreSQL
   names the line and column of a cell that does not fit; a big CSV in two halves at once,
   the second on a connection of its own into a second stage (``copy_halves``);
2. ``CREATE TABLE … AS SELECT`` the new table, in CKAN's shape (``_id`` numbering the rows in
   the file's order, as the stage's identity column took them during the COPY, with a
   sequence and primary key as ``serial primary key`` gives them;
   ``_full_text tsvector``; the columns in the given order), computing ``_full_text`` as
   ``to_tsvector(<config>, concat_ws(' ', <full-text columns>))`` in the same pass, in
   PostgreSQL's parallel workers (``INSERT … SELECT`` runs on one core). In a big load, a
   full-text column of few distinct values (a kecamatan code, a facility type) gets its
   tsvector once per value, from a lookup table joined in that pass (``_lookup_columns``);
3. the Data Dictionary as column comments in CKAN 2.12's format (``' '`` + ``{"_info": …}``),
   the primary key as CKAN's unique index, the ``zfulltext`` trigger (``datastore_upsert``
   leaves ``_full_text`` NULL for it; ours fills it with the same configuration and
   columns);
4. the swap: lock the old table (at most ``lock_timeout_ms`` per attempt, since readers queue
   behind a waiting lock; retried), drop its alias views and the table, rename the new table,
   its sequence, primary key and unique index to the names CKAN gives them, recreate the
   aliases, copy the old grants and grant SELECT to the read-only role, write the row count
   into ``_table_stats``.

After the commit, ``analyze`` gives the planner the new table's statistics and
``build_indexes`` creates the search indexes ``CONCURRENTLY`` (neither blocks readers or
writers) under CKAN's index names, so a later ``datastore_create`` finds them: ``_full_text``
with ``ckan.datastore.default_fts_index_method``, and one per column whose type is in
``ckan.datastore.default_fts_index_field_types``. ``ANALYZE`` waits until then because nothing
a reader gets depends on it (``total`` is the cached count, the order ``_id``'s index) and it
cost 0.3 s per million rows inside the swap's transaction. Then ``vacuum`` leaves autovacuum
nothing to do on the new table, which would otherwise make the next reload's swap wait.

Only ``load``, ``analyze``, ``build_indexes`` and ``vacuum`` write; they take a psycopg2
connection from ``connect``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2
from psycopg2 import errors as pg_errors
from psycopg2 import sql

from ckanext.tangerang import advisory_locks, copy_halves

# The PostgreSQL types a column may have (as datastore_create takes them).
COLUMN_TYPES = (
    "text",
    "int",
    "int2",
    "int4",
    "int8",
    "numeric",
    "float4",
    "float8",
    "bool",
    "date",
    "time",
    "timestamp",
    "timestamptz",
    "interval",
    "json",
    "jsonb",
    "uuid",
)
# Columns that feed ``_full_text`` when the caller names none.
TEXT_TYPES = frozenset({"text"})
FTS_INDEX_METHODS = frozenset({"gist", "gin"})
# PostgreSQL truncates longer identifiers silently.
MAX_IDENTIFIER_BYTES = 63

TRIGGER = "zfulltext"  # CKAN's trigger name, so `datastore set-permissions` adds no second one
TRIGGER_FUNCTION = "tangerang_full_text"
# BEFORE INSERT OR UPDATE: TG_ARGV[0] is the text search configuration, the rest the columns.
# Unlike CKAN's populate_full_text_trigger it also refreshes an updated row whose statement
# left _full_text as it was: datastore_upsert's ON CONFLICT DO UPDATE does not reset it.
TRIGGER_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION tangerang_full_text() RETURNS trigger LANGUAGE plpgsql AS $body$
DECLARE
    fields jsonb;
    parts text[] := ARRAY[]::text[];
BEGIN
    IF NEW._full_text IS NOT NULL
            AND (TG_OP = 'INSERT' OR NEW._full_text IS DISTINCT FROM OLD._full_text) THEN
        RETURN NEW;
    END IF;
    fields := to_jsonb(NEW);
    FOR i IN 1 .. TG_NARGS - 1 LOOP
        parts := parts || (fields ->> TG_ARGV[i]);
    END LOOP;
    NEW._full_text := to_tsvector(TG_ARGV[0]::regconfig, array_to_string(parts, ' '));
    RETURN NEW;
END;
$body$
"""

# A text search configuration by its plain name (as ckan.datastore.default_fts_lang has it).
TEXT_SEARCH_CONFIG_EXISTS = "SELECT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = %(name)s)"

SWAP_ATTEMPTS = 20
COPY_BUFFER_BYTES = 1 << 20
# to_tsvector is the cost of a load. In a load of at least LOOKUP_MIN_ROWS rows, a full-text
# column that ANALYZE of the stage estimates at no more than LOOKUP_MAX_DISTINCT distinct
# values gets its tsvector computed once per value, not once per row (at 1M rows with three
# such columns: 15% less time in the full-text pass). The bounds keep each lookup a small hash
# table in every worker, and small loads on the plain path.
LOOKUP_MIN_ROWS = 100_000
LOOKUP_MAX_DISTINCT = 10_000
# The full-text pass's name for the rows it reads: the stage, or both halves of a split COPY.
SOURCE = "_src"

_COPY_CONTEXT = re.compile(r"COPY \S+, line (\d+)(?:, column ([^:]+))?")
_QUOTED_VALUE = re.compile(r':\s*".*$', re.DOTALL)


@dataclass(frozen=True)
class Column:
    id: str
    type: str
    info: dict[str, Any] | None = None


@dataclass(frozen=True)
class LoadSpec:
    """What to load: the table's columns in order, its key and its ``_full_text`` settings."""

    resource_id: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    full_text_columns: tuple[str, ...]
    text_search_config: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "resource_id": self.resource_id,
            "columns": [
                {"id": c.id, "type": c.type, **({"info": c.info} if c.info is not None else {})}
                for c in self.columns
            ],
            "primary_key": list(self.primary_key),
            "full_text_columns": list(self.full_text_columns),
            "text_search_config": self.text_search_config,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoadSpec:
        return cls(
            resource_id=data["resource_id"],
            columns=tuple(Column(c["id"], c["type"], c.get("info")) for c in data["columns"]),
            primary_key=tuple(data["primary_key"]),
            full_text_columns=tuple(data["full_text_columns"]),
            text_search_config=data["text_search_config"],
        )


def default_full_text_columns(columns: Sequence[Column]) -> tuple[str, ...]:
    """The columns that feed ``_full_text`` unless the caller names them: the text columns."""
    return tuple(c.id for c in columns if c.type in TEXT_TYPES)


class LoadError(Exception):
    """A load that cannot be done as asked, so nothing changed.

    ``kind`` is one of ``header``, ``type``, ``format``, ``encoding``, ``duplicate_key``,
    ``text_search_config``, ``file``, ``deleted``, ``locked``; ``details`` name lines and
    columns but never repeat a cell value.
    """

    def __init__(self, kind: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.kind = kind
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": str(self), **self.details}


@dataclass(frozen=True)
class LoadResult:
    rows: int
    timings: dict[str, float]


# --- connections and locks ----------------------------------------------------------------


def connect() -> Any:
    """A psycopg2 connection to CKAN's DataStore write URL, taken out of SQLAlchemy's pool
    (a job holds a session-level advisory lock on it; closing it really closes it)."""
    from ckanext.datastore.backend.postgres import get_write_engine

    proxied = get_write_engine().raw_connection()
    conn = proxied.driver_connection
    proxied.detach()
    return conn


class ResourceBusy(Exception):
    """The resource's lock stayed held for the whole wait."""


def lock_key(resource_id: str, kind: str) -> str:
    """The advisory lock's name: ``load`` is held by a load for its whole run (a later load,
    ``datastore_create``, a table-dropping ``datastore_delete`` and ``resource_delete`` wait
    for it); ``rows`` from the load's start to its swap (row writes wait for it: made on the
    old table, the swap would drop them). See ``datastore_writes``."""
    return f"tangerang_datastore_{kind}:{resource_id}"


@contextmanager
def resource_lock(
    conn: Any, resource_id: str, kind: str = "load", wait_s: float | None = None
) -> Iterator[None]:
    """Hold the resource's session-level advisory lock ``kind`` (see ``lock_key``) on
    ``conn``; raise ``ResourceBusy`` when another session held it for all of ``wait_s``."""
    key = lock_key(resource_id, kind)
    if not advisory_locks.try_lock(conn, key, wait_s):
        raise ResourceBusy(key)
    try:
        yield
    finally:
        if not conn.closed:
            advisory_locks.unlock(conn, key)


def ensure_trigger_function(conn: Any) -> None:
    """Create or refresh ``tangerang_full_text()`` (its own short transaction; concurrent
    jobs wait on an advisory lock instead of failing on a concurrent replace)."""
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (TRIGGER_FUNCTION,))
        cur.execute(TRIGGER_FUNCTION_SQL)
    conn.commit()


# --- CKAN's names -------------------------------------------------------------------------


def ckan_identifier(name: str) -> str:
    """A quoted identifier exactly as CKAN's DataStore writes it (its index names hash it)."""
    return '"' + name.replace('"', '""').replace("\0", "") + '"'


def ckan_index_name(resource_id: str, fields_sql: str) -> str:
    """The name CKAN's ``create_indexes`` gives an index over ``fields_sql``."""
    return hashlib.sha1((resource_id + fields_sql).encode("utf-8")).hexdigest()


def unique_index_name(resource_id: str, primary_key: Sequence[str]) -> str:
    return ckan_index_name(resource_id, ", ".join(ckan_identifier(c) for c in primary_key))


def full_text_index_name(resource_id: str) -> str:
    return ckan_index_name(resource_id, ckan_identifier("_full_text"))


def _column_fts_sql(column: Column, config: str) -> str:
    field = ckan_identifier(column.id)
    if column.type not in ("text", "tsvector"):
        field = f"cast({field} AS text)"
    return "to_tsvector('{}', {})".format(config.replace("'", "''"), field)


# --- the load -----------------------------------------------------------------------------


def read_header(path: Path) -> list[str]:
    """The CSV's column names (a UTF-8 byte order mark is dropped)."""
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), None)
    except UnicodeDecodeError:
        raise LoadError("encoding", "line 1: the file is not valid UTF-8", line=1) from None
    if not header:
        raise LoadError("header", "the file is empty: no header line")
    return header


def _check_header(spec: LoadSpec, header: list[str]) -> None:
    ids = [c.id for c in spec.columns]
    missing = [name for name in ids if name not in header]
    unexpected = [name[:MAX_IDENTIFIER_BYTES] for name in header if name not in ids]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if missing or unexpected or duplicated:
        raise LoadError(
            "header",
            f"the CSV header does not match the columns: missing {missing}, "
            f"unexpected {unexpected}, duplicated {duplicated}",
            missing=missing,
            unexpected=unexpected,
            duplicated=duplicated,
        )


def _ident(*parts: str) -> sql.Composable:
    return sql.SQL(", ").join(sql.Identifier(p) for p in parts)


def _column_defs(columns: Sequence[Column]) -> sql.Composable:
    # Types come from COLUMN_TYPES (checked again here: they are spliced into DDL).
    for c in columns:
        if c.type not in COLUMN_TYPES:
            raise ValueError(f"column {c.id!r}: type {c.type!r} is not one of COLUMN_TYPES")
    return sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(c.id), sql.SQL(c.type)) for c in columns
    )


def _full_text_sql(spec: LoadSpec, stage: str, lookups: dict[str, str]) -> sql.Composable:
    """``_full_text`` of a row of ``stage``: ``to_tsvector(<config>, concat_ws(' ', <columns>))``,
    where a column with a lookup table (``lookups``: column → table) takes that table's
    tsvector instead. The pieces are joined with ``||`` in the columns' order, which shifts
    each piece's positions past the one before it, as one ``to_tsvector`` over the whole text
    numbers them (a stop word at the end of a piece is the only difference: it takes no
    position)."""
    if not spec.full_text_columns:
        return sql.SQL("''::tsvector")
    config = sql.Literal(spec.text_search_config)
    pieces: list[sql.Composable] = []
    run: list[str] = []

    def end_run() -> None:
        if run:
            columns = sql.SQL(", ").join(sql.Identifier(stage, c) for c in run)
            pieces.append(
                sql.SQL("to_tsvector({}::regconfig, concat_ws(' ', {}))").format(config, columns)
            )
            run.clear()

    for column in spec.full_text_columns:
        if column in lookups:
            end_run()
            # A NULL cell has no row in its lookup: concat_ws would have skipped it.
            pieces.append(
                sql.SQL("coalesce({}, ''::tsvector)").format(sql.Identifier(lookups[column], "t"))
            )
        else:
            run.append(column)
    end_run()
    return sql.SQL(" || ").join(pieces)


def _lookup_columns(cur: Any, spec: LoadSpec, stage: str, rows: int) -> tuple[str, ...]:
    """The full-text columns of ``stage`` that ANALYZE estimates at ``LOOKUP_MAX_DISTINCT``
    distinct values or fewer, when it holds at least ``LOOKUP_MIN_ROWS`` rows (else none)."""
    if rows < LOOKUP_MIN_ROWS or not spec.full_text_columns:
        return ()
    cur.execute(
        sql.SQL("ANALYZE {} ({})").format(sql.Identifier(stage), _ident(*spec.full_text_columns))
    )
    cur.execute(
        "SELECT attname, n_distinct FROM pg_stats"
        " WHERE schemaname = current_schema() AND tablename = %s",
        (stage,),
    )
    # n_distinct < 0: minus the fraction of rows that are distinct.
    distinct = {name: n if n >= 0 else -n * rows for name, n in cur.fetchall()}
    return tuple(
        c for c in spec.full_text_columns if distinct.get(c, float("inf")) <= LOOKUP_MAX_DISTINCT
    )


def _build_lookups(
    cur: Any, spec: LoadSpec, stage: str, source: sql.Composable, columns: Sequence[str]
) -> dict[str, str]:
    """One table per column of ``columns``: each distinct non-NULL value ``v`` of the column
    in ``source`` (the stage, or both halves) with its tsvector ``t`` (UNLOGGED and not TEMP:
    parallel workers can read it), named after the stage. Returns column → table name."""
    config = sql.Literal(spec.text_search_config)
    tables: dict[str, str] = {}
    for n, column in enumerate(columns):
        table = f"{stage}_l{n}"
        cur.execute(
            sql.SQL(
                'CREATE UNLOGGED TABLE {table} AS SELECT "v", to_tsvector({config}::regconfig,'
                ' "v"::text) AS "t" FROM (SELECT DISTINCT {column} AS "v" FROM {source} AS "s"'
                ' WHERE {column} IS NOT NULL) AS "d"'
            ).format(
                table=sql.Identifier(table),
                config=config,
                column=sql.Identifier(column),
                source=source,
            )
        )
        cur.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))
        tables[column] = table
    return tables


def _lookup_joins(stage: str, lookups: dict[str, str]) -> sql.Composable:
    return sql.SQL("").join(
        sql.SQL(' LEFT JOIN {table} ON {table}."v" = {stage}.{column}').format(
            table=sql.Identifier(table), stage=sql.Identifier(stage), column=sql.Identifier(c)
        )
        for c, table in lookups.items()
    )


@contextmanager
def timed(timings: dict[str, float], step: str) -> Iterator[None]:
    """Put the seconds the block took (when it ends without an error) in ``timings[step]``."""
    started = time.perf_counter()
    yield
    timings[step] = round(time.perf_counter() - started, 3)


def load(
    conn: Any,
    spec: LoadSpec,
    csv_path: Path,
    key: str,
    *,
    read_role: str | None,
    lock_timeout_ms: int,
    parallel_workers: int | None = None,
    second: Callable[[], Any] | None = None,
) -> LoadResult:
    """Build the new table from ``csv_path`` and swap it in, in one transaction (see the
    module docstring). ``key`` (letters and digits) names the stage tables;
    ``parallel_workers`` (None: the server's setting) the workers of the ``_full_text`` pass;
    ``second`` opens another connection to the same database, with which a big CSV is COPYed
    in two halves at once (``copy_halves``). Raises LoadError when the data or the request is
    at fault; the old table is then untouched."""
    header = read_header(csv_path)
    _check_header(spec, header)
    new, stage = f"_tg_{key}", f"_tgc_{key}"
    ids = [c.id for c in spec.columns]
    timings: dict[str, float] = {}
    split = copy_halves.split_point(csv_path) if second is not None else None
    half: copy_halves.SecondHalf | None = None
    if second is not None:
        copy_halves.drop_orphans(conn)  # a worker that died mid-load may have left one
        if split is not None:
            half = copy_halves.SecondHalf(second(), stage + copy_halves.SUFFIX)
    cur = conn.cursor()
    try:
        _check_text_search_config(cur, spec.text_search_config)
        with timed(timings, "copy"):
            if half is not None:
                start = split or 0  # set whenever half is
                half.start(lambda c: _copy_stage(c, spec, half.table, header, csv_path, start))
            copied = _copy_stage(cur, spec, stage, header, csv_path, 0, split)
            source: sql.Composable = sql.Identifier(stage)
            if half is not None:
                try:
                    second_rows = half.wait()
                except psycopg2.Error as exc:
                    # Its lines counted from the half's first: the file has the header and
                    # the first half's rows before them.
                    problem = _data_problem(exc, spec, line_offset=copied + 1)
                    if problem is None:
                        raise
                    raise problem from None
                source = _halves_sql(stage, half.table, ids, copied)
                copied += second_rows
        with timed(timings, "full_text"):
            few = _lookup_columns(cur, spec, stage, copied)
            lookups = _build_lookups(cur, spec, stage, source, few)
            # CREATE TABLE AS, unlike INSERT … SELECT, may run in parallel workers: to_tsvector,
            # the cost of the whole load, is computed on every core, the rows gathered in
            # whatever order the workers give them (datastore_search sorts by _id unless told
            # otherwise; an ORDER BY here took 1.5-2.8 s more at 1M rows). The planner does
            # not weigh to_tsvector's cost against a worker's, hence the two settings.
            cur.execute("SET LOCAL parallel_setup_cost = 0")
            cur.execute("SET LOCAL parallel_tuple_cost = 0")
            if parallel_workers is not None:
                cur.execute(
                    "SET LOCAL max_parallel_workers_per_gather = %s", (max(0, parallel_workers),)
                )
            cur.execute(
                sql.SQL(
                    'CREATE TABLE {new} AS SELECT {id}, {fts} AS "_full_text", {ids}'
                    " FROM {source} AS {src}{joins}"
                ).format(
                    new=sql.Identifier(new),
                    id=sql.Identifier(SOURCE, "_id"),
                    # Qualified: a lookup table's "v" and "t" may be column names too.
                    ids=sql.SQL(", ").join(sql.Identifier(SOURCE, c) for c in ids),
                    fts=_full_text_sql(spec, SOURCE, lookups),
                    source=source,
                    src=sql.Identifier(SOURCE),
                    joins=_lookup_joins(SOURCE, lookups),
                )
            )
            rows = cur.rowcount
            stages = (stage, *([half.table] if half is not None else []), *lookups.values())
            cur.execute(sql.SQL("DROP TABLE {}").format(_ident(*stages)))
            _serial_primary_key(cur, new, rows)
        with timed(timings, "prepare"):
            _data_dictionary(cur, new, spec.columns)
            if spec.primary_key:
                cur.execute(
                    sql.SQL("CREATE UNIQUE INDEX {} ON {} ({})").format(
                        sql.Identifier(f"{new}_key"),
                        sql.Identifier(new),
                        _ident(*spec.primary_key),
                    )
                )
            cur.execute(
                sql.SQL(
                    "CREATE TRIGGER {} BEFORE INSERT OR UPDATE ON {} "
                    "FOR EACH ROW EXECUTE FUNCTION {}({})"
                ).format(
                    sql.Identifier(TRIGGER),
                    sql.Identifier(new),
                    sql.Identifier(TRIGGER_FUNCTION),
                    sql.SQL(", ").join(
                        sql.Literal(v) for v in (spec.text_search_config, *spec.full_text_columns)
                    ),
                )
            )
        with timed(timings, "swap"):
            _swap(cur, spec, new, rows, read_role, lock_timeout_ms)
        conn.commit()
    except psycopg2.Error as exc:
        _abandon(conn, half)
        problem = _data_problem(exc, spec)
        if problem is None:
            raise
        raise problem from None
    except BaseException:
        _abandon(conn, half)
        raise
    else:
        if half is not None:
            half.close(drop=False)  # the load's transaction dropped it
    finally:
        cur.close()
    return LoadResult(rows, timings)


def _abandon(conn: Any, half: copy_halves.SecondHalf | None) -> None:
    """Roll the load back, and stop and drop its second half (committed on its own)."""
    if half is not None:
        half.cancel()
    conn.rollback()
    if half is not None:
        half.close(drop=True)


def _copy_stage(
    cur: Any,
    spec: LoadSpec,
    table: str,
    header: list[str],
    csv_path: Path,
    start: int,
    end: int | None = None,
) -> int:
    """Create the UNLOGGED stage ``table`` with the columns' types and COPY the file's bytes
    from ``start`` to ``end`` (None: its end) into it; returns the rows. The part at offset 0
    holds the header line. ``_id`` numbers the rows as COPY reads them (a sequence cached per
    1000: COPY's one session takes them in order), so the full-text pass need not."""
    cur.execute(
        sql.SQL(
            'CREATE UNLOGGED TABLE {} ("_id" integer GENERATED BY DEFAULT AS IDENTITY'
            " (CACHE 1000), {})"
        ).format(sql.Identifier(table), _column_defs(spec.columns))
    )
    copy = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv, HEADER {}, ENCODING 'UTF8')").format(
        sql.Identifier(table), _ident(*header), sql.SQL("true" if start == 0 else "false")
    )
    with csv_path.open("rb") as fh:
        fh.seek(start)
        part: Any = fh if end is None else copy_halves.Head(fh, end - start)
        cur.copy_expert(copy.as_string(cur), part, size=COPY_BUFFER_BYTES)
    return cur.rowcount


def _halves_sql(first: str, second: str, ids: Sequence[str], first_rows: int) -> sql.Composable:
    """Both stages' rows, the second's ``_id`` continuing after the first's."""
    columns = _ident(*ids)
    return sql.SQL(
        '(SELECT "_id", {columns} FROM {first} UNION ALL'
        ' SELECT "_id" + {offset}, {columns} FROM {second})'
    ).format(
        columns=columns,
        first=sql.Identifier(first),
        second=sql.Identifier(second),
        offset=sql.Literal(first_rows),
    )


def _serial_primary_key(cur: Any, table: str, rows: int) -> None:
    """Give ``table._id`` what ``serial primary key`` gives, under the same names: a sequence
    owned by the column (continuing after ``rows``) as its default, and the primary key."""
    sequence = f"{table}__id_seq"
    cur.execute(
        sql.SQL('CREATE SEQUENCE {} AS integer OWNED BY {}."_id"').format(
            sql.Identifier(sequence), sql.Identifier(table)
        )
    )
    if rows:
        cur.execute("SELECT setval(%s, %s)", (sql.Identifier(sequence).as_string(cur), rows))
    cur.execute(
        sql.SQL(
            'ALTER TABLE {} ALTER COLUMN "_id" SET DEFAULT nextval({}::regclass), '
            'ADD CONSTRAINT {} PRIMARY KEY ("_id")'
        ).format(
            sql.Identifier(table),
            sql.Literal(sql.Identifier(sequence).as_string(cur)),
            sql.Identifier(f"{table}_pkey"),
        )
    )


def _check_text_search_config(cur: Any, config: str) -> None:
    cur.execute(TEXT_SEARCH_CONFIG_EXISTS, {"name": config})
    if not cur.fetchone()[0]:
        raise LoadError(
            "text_search_config",
            f"PostgreSQL has no text search configuration {config!r}",
            text_search_config=config,
        )


def _data_dictionary(cur: Any, table: str, columns: Sequence[Column]) -> None:
    """Column comments as CKAN 2.12's create_table writes them (a leading space marks the
    version of the format)."""
    for c in columns:
        if not isinstance(c.info, dict):
            continue
        comment = " " + json.dumps({"_info": c.info}, ensure_ascii=False, separators=(",", ":"))
        cur.execute(
            sql.SQL("COMMENT ON COLUMN {}.{} IS {}").format(
                sql.Identifier(table), sql.Identifier(c.id), sql.Literal(comment)
            )
        )


def _swap(
    cur: Any,
    spec: LoadSpec,
    new: str,
    rows: int,
    read_role: str | None,
    lock_timeout_ms: int,
) -> None:
    rid = spec.resource_id
    old_exists = _lock_old_table(cur, rid, lock_timeout_ms)
    grants: list[tuple[str, str]] = []
    aliases: list[tuple[str, list[tuple[str, str]]]] = []
    if old_exists:
        grants = _grants(cur, rid)
        cur.execute('SELECT name FROM "_table_metadata" WHERE alias_of = %s', (rid,))
        for (alias,) in cur.fetchall():
            aliases.append((alias, _grants(cur, alias)))
            cur.execute(sql.SQL("DROP VIEW {}").format(sql.Identifier(alias)))
        # No CASCADE: an unexpected dependent object fails the load instead of vanishing.
        cur.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(rid)))

    cur.execute("SELECT pg_get_serial_sequence(%s, '_id')", (sql.Identifier(new).as_string(cur),))
    sequence = cur.fetchone()[0]
    cur.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
        (sql.Identifier(new).as_string(cur),),
    )
    pkey = cur.fetchone()[0]
    cur.execute(
        sql.SQL("ALTER TABLE {} RENAME TO {}").format(sql.Identifier(new), sql.Identifier(rid))
    )
    cur.execute(
        sql.SQL("ALTER SEQUENCE {} RENAME TO {}").format(
            sql.SQL(sequence), sql.Identifier(f"{rid}__id_seq")
        )
    )
    cur.execute(
        sql.SQL("ALTER TABLE {} RENAME CONSTRAINT {} TO {}").format(
            sql.Identifier(rid), sql.Identifier(pkey), sql.Identifier(f"{rid}_pkey")
        )
    )
    if spec.primary_key:
        cur.execute(
            sql.SQL("ALTER INDEX {} RENAME TO {}").format(
                sql.Identifier(f"{new}_key"),
                sql.Identifier(unique_index_name(rid, spec.primary_key)),
            )
        )
    _grant(cur, rid, grants, read_role)
    for alias, alias_grants in aliases:
        cur.execute(
            sql.SQL("CREATE VIEW {} AS SELECT * FROM {}").format(
                sql.Identifier(alias), sql.Identifier(rid)
            )
        )
        _grant(cur, alias, alias_grants, read_role)
    cur.execute("SELECT to_regclass('public._table_stats') IS NOT NULL")
    if cur.fetchone()[0]:
        cur.execute(
            'INSERT INTO "_table_stats" (resource_id, stats) '
            "VALUES (%s, jsonb_build_object('rows', %s::bigint)) "
            "ON CONFLICT (resource_id) DO UPDATE SET stats = EXCLUDED.stats",
            (rid, rows),
        )


def _lock_old_table(cur: Any, rid: str, lock_timeout_ms: int) -> bool:
    """Take the old table's ACCESS EXCLUSIVE lock; False when there is no old table.

    Each attempt waits at most ``lock_timeout_ms``: while the swap waits for a long reader,
    later readers queue behind it, so it steps back and tries again."""
    for attempt in range(SWAP_ATTEMPTS):
        cur.execute("SAVEPOINT tangerang_swap")
        try:
            cur.execute(
                sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(f"{lock_timeout_ms}ms"))
            )
            cur.execute("SELECT to_regclass(%s) IS NOT NULL", (sql.Identifier(rid).as_string(cur),))
            exists = bool(cur.fetchone()[0])
            if exists:
                cur.execute(
                    sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(sql.Identifier(rid))
                )
            cur.execute("SET LOCAL lock_timeout = 0")
            cur.execute("RELEASE SAVEPOINT tangerang_swap")
            return exists
        except pg_errors.LockNotAvailable:
            cur.execute("ROLLBACK TO SAVEPOINT tangerang_swap")
            time.sleep(min(0.05 * 2**attempt, 2.0))
    raise LoadError(
        "locked",
        f"the old table stayed in use: no lock after {SWAP_ATTEMPTS} attempts",
        attempts=SWAP_ATTEMPTS,
    )


def _grants(cur: Any, relation: str) -> list[tuple[str, str]]:
    """(role, privilege) pairs granted on ``relation`` to others than its owner."""
    cur.execute(
        "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END, "
        "a.privilege_type "
        "FROM pg_class c, aclexplode(c.relacl) a "
        "WHERE c.oid = %s::regclass AND a.grantee <> c.relowner",
        (sql.Identifier(relation).as_string(cur),),
    )
    return [(role, privilege) for role, privilege in cur.fetchall()]


def _grant(cur: Any, relation: str, grants: list[tuple[str, str]], read_role: str | None) -> None:
    wanted = set(grants)
    if read_role:
        cur.execute("SELECT quote_ident(%s)", (read_role,))  # as regrole's text spells it
        wanted.add((cur.fetchone()[0], "SELECT"))
    for role, privilege in sorted(wanted):
        # `role` is regrole's text (already quoted where needed) or PUBLIC; privilege is
        # one of PostgreSQL's privilege keywords from aclexplode.
        cur.execute(
            sql.SQL("GRANT {} ON {} TO {}").format(
                sql.SQL(privilege), sql.Identifier(relation), sql.SQL(role)
            )
        )


def _data_problem(exc: psycopg2.Error, spec: LoadSpec, line_offset: int = 0) -> LoadError | None:
    """The LoadError for an error in the data, naming line and column (a COPY's line plus
    ``line_offset``); None otherwise."""
    code = exc.pgcode or ""
    diag = exc.diag
    if code == "23505":  # unique_violation: the primary key index
        columns = list(spec.primary_key)
        return LoadError(
            "duplicate_key",
            f"two or more rows have the same primary key {columns}",
            columns=columns,
        )
    if not code.startswith("22"):  # data exceptions
        return None
    match = _COPY_CONTEXT.search(diag.context or "")
    line = int(match.group(1)) + line_offset if match else None
    column = match.group(2) if match and match.group(2) else None
    problem = _QUOTED_VALUE.sub("", diag.message_primary or "invalid value").strip()
    kind = {"22P04": "format", "22021": "encoding"}.get(code, "type")
    where = f"line {line}" + (f", column {column}" if column else "") if line else "a row"
    return LoadError(kind, f"{where}: {problem}", line=line, column=column, problem=problem)


# --- after the swap -----------------------------------------------------------------------


def analyze(conn: Any, resource_id: str) -> None:
    """``ANALYZE`` the live table (its own transaction; readers are not blocked)."""
    with conn.cursor() as cur:
        cur.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(resource_id)))
    conn.commit()


def vacuum(conn: Any, resource_id: str) -> None:
    """``VACUUM`` the live table once its indexes are built (neither readers nor writers wait).

    A million new rows pass autovacuum's insert threshold, so it would visit the table within
    a minute, holding a lock that the next load's swap waits for: the swap's attempts end at
    ``lock_timeout_ms``, the same second after which PostgreSQL would cancel autovacuum for
    it, so a reload soon after a load could fail "locked". Vacuumed here, the table gives
    autovacuum nothing to do until it is written to again.
    """
    conn.autocommit = True  # VACUUM runs outside a transaction block
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("VACUUM {}").format(sql.Identifier(resource_id)))
    finally:
        conn.autocommit = False


def build_indexes(
    conn: Any, spec: LoadSpec, *, method: str, field_types: Sequence[str]
) -> list[str]:
    """Create the search indexes CKAN makes, CONCURRENTLY, under CKAN's names; returns the
    names. A failed build leaves no invalid index behind."""
    if method not in FTS_INDEX_METHODS:
        raise ValueError(f"full-text index method {method!r} is not gist or gin")
    rid = spec.resource_id
    wanted = [(full_text_index_name(rid), sql.SQL("{}").format(sql.Identifier("_full_text")))]
    for column in spec.columns:
        if column.type in field_types:
            expr = _column_fts_sql(column, spec.text_search_config)
            wanted.append((ckan_index_name(rid, expr), sql.SQL(expr)))
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            for name, expr in wanted:
                try:
                    cur.execute(
                        sql.SQL(
                            "CREATE INDEX CONCURRENTLY IF NOT EXISTS {} ON {} USING {} ({})"
                        ).format(sql.Identifier(name), sql.Identifier(rid), sql.SQL(method), expr)
                    )
                except psycopg2.Error:
                    _drop_invalid_index(conn, name)
                    raise
    finally:
        conn.autocommit = False
    return [name for name, _ in wanted]


def _drop_invalid_index(conn: Any, name: str) -> None:
    """A failed CREATE INDEX CONCURRENTLY leaves an INVALID index; drop it if we still can."""
    try:
        with conn.cursor() as cur:
            cur.execute(
                sql.SQL("DROP INDEX CONCURRENTLY IF EXISTS {}").format(sql.Identifier(name))
            )
    except psycopg2.Error:
        pass  # the connection is gone; the build's own error is the one to report
