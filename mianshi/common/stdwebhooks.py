"""Standard Webhooks 1.0 signatures, one home for sending and receiving.

`webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with the secret's
bytes (`whsec_` + base64). Several space-separated signatures may be sent while a secret is
rotated; a receiver accepts any that matches, within a tolerance on the timestamp so an
old message cannot be replayed. Receivers in tests verify with the independent
`standardwebhooks` package, never with this code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable, Mapping

PREFIX = "whsec_"
TOLERANCE = 5 * 60  # seconds, the spec's recommendation


class SignatureError(Exception):
    """The message is not signed by a known secret, or its timestamp is too far off."""


def secret_new() -> str:
    """A fresh 24-byte secret in the spec's `whsec_` form."""
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """One `v1,<signature>` of the message."""
    payload = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), payload, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(
    secrets_: Iterable[str], msg_id: str, body: bytes, now: int | None = None
) -> dict[str, str]:
    """The three headers, signed by every given secret (old and new during a rotation)."""
    stamp = int(time.time()) if now is None else now
    signatures = " ".join(sign(s, msg_id, stamp, body) for s in secrets_)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": signatures,
    }


def verify(
    secrets_: Iterable[str], body: bytes, received: Mapping[str, str], now: int | None = None
) -> str:
    """The message id when one of the signatures matches one of the secrets, within the
    tolerance; SignatureError otherwise."""
    lowered = {k.lower(): v for k, v in received.items()}
    msg_id, stamp = lowered.get("webhook-id", ""), lowered.get("webhook-timestamp", "")
    if not msg_id or not stamp.isdigit():
        raise SignatureError("missing webhook-id or webhook-timestamp")
    current = int(time.time()) if now is None else now
    if abs(current - int(stamp)) > TOLERANCE:
        raise SignatureError("timestamp outside the tolerance")
    offered = set(lowered.get("webhook-signature", "").split())
    for secret in secrets_:
        if any(hmac.compare_digest(sign(secret, msg_id, int(stamp), body), o) for o in offered):
            return msg_id
    raise SignatureError("no matching signature")
