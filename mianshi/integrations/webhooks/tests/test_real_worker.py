"""A REAL Celery worker killed while the receiver holds its request: the delivery is given
back by the sweep, a second worker sends it again with the same webhook-id, and the
idempotent receiver processes the event once. Nothing is lost, nothing done twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import Org
from mianshi.common.tests.real_worker import RealWorkers
from mianshi.integrations.webhooks.models import DeliveryStatus, WebhookDelivery
from mianshi.integrations.webhooks.services import deliveries_sweep
from mianshi.integrations.webhooks.tests.conftest import Hook, emit
from mianshi.integrations.webhooks.tests.receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)
S = DeliveryStatus


def status() -> str | None:
    return WebhookDelivery.objects.values_list("status", flat=True).first()


def test_a_worker_killed_mid_delivery_is_replaced_and_the_event_processed_once(
    hook: Hook, org: Org, receiver: Receiver, real_workers: RealWorkers
) -> None:
    real_workers.extra_env |= {
        "MIANSHI_WEBHOOK_ALLOW": "127.0.0.1",
        "MIANSHI_WEBHOOK_TIMEOUT": "60",
    }
    hook()
    receiver.hold.clear()  # it processes the message, then keeps the sender waiting
    first = real_workers.start()
    event = emit(org.sh)
    real_workers.wait_until(
        lambda: receiver.received and status() == S.SENDING, what="the held request", timeout=120
    )
    first.kill()
    receiver.hold.set()
    assert receiver.processed == {event.message_id: 1} and status() == S.SENDING

    assert deliveries_sweep(stale=timedelta(0)) == {"given_back": 1, "queued": 1}
    real_workers.start()
    real_workers.wait_until(lambda: status() == S.SUCCEEDED, what="the redelivery", timeout=120)

    assert [r.headers["webhook-id"] for r in receiver.received] == [event.message_id] * 2
    assert receiver.processed == {event.message_id: 1}
    delivery = WebhookDelivery.objects.get()
    assert [a.status_code for a in delivery.attempt_rows.all()] == [None, 204]
