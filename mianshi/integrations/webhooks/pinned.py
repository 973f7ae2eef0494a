"""HTTP/1.1 to a checked address (outbound.py): the webhook sender's own small client.

The connection goes to the address `check_url` approved, never to a second DNS answer; the
Host header and TLS (SNI and the certificate's name) are the URL's host. Nothing is
followed: a redirect is an answer like any other. Only the first `keep` bytes of an answer
are read, within the timeout. One `PinnedConnection` is kept alive for a run's sends to one
target. http.client, not requests: a webhook is one small POST, and requests' machinery
(adapters, pools, hooks, cookie jars) cost more than the rest of a delivery together
(bench/events.py), while none of it is wanted here — no proxies from the environment (they
would bypass the check), no retries, no redirects.
"""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import time
from dataclasses import dataclass
from types import TracebackType

import certifi

from mianshi.integrations.webhooks.outbound import Target

# The connection was kept alive and the receiver closed it meanwhile: sent again, once.
STALE_ERRORS = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


def ca_bundle() -> str:
    """The CA bundle, as requests would take it from the environment (an on-prem EHR's
    private CA), else certifi's."""
    env = os.environ
    return env.get("REQUESTS_CA_BUNDLE") or env.get("CURL_CA_BUNDLE") or certifi.where()


@dataclass(frozen=True)
class Reply:
    """What came back: status, headers, the first bytes of the body, time to the headers."""

    status: int
    headers: dict[str, str]
    excerpt: bytes
    latency_ms: int


class _Connection(http.client.HTTPConnection):
    """Connects to the pinned address; `host` stays the URL's, for the Host header."""

    def __init__(self, target: Target, timeout: float) -> None:
        default = 443 if target.url.scheme == "https" else 80
        super().__init__(target.host, target.url.port or default, timeout=timeout)
        self.target = target

    def connect(self) -> None:
        address = (str(self.target.address), self.port)
        self.sock = socket.create_connection(address, self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.target.url.scheme == "https":
            context = ssl.create_default_context(cafile=ca_bundle())
            self.sock = context.wrap_socket(self.sock, server_hostname=self.target.host)


class PinnedConnection:
    """A keep-alive connection to one checked target (a context manager)."""

    def __init__(self, target: Target, timeout: float = 15.0) -> None:
        self.target = target
        self.conn = _Connection(target, timeout)
        self.used = False

    def __enter__(self) -> PinnedConnection:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def post(self, body: bytes, headers: dict[str, str], timeout: float, keep: int) -> Reply:
        """POST once (again once if a kept connection turned out closed)."""
        self.conn.timeout = timeout
        if self.conn.sock is not None:
            self.conn.sock.settimeout(timeout)
        try:
            return self._post(body, headers, timeout, keep)
        except STALE_ERRORS:
            if not self.used:
                raise
            self.conn.close()
            return self._post(body, headers, timeout, keep)

    def _post(self, body: bytes, headers: dict[str, str], timeout: float, keep: int) -> Reply:
        started = time.monotonic()
        path = self.target.url.path or "/"
        if self.target.url.query:
            path += "?" + self.target.url.query
        try:
            sent = {**headers, "Host": self.target.url.netloc}
            self.conn.request("POST", path, body=body, headers=sent)
            response = self.conn.getresponse()
        except BaseException:
            self.conn.close()
            raise
        latency = int((time.monotonic() - started) * 1000)
        excerpt = _read_some(response, keep, time.monotonic() + timeout)
        if response.length == 0:
            response.close()  # read to its end: the connection is kept for the next POST
        elif not response.isclosed():  # more than we read: it cannot be reused
            self.conn.close()
        self.used = True
        lowered = {k.lower(): v for k, v in response.getheaders()}
        return Reply(response.status, lowered, excerpt, latency)


def _read_some(response: http.client.HTTPResponse, keep: int, deadline: float) -> bytes:
    """Up to `keep` bytes of the body, within the deadline: a receiver trickling a byte at a
    time (each under the socket timeout) cannot hold the worker for long. One byte more is
    asked for, so a body of exactly `keep` bytes is seen whole and the connection kept."""
    data = b""
    while len(data) <= keep and time.monotonic() < deadline:
        chunk = response.read1(keep + 1 - len(data))
        if not chunk:
            break
        data += chunk
    return data[:keep]


def pinned_session(target: Target) -> PinnedConnection:
    """A connection to the checked target, to keep for the next POSTs to it."""
    return PinnedConnection(target)


def pinned_post(
    target: Target,
    *,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    keep: int,
    session: PinnedConnection | None = None,
) -> Reply:
    """POST to the checked address, never following a redirect; only the first `keep`
    bytes of the answer are read. A `session` keeps its connection for the next POST."""
    if session is None:
        with pinned_session(target) as own:
            return own.post(body, headers, timeout, keep)
    return session.post(body, headers, timeout, keep)
