"""An OPD database table or query, read through SQLAlchemy, incrementally by a watermark.

``params``: ``table`` (optionally ``db_schema``) or ``query`` (a SELECT); ``watermark``
(column that only grows: an id or an updated-at timestamp); ``batch_size`` (10000);
``columns`` (renames). The URL comes from the Connection: ``extra.sqlalchemy_url``, or
built from conn_type/host/port/schema/login/password (sqlite: host or schema is the path).
``fetch(state={"watermark": v})`` or ``fetch(since=v)`` returns only rows with
watermark > v; the new watermark is in ``RawBatch.meta["watermark"]``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from tangerang_hub.connections import ConnectionInfo
from tangerang_hub.sources.base import RawBatch, SourceError, SourceHook
from tangerang_hub.sources.records import shape
from tangerang_quality.texts import say

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DRIVERS = {"postgres": "postgresql+psycopg2", "mysql": "mysql+pymysql", "mssql": "mssql+pyodbc"}


def sqlalchemy_url(conn: ConnectionInfo) -> Any:
    from sqlalchemy.engine import URL, make_url

    if conn.extra.get("sqlalchemy_url"):
        return make_url(str(conn.extra["sqlalchemy_url"]))
    kind = conn.conn_type or ""
    if kind == "sqlite":
        return URL.create("sqlite", database=conn.host or conn.schema)
    driver = conn.extra.get("driver") or DRIVERS.get(kind)
    if not driver:
        raise SourceError(
            say(
                "koneksi {conn!r}: tidak ada driver SQLAlchemy untuk {kind!r}",
                "connection {conn!r}: no SQLAlchemy driver for {kind!r}",
                conn=conn.conn_id,
                kind=kind,
            )
        )
    return URL.create(
        driver,
        username=conn.login,
        password=conn.password,
        host=conn.host,
        port=conn.port,
        database=conn.schema,
    )


def plain(value: Any) -> Any:
    """A JSON-friendly value that keeps its meaning (decimals stay exact as text)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        raise SourceError(
            say(
                "kolom biner tidak dapat diterbitkan; keluarkan kolom itu dari kueri",
                "binary columns cannot be published; leave them out of the query",
            )
        )
    return value


class SqlHook(SourceHook):
    conn_type = "sqlalchemy"
    hook_name = "SQL database"
    source_type = "sql"
    default_conn_name = "opd_database"

    def get_conn(self) -> Any:
        from sqlalchemy import create_engine

        return create_engine(sqlalchemy_url(self.connection), pool_pre_ping=True)

    def test_connection(self) -> tuple[bool, str]:
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        try:
            engine = self.get_conn()
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            engine.dispose()
        except (SQLAlchemyError, SourceError) as exc:
            return False, str(exc)
        return True, "the database answered SELECT 1"

    def _statement(self, engine: Any, watermark: str | None, since: Any) -> Any:
        import sqlalchemy as sa

        if watermark and not IDENTIFIER.match(watermark):
            raise SourceError(
                say(
                    "kolom watermark {name!r} bukan nama sederhana (identifier)",
                    "watermark column {name!r} is not a plain identifier",
                    name=watermark,
                )
            )
        if self.param("table"):
            name = str(self.param("table"))
            if not IDENTIFIER.match(name):
                raise SourceError(
                    say(
                        "nama tabel {name!r} bukan nama sederhana (identifier)",
                        "table name {name!r} is not a plain identifier",
                        name=name,
                    )
                )
            table = sa.Table(
                name, sa.MetaData(), schema=self.param("db_schema"), autoload_with=engine
            )
            statement = sa.select(table)
            if watermark:
                column = table.c[watermark]
                if since is not None:
                    statement = statement.where(column > sa.bindparam("since", since))
                statement = statement.order_by(column)
            return statement
        query = self.param("query")
        if not query:
            raise SourceError(
                say(
                    "{hook}: isi params.table atau params.query",
                    "{hook}: give params.table or params.query",
                    hook=self.hook_name,
                )
            )
        sql = f"SELECT * FROM ({str(query).rstrip().rstrip(';')}) AS src"
        if not watermark:
            return sa.text(sql)
        quoted = engine.dialect.identifier_preparer.quote(watermark)
        if since is not None:
            sql += f" WHERE src.{quoted} > :since"
        return sa.text(sql + f" ORDER BY src.{quoted}").bindparams(
            *([sa.bindparam("since", since)] if since is not None else [])
        )

    def fetch(self, *, state: Mapping[str, Any] | None = None, since: Any = None) -> RawBatch:
        from sqlalchemy.exc import SQLAlchemyError

        watermark = self.param("watermark")
        if since is None and state:
            since = state.get("watermark")
        if isinstance(since, datetime | date):
            since = since.isoformat()
        engine = self.get_conn()
        batch_size = int(self.param("batch_size", 10_000))
        rows: list[dict[str, Any]] = []
        try:
            statement = self._statement(engine, watermark, since)
            with engine.connect() as connection:
                result = connection.execution_options(stream_results=True).execute(statement)
                while chunk := result.mappings().fetchmany(batch_size):
                    rows.extend({k: plain(v) for k, v in row.items()} for row in chunk)
        except SQLAlchemyError as exc:
            raise SourceError(
                say(
                    "{hook} {conn!r}: permintaan ke basis data gagal: {kind}: {error}",
                    "{hook} {conn!r}: {kind}: {error}",
                    hook=self.hook_name,
                    conn=self.conn_id,
                    kind=exc.__class__.__name__,
                    error=str(exc),
                )
            ) from None
        finally:
            engine.dispose()
        new_mark = rows[-1][watermark] if watermark and rows else since
        meta: dict[str, Any] = {"records": len(rows)}
        if watermark:
            meta["watermark"] = new_mark
        return RawBatch(
            records=shape(rows, {**self.params, "flatten": False}),
            content=None,
            filename=f"{self.param('table') or 'query'}.json",
            media_type="application/json",
            # Nothing new since the last watermark is the SQL form of "not modified".
            not_modified=bool(watermark and since is not None and not rows),
            meta=meta,
        )
