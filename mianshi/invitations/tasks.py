"""Background work of invitations: delivering queued messages."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from mianshi.common.retry import MAX_RETRIES, attempt_or_retry
from mianshi.invitations.services import deliveries_maintain, delivery_attempt


@shared_task(name="invitations.deliver", bind=True, max_retries=MAX_RETRIES)
def deliver(self: Any, delivery_id: int) -> str:
    """Send one Delivery; a temporary failure (e.g. SMTP 4xx) is retried with backoff."""
    return attempt_or_retry(
        self, lambda final: delivery_attempt(delivery_id=delivery_id, final=final)
    )


@shared_task(name="invitations.maintain_deliveries")
def maintain_deliveries() -> dict[str, int]:
    """Re-send deliveries whose worker died or whose message never reached the broker."""
    return deliveries_maintain()
