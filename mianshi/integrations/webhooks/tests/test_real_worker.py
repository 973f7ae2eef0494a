"""A REAL Celery worker killed while the receiver holds its request: the delivery is given
back by the sweep, a second worker sends it again with the same webhook-id, and the
idempotent receiver processes the event once. Nothing is lost, nothing done twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Org
from mianshi.common.tests.real_worker import RealWorkers
from mianshi.integrations.webhooks.models import DeliveryStatus, WebhookDelivery
from mianshi.integrations.webhooks.services import deliveries_sweep
from mianshi.integrations.webhooks.tests.conftest import Hook, emit
from mianshi.integrations.webhooks.tests.receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)
S = DeliveryStatus


def all_delivered() -> bool:
    """Whether every delivery landed; a retry a slow machine pushed to the 5 min step is
    made due and swept, as the beat's sweep would do then."""
    later = timezone.now() + timedelta(seconds=60)
    waiting = WebhookDelivery.objects.filter(status=S.PENDING, next_attempt_at__gt=later)
    if waiting.update(next_attempt_at=timezone.now()):
        deliveries_sweep()
    return set(WebhookDelivery.objects.values_list("status", flat=True)) == {S.SUCCEEDED}


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


def test_a_receiver_down_for_a_while_gets_every_event_once_from_a_real_worker(
    hook: Hook, org: Org, receiver: Receiver, real_workers: RealWorkers
) -> None:
    real_workers.extra_env |= {"MIANSHI_WEBHOOK_ALLOW": "127.0.0.1"}
    hook()
    receiver.stop()
    real_workers.start()
    events = [emit(org.sh, candidate_id=n) for n in range(1, 7)]
    real_workers.wait_until(
        lambda: WebhookDelivery.objects.filter(attempts__gte=1, status=S.PENDING).count() == 6,
        what="a first failed attempt of each", timeout=120,
    )  # fmt: skip
    receiver.start()  # back, mostly within the first retry's 5 s (the broker's countdown)
    real_workers.wait_until(all_delivered, what="every retry", timeout=120, every=2)
    assert receiver.processed == {e.message_id: 1 for e in events}
    assert sum(receiver.accepted.values()) == 6  # each accepted once: nothing sent twice
