"""Connection lookup: Airflow's when running inside Airflow, ``AIRFLOW_CONN_*`` otherwise.

This is the only place the hub reads credentials. The environment form follows Airflow:
``AIRFLOW_CONN_<CONN_ID>`` holds a URI (``http://login:password@host:port/schema?k=v``)
or a JSON object (``{"conn_type": ..., "host": ..., "extra": {...}}``).

A connection that is missing or cannot be read is reported in Bahasa Indonesia and English
(the error's `said`; `str()` is the English text); no message quotes the connection's value.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from tangerang_quality.texts import Said, SaidError, say


class ConnectionNotFoundError(LookupError):
    """No connection is defined under this id; `said` in both languages, `str()` English."""

    def __init__(self, said: Said) -> None:
        self.said = said
        super().__init__(said.render("en"))


@dataclass(frozen=True)
class ConnectionInfo:
    conn_id: str
    conn_type: str | None = None
    host: str | None = None
    port: int | None = None
    schema: str | None = None
    login: str | None = None
    password: str | None = field(default=None, repr=False)
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def base_url(self) -> str:
        """``scheme://host[:port][/schema]`` without a trailing slash.

        The scheme comes from a host written with one, else from ``schema`` used as a scheme
        (Airflow's HttpHook habit), else from ``conn_type`` when it is http/https, else http.
        """
        if not self.host:
            raise SaidError(
                say(
                    "koneksi {conn!r} tidak berisi host",
                    "connection {conn!r} has no host",
                    conn=self.conn_id,
                )
            )
        if "://" in self.host:
            scheme, host = self.host.split("://", 1)
        else:
            scheme, host = "", self.host
        path = self.schema or ""
        if not scheme:
            if path in ("http", "https"):
                scheme = path
            elif self.conn_type in ("http", "https"):
                scheme = self.conn_type
            else:
                scheme = "http"
        if path in ("http", "https"):
            path = ""
        host = host.rstrip("/")
        netloc = f"{host}:{self.port}" if self.port else host
        return f"{scheme}://{netloc}" + (f"/{path.strip('/')}" if path.strip("/") else "")


def get_connection(conn_id: str) -> ConnectionInfo:
    """The connection ``conn_id``; raises ConnectionNotFoundError naming where it looked."""
    from_airflow = _from_airflow(conn_id)
    if from_airflow is not None:
        return from_airflow
    variable = f"AIRFLOW_CONN_{conn_id.upper()}"
    value = os.environ.get(variable)
    if not value:
        raise ConnectionNotFoundError(
            say(
                "koneksi {conn!r} belum diatur: atur di Airflow atau ekspor {variable}",
                "connection {conn!r} is not defined: set it in Airflow or export {variable}",
                conn=conn_id,
                variable=variable,
            )
        )
    value = value.strip()
    if value.startswith("{"):
        return _from_json(conn_id, value)
    return _from_uri(conn_id, value)


def _from_airflow(conn_id: str) -> ConnectionInfo | None:
    # Only inside a running Airflow process: the engine and the CLI must not import Airflow.
    if "airflow.sdk" not in sys.modules:
        return None
    try:
        from airflow.sdk import BaseHook
        from airflow.sdk.exceptions import AirflowNotFoundException
    except ImportError:
        return None
    try:
        conn = BaseHook.get_connection(conn_id)
    except AirflowNotFoundException:
        return None
    except RuntimeError:  # no task context / no supervisor to ask
        return None
    return ConnectionInfo(
        conn_id=conn_id,
        conn_type=conn.conn_type,
        host=conn.host,
        port=conn.port,
        schema=conn.schema or None,
        login=conn.login,
        password=conn.password,
        extra=dict(conn.extra_dejson),
    )


def _from_json(conn_id: str, value: str) -> ConnectionInfo:
    try:
        data = json.loads(value)
    except json.JSONDecodeError as exc:
        raise SaidError(
            say(
                "{variable} bukan JSON yang valid: {error}",
                "{variable} is not valid JSON: {error}",
                variable=f"AIRFLOW_CONN_{conn_id.upper()}",
                error=str(exc),
            )
        ) from None
    extra = data.get("extra") or {}
    if isinstance(extra, str):
        extra = json.loads(extra) if extra.strip() else {}
    port = data.get("port")
    return ConnectionInfo(
        conn_id=conn_id,
        conn_type=_conn_type(data.get("conn_type")),
        host=data.get("host"),
        port=int(port) if port not in (None, "") else None,
        schema=data.get("schema") or None,
        login=data.get("login"),
        password=data.get("password"),
        extra=dict(extra),
    )


def _from_uri(conn_id: str, uri: str) -> ConnectionInfo:
    parts = urlsplit(uri)
    if not parts.scheme:
        raise SaidError(
            say(
                "{variable} bukan URI koneksi",
                "{variable} is not a connection URI",
                variable=f"AIRFLOW_CONN_{conn_id.upper()}",
            )
        )
    extra: dict[str, Any] = {}
    if parts.query:
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        # Airflow's escape hatch for extras that do not fit a query string.
        extra = json.loads(query["__extra__"]) if "__extra__" in query else query
    host = unquote(parts.hostname) if parts.hostname else None
    return ConnectionInfo(
        conn_id=conn_id,
        conn_type=_conn_type(parts.scheme),
        host=host,
        port=parts.port,
        schema=unquote(parts.path[1:]) or None,
        login=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        extra=extra,
    )


def _conn_type(value: str | None) -> str | None:
    if not value:
        return None
    if value == "postgresql":
        return "postgres"
    return value.replace("-", "_")
