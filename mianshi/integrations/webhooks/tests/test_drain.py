"""An endpoint's backlog goes out in batches by one run at a time: in order, the successes
settled together, and a receiver that cannot be reached costs one try per batch."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import Org
from mianshi.events.services import event_emit
from mianshi.integrations.webhooks.models import (
    DeliveryAttempt,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from mianshi.integrations.webhooks.services import deliveries_fanout, endpoint_drain
from mianshi.integrations.webhooks.services import drain as drain_module
from mianshi.integrations.webhooks.tests.conftest import Hook
from mianshi.integrations.webhooks.tests.receiver import Answer, Receiver

pytestmark = pytest.mark.django_db
S = DeliveryStatus


def backlog(org: Org, n: int) -> list[WebhookDelivery]:
    events = [
        event_emit(type="candidate.created", data={"candidate_id": k}, org_unit_id=org.sh.pk)
        for k in range(n)
    ]
    assert deliveries_fanout(events=events) == n
    return list(WebhookDelivery.objects.order_by("event_id"))


def sent_ids(receiver: Receiver) -> list[str]:
    return [r.headers["webhook-id"] for r in receiver.received]


def test_a_backlog_goes_out_in_order_in_batches(
    hook: Hook, org: Org, receiver: Receiver, monkeypatch: Any
) -> None:
    monkeypatch.setattr(drain_module, "BATCH", 3)
    endpoint = hook()
    deliveries = backlog(org, 7)
    assert endpoint_drain(endpoint_id=endpoint.pk) == {"succeeded": 7}
    assert sent_ids(receiver) == [d.event.message_id for d in deliveries]
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {(S.SUCCEEDED, 1)}
    assert DeliveryAttempt.objects.filter(status_code=204).count() == 7


def test_one_run_at_a_time_sends_an_endpoint(hook: Hook, org: Org, receiver: Receiver) -> None:
    endpoint = hook()
    first, *_ = backlog(org, 3)
    WebhookDelivery.objects.filter(pk=first.pk).update(status=S.SENDING)  # another run's
    assert endpoint_drain(endpoint_id=endpoint.pk) == {}
    assert receiver.received == []


def test_an_unreachable_receiver_costs_one_try_and_the_rest_waits_untried(
    hook: Hook, org: Org, receiver: Receiver
) -> None:
    endpoint = hook()
    first, *rest = backlog(org, 4)
    receiver.stop()
    assert endpoint_drain(endpoint_id=endpoint.pk) == {"retry": 1}
    first.refresh_from_db()
    assert (first.status, first.attempts) == (S.PENDING, 1)
    waiting = WebhookDelivery.objects.filter(pk__in=[d.pk for d in rest])
    assert set(waiting.values_list("status", "attempts")) == {(S.PENDING, 0)}
    assert set(waiting.values_list("next_attempt_at", flat=True)) == {first.next_attempt_at}
    assert DeliveryAttempt.objects.count() == 1  # only the one tried


def test_after_the_retry_everything_arrives_in_order(
    hook: Hook, org: Org, receiver: Receiver
) -> None:
    endpoint = hook()
    deliveries = backlog(org, 4)
    receiver.stop()
    endpoint_drain(endpoint_id=endpoint.pk)
    receiver.start()
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert endpoint_drain(endpoint_id=endpoint.pk) == {"succeeded": 4}
    assert sent_ids(receiver) == [d.event.message_id for d in deliveries]


def test_an_error_answer_fails_only_its_own_delivery(
    hook: Hook, org: Org, receiver: Receiver
) -> None:
    """A receiver that answers is reachable: a 500 for one message is that message's."""
    endpoint = hook()
    backlog(org, 3)
    receiver.script = [Answer(status=204), Answer(status=500)]
    assert endpoint_drain(endpoint_id=endpoint.pk) == {"succeeded": 2, "retry": 1}
    statuses = list(WebhookDelivery.objects.order_by("event_id").values_list("status", flat=True))
    assert statuses == [S.SUCCEEDED, S.PENDING, S.SUCCEEDED]


def test_a_410_stops_the_rest_of_the_batch(hook: Hook, org: Org, receiver: Receiver) -> None:
    endpoint = hook()
    backlog(org, 3)
    receiver.script = [Answer(status=410)]
    counts = endpoint_drain(endpoint_id=endpoint.pk)
    assert counts == {"gone": 1, "stopped": 2}
    assert len(receiver.received) == 1
    endpoint.refresh_from_db()
    assert not endpoint.enabled


def test_a_slow_batch_gives_its_untried_rest_back(
    hook: Hook, org: Org, receiver: Receiver, monkeypatch: Any
) -> None:
    """Far below the sweep's stale claim: a slow receiver never makes the sweep send twice."""
    monkeypatch.setattr(drain_module, "BATCH_SECONDS", 0.0)
    monkeypatch.setattr(drain_module, "DRAIN_SECONDS", 60.0)
    endpoint = hook()
    backlog(org, 3)
    receiver.script = [Answer(delay=0.05)]
    assert endpoint_drain(endpoint_id=endpoint.pk) == {"succeeded": 3}  # a batch each
    assert set(WebhookDelivery.objects.values_list("attempts", flat=True)) == {1}
    assert len(receiver.received) == 3


def test_an_endpoint_deleted_while_sending_keeps_no_attempt_rows(
    hook: Hook, org: Org, receiver: Receiver, monkeypatch: Any
) -> None:
    endpoint = hook()
    backlog(org, 2)
    real_attempt = drain_module.attempt

    def attempt_then_delete(*args: Any, **kwargs: Any) -> Any:
        outcome = real_attempt(*args, **kwargs)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()
        return outcome

    monkeypatch.setattr(drain_module, "attempt", attempt_then_delete)
    endpoint_drain(endpoint_id=endpoint.pk)
    assert len(receiver.received) == 2  # sent before the deletion was seen
    assert not WebhookDelivery.objects.exists() and not DeliveryAttempt.objects.exists()
