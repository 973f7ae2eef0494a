"""Moka's webhooks carry `?sign=<hex HMAC-SHA256 of the request body>` keyed with the
signing key agreed with Moka ("主动推送说明 / 签名验证").

Verify over the raw bytes as received: Moka signs the body it sends, and parsing then
re-serialising JSON would change spacing or key order and break a genuine signature.
"""

from __future__ import annotations

import hashlib
import hmac


def verify_moka_webhook(secret: str, body: bytes, sign: str) -> bool:
    """True when `sign` is Moka's signature of `body` under `secret` (constant time)."""
    if not secret or not sign:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), sign.strip().lower().encode())
