"""Background work of invitations: delivering queued messages."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from mianshi.invitations.services import deliveries_maintain, delivery_attempt

MAX_RETRIES = 3


def backoff(retries: int) -> int:
    """Seconds before the next try: 1 min, 5 min, 25 min."""
    return 60 * 5**retries


@shared_task(name="invitations.deliver", bind=True, max_retries=MAX_RETRIES)
def deliver(self: Any, delivery_id: int) -> str:
    """Send one Delivery; a temporary failure (e.g. SMTP 4xx) is retried with backoff."""
    final = self.request.retries >= MAX_RETRIES
    outcome = delivery_attempt(delivery_id=delivery_id, final=final)
    if outcome == "retry":
        raise self.retry(countdown=backoff(self.request.retries))
    return outcome


@shared_task(name="invitations.maintain_deliveries")
def maintain_deliveries() -> dict[str, int]:
    """Re-send deliveries whose worker died or whose message never reached the broker."""
    return deliveries_maintain()
