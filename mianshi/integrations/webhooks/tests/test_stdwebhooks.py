"""common/stdwebhooks against the independent `standardwebhooks` package, both ways: what we
sign it verifies (one secret or two during a rotation), and what it signs our `verify`
accepts (inbound webhooks), refusing a changed body, an unknown secret or an old message."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from mianshi.common import stdwebhooks

BODY = b'{"type":"employee.updated","timestamp":"2026-12-06T08:00:00Z","data":{}}'


def test_our_signatures_verify_with_the_package_for_every_secret() -> None:
    old, new = stdwebhooks.secret_new(), stdwebhooks.secret_new()
    assert old.startswith("whsec_") and old != new
    headers = stdwebhooks.headers([new, old], "msg_1", BODY)
    assert len(headers["webhook-signature"].split()) == 2
    for secret in (old, new):
        assert Webhook(secret).verify(BODY, headers) == {
            "type": "employee.updated", "timestamp": "2026-12-06T08:00:00Z", "data": {},
        }  # fmt: skip


def _signed_by_package(secret: str, body: bytes, at: datetime) -> dict[str, str]:
    signature = Webhook(secret).sign("msg_2", at, body)
    return {
        "webhook-id": "msg_2",
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }


def test_verify_accepts_what_the_package_signs_and_refuses_the_rest() -> None:
    secret, other = stdwebhooks.secret_new(), stdwebhooks.secret_new()
    now = datetime.now(UTC)
    headers = _signed_by_package(secret, BODY, now)
    assert stdwebhooks.verify([other, secret], BODY, headers) == "msg_2"
    with pytest.raises(stdwebhooks.SignatureError):
        stdwebhooks.verify([secret], BODY + b" ", headers)
    with pytest.raises(stdwebhooks.SignatureError):
        stdwebhooks.verify([other], BODY, headers)
    stale = _signed_by_package(secret, BODY, now - timedelta(minutes=6))
    with pytest.raises(stdwebhooks.SignatureError):
        stdwebhooks.verify([secret], BODY, stale, now=int(time.time()))
    with pytest.raises(stdwebhooks.SignatureError):
        stdwebhooks.verify([secret], BODY, {"webhook-id": "msg_2"})
