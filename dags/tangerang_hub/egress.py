"""Where an outbound request may go: the guard the HTTP client applies to every hop.

- A redirect is followed only to the origin (scheme, host, port) the request started at or
  to the connection's own origin, unless the connection allow-lists the target's host in
  ``extra.allowed_redirect_hosts`` (``["cdn.example.go.id", "files.example.go.id:8443"]``;
  a bare host matches any port).
- A redirect never goes from https to http, allow-listed or not.
- A host other than the connection's own host (as written in the Connection) must resolve
  only to global addresses: private, loopback, link-local, shared, reserved, multicast and
  unspecified addresses are refused after DNS resolution, allow-listed or not. The check
  runs before the connection is opened; a name that resolves differently a moment later
  (DNS rebinding) is beyond it.

Every refusal is a `SourceError` that names the URL and the rule, and nothing is sent.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from tangerang_hub.sources.base import SourceError
from tangerang_quality.texts import Said, say

DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int | None]
Resolver = Callable[..., list[tuple]]


class UnresolvedHost(requests.ConnectionError):
    """A host's name does not resolve; retried like any connection failure. `said` words
    it in both languages (`str()` is the English text)."""

    def __init__(self, said: Said):
        self.said = said
        super().__init__(said.render("en"))


def origin(url: str) -> Origin:
    """(scheme, host, port) of `url`, the default port made explicit."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, _host(parts.hostname), port or DEFAULT_PORTS.get(scheme)


def _host(name: str | None) -> str:
    return (name or "").lower().rstrip(".")


def _allow_entry(entry: str) -> tuple[str, int | None]:
    parts = urlsplit(entry if "://" in entry else f"//{entry}")
    try:
        port = parts.port
    except ValueError:
        raise SourceError(
            say(
                "entri allowed_redirect_hosts {entry!r} memiliki port yang tidak sesuai",
                "allowed_redirect_hosts entry {entry!r} has a bad port",
                entry=entry,
            )
        ) from None
    if not parts.hostname:
        raise SourceError(
            say(
                "entri allowed_redirect_hosts {entry!r} tidak menyebut host",
                "allowed_redirect_hosts entry {entry!r} names no host",
                entry=entry,
            )
        )
    return _host(parts.hostname), port


def forbidden_address(address: str) -> bool:
    """Whether `address` (an IP literal) is one no request may reach: anything not global."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback however it is written
    return not ip.is_global or ip.is_multicast


@dataclass(frozen=True)
class Egress:
    """The rules for one connection: its own host and origin, and its allow-list."""

    own_host: str | None = None
    own_origin: Origin | None = None
    allowed: frozenset[tuple[str, int | None]] = frozenset()
    resolve: Resolver = socket.getaddrinfo

    @classmethod
    def for_connection(cls, base_url: str, allowed_redirect_hosts: Iterable[str] = ()) -> Egress:
        """Rules for a connection at `base_url` ("" when the client has no base URL)."""
        if isinstance(allowed_redirect_hosts, str):  # a URI-form Connection: "a,b:8443"
            allowed_redirect_hosts = allowed_redirect_hosts.split(",")
        own = origin(base_url) if base_url else None
        return cls(
            own_host=own[1] if own else None,
            own_origin=own,
            allowed=frozenset(
                _allow_entry(str(e).strip()) for e in allowed_redirect_hosts if str(e).strip()
            ),
        )

    def check_redirect(self, current: str, target: str, start: str) -> None:
        """Raise SourceError unless a request at `current` (begun at `start`) may follow
        its redirect to `target`."""
        here, there = origin(current), origin(target)
        if there[0] not in DEFAULT_PORTS:
            raise SourceError(
                say(
                    "{current} mengalihkan ke URL {scheme!r}; ditolak",
                    "{current} redirects to a {scheme!r} URL; refused",
                    current=current,
                    scheme=there[0],
                ),
                url=current,
            )
        if here[0] == "https" and there[0] == "http":
            raise SourceError(
                say(
                    "{current} mengalihkan dari https ke http ({target}); ditolak: "
                    "pengalihan tidak boleh melepas TLS",
                    "{current} redirects from https to http ({target}); refused: "
                    "a redirect may not drop TLS",
                    current=current,
                    target=target,
                ),
                url=current,
            )
        if there in (origin(start), self.own_origin):
            return
        if (there[1], there[2]) in self.allowed or (there[1], None) in self.allowed:
            return
        raise SourceError(
            say(
                "{current} mengalihkan ke {target}, di luar asal koneksi; ditolak (jika memang "
                "diharapkan, daftarkan {host} di extra.allowed_redirect_hosts koneksi)",
                "{current} redirects to {target}, outside the connection's origin; refused "
                "(allow-list {host} in the connection's extra.allowed_redirect_hosts "
                "if it is expected)",
                current=current,
                target=target,
                host=there[1],
            ),
            url=current,
        )

    def check_address(self, url: str, start: str) -> None:
        """Raise SourceError when `url`'s host is not the connection's own host and resolves
        to an address no request may reach. Without a base URL, `start`'s host counts as
        the own host."""
        _, host, port = origin(url)
        own = self.own_host if self.own_host is not None else origin(start)[1]
        if host == own:
            return
        try:
            found = self.resolve(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            # Treated like any connection failure (retried), not as a refusal.
            raise UnresolvedHost(
                say(
                    "nama host {host} tidak ditemukan di DNS: {error}",
                    "cannot resolve {host}: {error}",
                    host=host,
                    error=str(exc),
                )
            ) from None
        addresses = sorted({info[4][0] for info in found})
        bad = [a for a in addresses if forbidden_address(a)]
        if bad:
            raise SourceError(
                say(
                    "{url}: {host} mengarah ke {addresses}, alamat privat, loopback atau "
                    "link-local; ditolak (hanya host koneksi itu sendiri yang boleh)",
                    "{url}: {host} resolves to {addresses}, a private, loopback or "
                    "link-local address; refused (only the connection's own host may be one)",
                    url=url,
                    host=host,
                    addresses=", ".join(bad),
                ),
                url=url,
            )
