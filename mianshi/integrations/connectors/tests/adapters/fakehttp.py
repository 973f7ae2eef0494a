"""A small real HTTP server on loopback that partner fakes build on.

Each fake (Moka, YonBIP, a REST EHR, a SOAP EHR) answers from its partner's published
API; this base only does the sockets, records every request so tests can assert on what
arrived, and can be told to answer 429 with Retry-After or to be slow.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    """One request as the partner saw it (header names lower-cased)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def q(self, name: str) -> str:
        return self.query.get(name, [""])[0]

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def json_reply(document: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps(document, ensure_ascii=False).encode()
    return Reply(
        status, body, {"Content-Type": "application/json;charset=UTF-8", **(headers or {})}
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client that gave up (the timeout tests) closed its end: not an error here
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeServer(ABC):
    """Subclasses answer in `respond`; `busy` answers that many requests with
    `busy_status` (429, or 503 for a partner down for maintenance) and Retry-After."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.busy = 0
        self.retry_after = "7"
        self.busy_status = 429
        self.delay = 0.0
        self._lock = threading.Lock()
        self._server: _Server | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @abstractmethod
    def respond(self, req: Received) -> Reply:
        """The partner's answer to one request (each fake speaks its own protocol)."""

    def paths(self) -> list[str]:
        return [r.path for r in self.received]

    def _answer(self, req: Received) -> Reply:
        with self._lock:
            self.received.append(req)
            if self.busy > 0:
                self.busy -= 1
                return json_reply(
                    {"message": "too many requests"},
                    self.busy_status,
                    {"Retry-After": self.retry_after},
                )
        time.sleep(self.delay)
        return self.respond(req)

    def start(self) -> FakeServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                req = Received(
                    self.command,
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                )
                reply = fake._answer(req)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        server = self._server
        # a short poll interval so stop() returns at once rather than after 0.5 s
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
