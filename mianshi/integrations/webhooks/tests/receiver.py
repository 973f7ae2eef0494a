"""A webhook receiver on loopback, as an integrator writes one from the Standard Webhooks docs.

It verifies every request with the independent `standardwebhooks` package (never our own
signing code), processes each `webhook-id` once however often it arrives (the idempotent
receiver the spec asks for), and answers what the test scripts: a status, headers (e.g.
Retry-After, Location), a delay longer than the sender's timeout, or a hold until released.
It can be stopped and started again on the same port (a receiver that is down for a while).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Answer:
    """One scripted answer (served in order; then 204 for everything)."""

    status: int = 204
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0


@dataclass
class Received:
    """A request as it arrived."""

    headers: dict[str, str]
    body: bytes
    verified: bool
    answered: int


class Receiver:
    """The receiving end; `secret` is what its owner copied from our page."""

    def __init__(self, secret: str = "") -> None:
        # Until a test gives it the endpoint's secret, it knows one nobody signs with.
        self.secret = secret or "whsec_" + base64.b64encode(os.urandom(24)).decode()
        self.script: list[Answer] = []
        self.received: list[Received] = []
        self.processed: Counter[str] = Counter()  # webhook-id → times processed (once)
        self.accepted: Counter[str] = Counter()  # webhook-id → times answered 2xx
        self.order: list[str] = []  # event types, in the order they were processed
        self.hold = threading.Event()
        self.hold.set()  # cleared by a test: the next requests wait until it is set again
        self.lock = threading.Lock()
        self.port = 0
        self.scheme = "http"
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/hooks/mianshi"

    def start(self, tls: ssl.SSLContext | None = None) -> Receiver:
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def verify(self, secret: str, request: Received) -> Any:
        """The payload if `secret` verifies this request (raises otherwise)."""
        return Webhook(secret).verify(request.body, request.headers)

    def handle(self, headers: dict[str, str], body: bytes) -> Answer:
        with self.lock:
            answer = self.script.pop(0) if self.script else Answer()
        verified = self._verified(headers, body)
        if verified and 200 <= answer.status < 300:
            self._process(headers["webhook-id"], body)
        with self.lock:
            status = answer.status if verified else 401
            self.received.append(Received(headers, body, verified, status))
        return answer if verified else Answer(status=401)

    def _verified(self, headers: dict[str, str], body: bytes) -> bool:
        try:
            Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError:
            return False
        return True

    def _process(self, msg_id: str, body: bytes) -> None:
        """Process a message unless its webhook-id was processed before (then only count
        the duplicate): what the spec asks of receivers, since senders deliver at least once."""
        with self.lock:
            self.accepted[msg_id] += 1
            if msg_id not in self.processed:
                self.processed[msg_id] = 1
                self.order.append(json.loads(body)["type"])

    def wait_for(self, count: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.received)} requests, expected {count}")
            time.sleep(0.02)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            answer = receiver.handle(headers, body)
            receiver.hold.wait(60)
            time.sleep(answer.delay)
            # The sender may have given up waiting (a timeout test).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._answer(answer)

        def _answer(self, answer: Answer) -> None:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
