"""A TCP relay in front of the CKAN test site that acts at a chosen moment of one request.

The engine under test talks to the relay's URL instead of CKAN's. Every request is passed
through unchanged (one request per connection: the relay answers ``Connection: close``),
except the first one a `Trigger` matches: at the trigger's moment the relay calls its
`action` (kill CKAN, SIGKILL the Airflow task process...) and then closes the client's
connection without an answer, as a dying server or a cut network would. The moments:

- ``received``: the whole request reached the relay; CKAN has seen nothing of it;
- ``half_sent``: CKAN has the headers and half the body (an upload under way);
- ``answered``: CKAN has done the request and answered; the client never gets that answer.

Nothing is faked: CKAN, its database and the client are the real ones. The relay only
chooses the moment. A request that finds CKAN down gets its connection closed unanswered.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MOMENTS = ("received", "half_sent", "answered")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def action(self) -> str:
        """The CKAN action a ``/api/3/action/<name>`` request calls ('' otherwise)."""
        prefix = "/api/3/action/"
        return self.path.split("?")[0][len(prefix) :] if self.path.startswith(prefix) else ""

    @property
    def is_upload(self) -> bool:
        return self.headers.get("content-type", "").startswith("multipart/form-data")


@dataclass
class Trigger:
    """At `moment` of the first request `matches` accepts, run `action`, drop the client."""

    matches: Callable[[Request], bool]
    moment: str
    action: Callable[[], None]
    fired: threading.Event = field(default_factory=threading.Event)
    fired_at: float | None = None

    def __post_init__(self) -> None:
        if self.moment not in MOMENTS:
            raise ValueError(f"moment must be one of {MOMENTS}, not {self.moment!r}")


class Relay:
    """Listens on 127.0.0.1 (a free port) and relays to ``upstream_port``; `url` is its base."""

    def __init__(self, upstream_port: int, trigger: Trigger | None = None) -> None:
        self.upstream_port = upstream_port
        self.trigger = trigger
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._closed = True
        self._listener.close()

    def __enter__(self) -> Relay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _armed_for(self, request: Request) -> Trigger | None:
        with self._lock:
            trigger = self.trigger
            if trigger is None or trigger.fired.is_set() or not trigger.matches(request):
                return None
            trigger.fired.set()
            trigger.fired_at = time.monotonic()
            return trigger

    def _serve(self, client: socket.socket) -> None:
        with client:
            try:
                head, body = _read_request(client)
            except (OSError, ValueError):
                return
            request = _parse(head, body)
            self.requests.append(request)
            trigger = self._armed_for(request)
            if trigger is not None and trigger.moment == "received":
                trigger.action()
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=300)
            except OSError:
                return  # CKAN is down: the client's connection closes unanswered
            with upstream:
                try:
                    upstream.sendall(_close_after(head))
                    if trigger is not None and trigger.moment == "half_sent":
                        upstream.sendall(body[: len(body) // 2])
                        time.sleep(0.2)  # CKAN reads what it got before it dies
                        trigger.action()
                        return
                    upstream.sendall(body)
                    answer = _read_all(upstream)
                except OSError:
                    return
            if trigger is not None and trigger.moment == "answered":
                trigger.action()
                return
            with contextlib.suppress(OSError):
                client.sendall(answer)


def _read_request(sock: socket.socket) -> tuple[bytes, bytes]:
    """The request head (up to the blank line) and its Content-Length body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ValueError("connection closed before the request head ended")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    headers = _headers(head)
    if "chunked" in headers.get("transfer-encoding", ""):
        raise ValueError("chunked request bodies are not relayed")
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(min(1 << 20, length - len(body)))
        if not chunk:
            raise ValueError("connection closed before the request body ended")
        body += chunk
    return head + b"\r\n\r\n", body


def _headers(head: bytes) -> dict[str, str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    return {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in lines if line)
    }


def _parse(head: bytes, body: bytes) -> Request:
    method, path, _ = head.decode("latin-1").split("\r\n", 1)[0].split(" ", 2)
    return Request(method, path, _headers(head.rstrip(b"\r\n")), body)


def _close_after(head: bytes) -> bytes:
    """The head with ``Connection: close``, so CKAN ends its answer by closing."""
    lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
    kept = [line for line in lines if not line.lower().startswith("connection:")]
    return ("\r\n".join([*kept, "Connection: close"]) + "\r\n\r\n").encode("latin-1")


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)
