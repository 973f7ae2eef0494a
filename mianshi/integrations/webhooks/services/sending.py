"""One HTTP attempt of a delivery: the signed request and what came back, never raising.

The body is the event's envelope as compact JSON, signed with every live secret of the
endpoint over `webhook-id.webhook-timestamp.body` (Standard Webhooks). The webhook-id is the
event's, the same on every retry and replay, so a receiver that dedupes on it processes
each event once however often we send it. The timestamp is the attempt's own: receivers
refuse a timestamp older than five minutes, and a retry comes hours later.
"""

from __future__ import annotations

import http.client
import json
import ssl
from dataclasses import dataclass, field
from types import TracebackType

from django.conf import settings
from django.utils.translation import gettext as _

from mianshi.common import stdwebhooks
from mianshi.common.crypto import DecryptionError
from mianshi.events.models import Event
from mianshi.integrations.webhooks.models import EXCERPT_BYTES, WebhookEndpoint
from mianshi.integrations.webhooks.outbound import OutboundRefused, Target, check_url
from mianshi.integrations.webhooks.pinned import PinnedConnection, pinned_post, pinned_session
from mianshi.integrations.webhooks.services.endpoints import signing_secrets

USER_AGENT = "Mianshi-Webhooks/1.0"


@dataclass(frozen=True)
class Outcome:
    """An attempt's result as stored: an HTTP status or an error, latency, excerpt."""

    status_code: int | None = None
    error: str = ""
    latency_ms: int | None = None
    excerpt: str = ""
    retry_after: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def gone(self) -> bool:
        return self.status_code == 410


@dataclass
class Sessions:
    """Keep-alive sessions for one task run (a drain): one per checked target, so a backlog
    to one receiver reuses its connection, and a host whose address changed between two
    sends gets a new session pinned to the new checked address."""

    open: dict[tuple[str, str, str, int | None], PinnedConnection] = field(default_factory=dict)

    def for_target(self, target: Target) -> PinnedConnection:
        key = (target.url.scheme, target.host, str(target.address), target.url.port)
        if key not in self.open:
            self.open[key] = pinned_session(target)
        return self.open[key]

    def __enter__(self) -> Sessions:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        for session in self.open.values():
            session.close()
        self.open.clear()


def body_of(event: Event) -> bytes:
    """The envelope as compact UTF-8 JSON: exactly the bytes that are signed."""
    envelope = event.envelope()
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


def _excerpt(raw: bytes) -> str:
    # Cut at EXCERPT_BYTES may split a character: drop the broken tail, keep the rest.
    return raw[:EXCERPT_BYTES].decode("utf-8", "ignore").strip()


def _error(exc: OSError | http.client.HTTPException) -> str:
    if isinstance(exc, TimeoutError):
        return _("No answer within %(s)s seconds.") % {"s": settings.WEBHOOK_TIMEOUT}
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return _("The TLS handshake or the certificate check failed.")
    if isinstance(exc, OSError | http.client.RemoteDisconnected):
        return _("The receiver could not be reached.")
    return _("The request failed: %(kind)s.") % {"kind": type(exc).__name__}


def attempt(endpoint: WebhookEndpoint, event: Event, sessions: Sessions | None = None) -> Outcome:
    """POST the event to the endpoint once: only 2xx is success, a redirect is a failure.
    The URL is checked again on every attempt; `sessions` keeps connections of one run."""
    try:
        target = check_url(endpoint.url)
    except OutboundRefused as exc:
        return Outcome(error=exc.message[:300])
    body = body_of(event)
    try:
        secrets = signing_secrets(endpoint)
    except DecryptionError:
        return Outcome(error=_("The signing secret cannot be read: is its key configured?"))
    headers = {
        **stdwebhooks.headers(secrets, event.message_id, body),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    session = sessions.for_target(target) if sessions is not None else None
    try:
        reply = pinned_post(
            target,
            body=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT,
            keep=EXCERPT_BYTES,
            session=session,
        )
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(error=_error(exc))
    return Outcome(
        status_code=reply.status,
        latency_ms=reply.latency_ms,
        excerpt=_excerpt(reply.excerpt),
        retry_after=reply.headers.get("retry-after"),
    )
