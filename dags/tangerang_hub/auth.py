"""Request credentials from a Connection: the only place the hub reads a connection's secrets.

Styles, named by the Connection's ``extra.auth`` or a contract's ``source.params.auth``:

  ``bearer``  ``Authorization: Bearer <secret>``
  ``ckan``    ``Authorization: <secret>``, CKAN's bare API token
  ``header``  ``<extra.auth_header>: <secret>`` (header name default ``X-API-Key``)
  ``query``   ``?<extra.auth_param>=<secret>`` (parameter name default ``api_key``)
  ``path``    the secret as a URL path segment, where the connector writes `PATH_SECRET`
              (BPS: ``.../key/{secret}/``)
  ``basic``   HTTP basic auth with the Connection's login and password
  ``none``    nothing

The secret is ``extra.token``, else the password. A Connection that names no style gets
the caller's `implied` style when it holds a secret (the CKAN connectors imply ``ckan``);
without one, ``extra.token`` implies ``bearer`` and a bare password implies nothing.
``extra.headers`` are static, non-secret headers sent with every style.

Every secret is listed in `Credentials.secrets`: the HTTP client masks each of them (raw
and URL-encoded) in messages, and sends the credentials only to the connection's origin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tangerang_hub.connections import ConnectionInfo
from tangerang_hub.sources.base import SourceError
from tangerang_quality.texts import say

STYLES = ("bearer", "ckan", "header", "query", "path", "basic", "none")
# The placeholder a connector puts in a URL path for a ``path``-style secret; the HTTP
# client fills it in (URL-encoded) only on the connection's own origin.
PATH_SECRET = "{secret}"


@dataclass(frozen=True)
class Credentials:
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    query: dict[str, str] = field(default_factory=dict, repr=False)
    basic: tuple[str, str] | None = field(default=None, repr=False)
    path_secret: str | None = field(default=None, repr=False)
    secrets: tuple[str, ...] = field(default=(), repr=False)
    """Values to keep out of logs and error messages."""

    def client_kwargs(self) -> dict[str, Any]:
        """`HttpClient` arguments; the client sends them only to the connection's origin."""
        return {
            "headers": self.headers,
            "auth": self.basic,
            "redact": self.secrets,
            "query": self.query,
            "path_secret": self.path_secret,
        }


def ckan_token(token: str | None) -> Credentials:
    """CKAN's bare-token ``Authorization`` header (none without a token)."""
    if not token:
        return Credentials()
    return Credentials(headers={"Authorization": token}, secrets=(token,))


def credentials(
    conn: ConnectionInfo, style: str | None = None, *, implied: str | None = None
) -> Credentials:
    """The credentials of `conn` in `style` (else the Connection's, else as implied)."""
    extra = conn.extra
    static = {str(k): str(v) for k, v in (extra.get("headers") or {}).items()}
    secret = str(extra.get("token") or conn.password or "")
    style = style or extra.get("auth")
    if not style:
        style = "bearer" if extra.get("token") else "none"
        if implied and secret:
            style = implied
    style = str(style).lower()
    if style not in STYLES:
        raise SourceError(
            say(
                "koneksi {conn!r}: gaya autentikasi {style!r} tidak dikenal",
                "connection {conn!r}: unknown auth style {style!r}",
                conn=conn.conn_id,
                style=style,
            )
        )
    if style == "none":
        return Credentials(headers=static)
    if style == "basic":
        if not conn.login or conn.password is None:
            raise SourceError(
                say(
                    "koneksi {conn!r}: autentikasi basic memerlukan login dan kata sandi",
                    "connection {conn!r}: basic auth needs login and password",
                    conn=conn.conn_id,
                )
            )
        return Credentials(
            headers=static, basic=(conn.login, conn.password), secrets=_kept(conn.password)
        )
    if not secret:
        raise SourceError(
            say(
                "koneksi {conn!r} memakai autentikasi {style} tetapi tidak memiliki kata sandi "
                "atau extra.token",
                "connection {conn!r} uses {style} auth but has no password or extra.token",
                conn=conn.conn_id,
                style=style,
            )
        )
    kept = (secret,)
    if style == "bearer":
        return Credentials(headers={**static, "Authorization": f"Bearer {secret}"}, secrets=kept)
    if style == "ckan":
        return Credentials(headers={**static, **ckan_token(secret).headers}, secrets=kept)
    if style == "header":
        name = str(extra.get("auth_header", "X-API-Key"))
        return Credentials(headers={**static, name: secret}, secrets=kept)
    if style == "query":
        name = str(extra.get("auth_param", "api_key"))
        return Credentials(headers=static, query={name: secret}, secrets=kept)
    return Credentials(headers=static, path_secret=secret, secrets=kept)


def _kept(value: str | None) -> tuple[str, ...]:
    return (value,) if value else ()


def ckan_secret(conn: ConnectionInfo) -> str | None:
    """The API token of a CKAN Connection (``extra.token``, else the password)."""
    return str(conn.extra.get("token") or conn.password or "") or None
