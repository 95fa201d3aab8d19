"""Local sample agency server: replays the formats of BPS, BMKG, CKAN portals, an
aspirasi API and the OPD Excel inbox, plus static files under ``data/``.

    python stack/sample_agency/server.py --host 127.0.0.1 --port 8765 [--data DIR]

Standard library only. Runs in the foreground, logs to stderr, exits on SIGTERM.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import mimetypes
import signal
import sys
import threading
import time
from dataclasses import replace
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from urllib.parse import parse_qs, unquote, urlsplit

import aspirasi_api
import bmkg_api
import bps_api
import ckan_api
import faults
import inbox_xlsx
from replies import Reply, json_reply

LOG = logging.getLogger("sample_agency")
DEFAULT_DATA = Path(__file__).resolve().parent / "data"
# Generated replies do not change while the code does not, so one fixed date is honest.
GENERATED_AT = "Wed, 15 Jan 2025 01:00:00 GMT"
mimetypes.add_type("text/csv", ".csv")


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


class AgencyHandler(BaseHTTPRequestHandler):
    server_version = "SampleAgency/1.0"
    protocol_version = "HTTP/1.1"
    data_dir: Path = DEFAULT_DATA

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._serve(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        LOG.info("%s %s", self.address_string(), format % args)

    def _serve(self, send_body: bool) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        try:
            if path == "/healthz":
                self._send(json_reply({"status": "ok"}), send_body)
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            step = faults.take(query)
            if step is not None and step.kind == "status":
                self._send(faults.status_reply(step), send_body)
                return
            if step is not None and step.kind == "hang":
                time.sleep(step.value)
                self.close_connection = True
                return
            fault = faults.handle(path, query, headers)
            if isinstance(fault, tuple):
                self._send_short(*fault)
                return
            reply, mtime = (fault, None) if fault is not None else self._route(path, query, headers)
            if step is not None and step.kind in ("short", "cut") and reply.status == 200:
                if step.kind == "short":
                    self._send_short(
                        replace(reply, body=reply.body[: len(reply.body) // 2]), len(reply.body)
                    )
                else:
                    body = faults.cut_body(reply.body)
                    self._send_short(replace(reply, body=body), len(body))
                return
            self._send(reply, send_body, mtime=mtime)
        except (BrokenPipeError, ConnectionResetError):
            LOG.info("client went away during %s", path)
        except Exception:
            LOG.exception("error serving %s", path)
            self._send(json_reply({"message": "Internal Server Error"}, 500), send_body)

    def _route(
        self, path: str, query: dict[str, list[str]], headers: dict[str, str]
    ) -> tuple[Reply, int | None]:
        """The reply of an agency API, else of a static file, and the file's mtime."""
        reply = (
            bps_api.handle(path, query)
            or bmkg_api.handle(path, query)
            or ckan_api.handle(path, query)
            or aspirasi_api.handle(path, query, headers)
            or inbox_xlsx.handle(path)
        )
        if reply is None:
            return self._static(path)
        if reply.status == 200:
            reply.headers.setdefault("Last-Modified", GENERATED_AT)
        return reply, None

    def _static(self, path: str) -> tuple[Reply, int | None]:
        root = self.data_dir.resolve()
        target = (root / path.lstrip("/")).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return json_reply({"message": f"Not Found: {path}"}, 404), None
        body = target.read_bytes()
        mtime = int(target.stat().st_mtime)
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        reply = Reply(200, body, content_type, {"Last-Modified": formatdate(mtime, usegmt=True)})
        return reply, mtime

    def _not_modified(self, etag: str, mtime: int | None) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:
            return etag in {m.strip() for m in match.split(",")} or match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since and mtime is not None:
            try:
                return mtime <= int(parsedate_to_datetime(since).timestamp())
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, reply: Reply, send_body: bool, mtime: int | None = None) -> None:
        headers = dict(reply.headers)
        if reply.status == 200 and reply.conditional:
            headers["ETag"] = _etag(reply.body)
            if mtime is None and reply.headers.get("Last-Modified") == GENERATED_AT:
                mtime = int(parsedate_to_datetime(GENERATED_AT).timestamp())
            if self._not_modified(headers["ETag"], mtime):
                self.send_response(304)
                for name in ("ETag", "Last-Modified"):
                    if name in headers:
                        self.send_header(name, headers[name])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(reply.body)

    def _send_short(self, reply: Reply, declared: int) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(declared))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(reply.body)
        self.wfile.flush()
        self.close_connection = True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="static files root")
    args = parser.parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s %(message)s"
    )
    handler = type("Handler", (AgencyHandler,), {"data_dir": args.data})
    server = ThreadingHTTPServer((args.host, args.port), handler)
    server.daemon_threads = True
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        LOG.info("signal %s received, stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    worker = threading.Thread(target=server.serve_forever, name="http", daemon=True)
    worker.start()
    LOG.info("serving on http://%s:%s (data %s)", args.host, server.server_port, args.data)
    stop.wait()
    server.shutdown()
    server.server_close()
    LOG.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
