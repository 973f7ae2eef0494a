"""Order per endpoint, at the claim: a later event's delivery waits while an earlier one is
in flight (being sent, or not yet tried), and goes on once the earlier one waits for a
retry. Called directly (no tasks), so each step is seen on its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Org
from mianshi.events.services import event_emit
from mianshi.integrations.webhooks.models import DeliveryStatus, WebhookDelivery
from mianshi.integrations.webhooks.services import deliveries_fanout, delivery_send
from mianshi.integrations.webhooks.tests.conftest import Hook
from mianshi.integrations.webhooks.tests.receiver import Receiver

pytestmark = pytest.mark.django_db
S = DeliveryStatus


def two_deliveries(org: Org) -> tuple[WebhookDelivery, WebhookDelivery]:
    events = [
        event_emit(type="candidate.created", data={"candidate_id": n}, org_unit_id=org.sh.pk)
        for n in (1, 2)
    ]
    for event in events:
        deliveries_fanout(events=[event])
    first, second = WebhookDelivery.objects.order_by("event_id")
    return first, second


def test_a_later_event_waits_for_an_earlier_one_in_flight(
    hook: Hook, org: Org, receiver: Receiver
) -> None:
    hook()
    first, second = two_deliveries(org)
    assert delivery_send(delivery_id=second.pk) == "skipped"  # the first is not tried yet

    WebhookDelivery.objects.filter(pk=first.pk).update(status=S.SENDING)
    assert delivery_send(delivery_id=second.pk) == "skipped"  # the first is being sent

    later = timezone.now() + timedelta(minutes=5)
    WebhookDelivery.objects.filter(pk=first.pk).update(
        status=S.PENDING, attempts=1, next_attempt_at=later
    )
    assert delivery_send(delivery_id=second.pk) == "succeeded"  # the first waits out of line
    assert receiver.order == ["candidate.created"] and len(receiver.processed) == 1


def test_one_run_drains_the_backlog_in_order(hook: Hook, org: Org, receiver: Receiver) -> None:
    hook()
    first, second = two_deliveries(org)
    assert delivery_send(delivery_id=first.pk) == "succeeded"  # and the second after it
    assert delivery_send(delivery_id=second.pk) == "skipped"  # its own task finds it done
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {S.SUCCEEDED}
    assert [r.headers["webhook-id"] for r in receiver.received] == [
        first.event.message_id,
        second.event.message_id,
    ]


def test_a_delivery_is_sent_once_however_often_its_task_runs(
    hook: Hook, org: Org, receiver: Receiver
) -> None:
    hook()
    first, _ = two_deliveries(org)
    outcomes = [delivery_send(delivery_id=first.pk) for _ in range(3)]
    assert outcomes == ["succeeded", "skipped", "skipped"]
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(ids) == len(set(ids)) == 2  # each of the two events sent once
