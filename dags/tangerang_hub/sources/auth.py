"""Turn a Connection into request credentials; the only place a hook touches secrets.

Connection ``extra`` keys: ``auth`` = ``bearer`` | ``header`` | ``basic`` | ``query`` | ``none``,
``auth_header`` (default ``X-API-Key``), ``auth_param`` (default ``api_key``), ``token``
(else the password is the secret), ``headers`` (static, non-secret headers).
Without ``auth``: a ``token`` in extra means bearer; otherwise no credentials are sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tangerang_hub.connections import ConnectionInfo
from tangerang_hub.sources.base import SourceError


@dataclass(frozen=True)
class Credentials:
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    query: dict[str, str] = field(default_factory=dict, repr=False)
    basic: tuple[str, str] | None = field(default=None, repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values to keep out of logs and error messages."""
        values = [*self.query.values()]
        values += [v.split(" ", 1)[-1] for k, v in self.headers.items() if _secret_header(k)]
        if self.basic:
            values.append(self.basic[1])
        return tuple(v for v in values if v)

    def client_kwargs(self) -> dict[str, Any]:
        """`HttpClient` arguments; the client sends them only to the connection's origin."""
        return {
            "headers": self.headers,
            "auth": self.basic,
            "redact": self.secrets,
            "query": self.query,
        }


def _secret_header(name: str) -> bool:
    lowered = name.lower()
    return lowered == "authorization" or "key" in lowered or "token" in lowered


def credentials(conn: ConnectionInfo, style: str | None = None) -> Credentials:
    extra = conn.extra
    static = {str(k): str(v) for k, v in (extra.get("headers") or {}).items()}
    style = (style or extra.get("auth") or ("bearer" if extra.get("token") else "none")).lower()
    secret = extra.get("token") or conn.password
    if style == "none":
        return Credentials(headers=static)
    if style == "basic":
        if not conn.login or conn.password is None:
            raise SourceError(f"connection {conn.conn_id!r}: basic auth needs login and password")
        return Credentials(headers=static, basic=(conn.login, conn.password))
    if not secret:
        raise SourceError(
            f"connection {conn.conn_id!r} uses {style} auth but has no password or extra.token"
        )
    if style == "bearer":
        return Credentials(headers={**static, "Authorization": f"Bearer {secret}"})
    if style == "header":
        return Credentials(headers={**static, str(extra.get("auth_header", "X-API-Key")): secret})
    if style == "query":
        return Credentials(headers=static, query={str(extra.get("auth_param", "api_key")): secret})
    raise SourceError(f"connection {conn.conn_id!r}: unknown auth style {style!r}")
