"""Background work of webhooks: an endpoint's backlog, one delivery's retry, the sweep, the
owner's mail."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from mianshi.common.mail import DeliveryError
from mianshi.integrations.webhooks.services import (
    deliveries_sweep,
    delivery_send,
    endpoint_drain,
    webhook_gone_notify,
)


@shared_task(name="webhooks.deliver", ignore_result=True)
def deliver(delivery_id: int) -> str:
    return delivery_send(delivery_id=delivery_id)


@shared_task(name="webhooks.drain", ignore_result=True)
def drain(endpoint_id: int) -> dict[str, int]:
    return endpoint_drain(endpoint_id=endpoint_id)


@shared_task(name="webhooks.sweep", ignore_result=True)
def sweep_deliveries() -> dict[str, int]:
    return deliveries_sweep()


@shared_task(name="webhooks.notify_gone", bind=True, max_retries=5, ignore_result=True)
def notify_gone(self: Any, endpoint_id: int) -> str:
    """Mail the owner of an endpoint a 410 disabled; a busy mail server is tried again."""
    try:
        return webhook_gone_notify(endpoint_id=endpoint_id)
    except DeliveryError as exc:
        raise self.retry(countdown=60 * 2**self.request.retries) from exc
