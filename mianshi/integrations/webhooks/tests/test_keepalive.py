"""One keep-alive connection per drain: a backlog to one receiver goes over one TCP
connection, still to the checked address, and over HTTPS the host's certificate is still
checked on the kept session (the SSRF guard of outbound.py is unchanged)."""

from __future__ import annotations

import ssl
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from conftest import Org
from mianshi.accounts.models import User
from mianshi.common import stdwebhooks
from mianshi.events.services import event_emit
from mianshi.integrations.webhooks.models import DeliveryStatus, WebhookDelivery
from mianshi.integrations.webhooks.outbound import check_url
from mianshi.integrations.webhooks.pinned import pinned_post, pinned_session
from mianshi.integrations.webhooks.services import deliveries_fanout, delivery_send, webhook_create
from mianshi.integrations.webhooks.tests.receiver import Answer, Receiver, _handler
from mianshi.integrations.webhooks.tests.tls import self_signed


class KeepAliveReceiver(Receiver):
    """The tests' receiver speaking HTTP/1.1 (connections stay open, as most servers do),
    noting the client port of each request: one port, one connection. With `drop_idle`,
    it closes each connection after answering without saying so, as a server does whose
    idle timeout ends a kept connection."""

    def __init__(self, *, drop_idle: bool = False) -> None:
        super().__init__()
        self.ports: list[int] = []
        self.drop_idle = drop_idle

    def start(self, tls: ssl.SSLContext | None = None) -> KeepAliveReceiver:
        base = _handler(self)
        ports, drop_idle = self.ports, self.drop_idle

        class Handler(base):  # type: ignore[valid-type,misc]
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                ports.append(self.client_address[1])
                super().do_POST()
                self.close_connection = drop_idle

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self


@pytest.mark.django_db
def test_a_drained_backlog_goes_over_one_connection(admin: User, org: Org) -> None:
    receiver = KeepAliveReceiver().start()
    try:
        _, receiver.secret = webhook_create(
            actor=admin, org_unit=org.sh, url=receiver.url, event_types=[]
        )
        for n in range(3):
            event = event_emit(
                type="candidate.created", data={"candidate_id": n}, org_unit_id=org.sh.pk
            )
            deliveries_fanout(events=[event])
        first = WebhookDelivery.objects.order_by("event_id").first()
        assert first is not None and delivery_send(delivery_id=first.pk) == "succeeded"
        statuses = set(WebhookDelivery.objects.values_list("status", flat=True))
        assert statuses == {DeliveryStatus.SUCCEEDED}
        assert [r.verified for r in receiver.received] == [True, True, True]
        assert len(receiver.ports) == 3 and len(set(receiver.ports)) == 1
    finally:
        receiver.stop()


@pytest.mark.parametrize("cert_for", ["localhost", "elsewhere.example"])
def test_a_kept_https_session_still_checks_the_host_name(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cert_for: str
) -> None:
    settings.WEBHOOK_ALLOW = ["localhost"]
    cert, context = self_signed(tmp_path, cert_for)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    receiver = KeepAliveReceiver().start(tls=context)
    try:
        target = check_url(f"https://localhost:{receiver.port}/h")
        with pinned_session(target) as session:
            post = {"body": b"{}", "headers": {}, "timeout": 2, "keep": 10, "session": session}
            if cert_for != "localhost":
                with pytest.raises(ssl.SSLError):
                    pinned_post(target, **post)  # type: ignore[arg-type]
                return
            replies = [pinned_post(target, **post).status for _ in range(2)]  # type: ignore[arg-type]
        assert replies == [401, 401]  # unsigned, but heard
        assert len(set(receiver.ports)) == 1
        assert receiver.received[0].headers["host"] == f"localhost:{receiver.port}"
    finally:
        receiver.stop()


def post_twice(receiver: KeepAliveReceiver, keep: int) -> list[int]:
    """Two signed POSTs over one kept connection (if it can be kept)."""
    receiver.secret = stdwebhooks.secret_new()
    target = check_url(f"http://localhost:{receiver.port}/h")
    statuses, body = [], b'{"type":"candidate.created","data":{}}'
    with pinned_session(target) as session:
        for n in range(2):
            signed = stdwebhooks.headers([receiver.secret], f"msg_{n}", body)
            reply = pinned_post(
                target, body=body, headers=signed, timeout=2, keep=keep, session=session
            )
            statuses.append(reply.status)
    return statuses


def test_a_kept_connection_the_receiver_closed_is_opened_again(settings: Any) -> None:
    settings.WEBHOOK_ALLOW = ["localhost"]
    receiver = KeepAliveReceiver(drop_idle=True).start()
    try:
        assert post_twice(receiver, keep=10) == [204, 204]
        assert len(receiver.received) == 2 and len(set(receiver.ports)) == 2
    finally:
        receiver.stop()


@pytest.mark.parametrize(("body", "connections"), [(b"x" * 11, 1), (b"x" * 50, 2)])
def test_an_answer_longer_than_the_excerpt_ends_the_connection(
    settings: Any, body: bytes, connections: int
) -> None:
    """Unread bytes would be taken for the next answer: only a body read whole keeps it."""
    settings.WEBHOOK_ALLOW = ["localhost"]
    receiver = KeepAliveReceiver().start()
    receiver.script = [Answer(status=200, body=body), Answer(status=200, body=body)]
    try:
        assert post_twice(receiver, keep=10) == [200, 200]
        assert len(set(receiver.ports)) == connections
    finally:
        receiver.stop()
