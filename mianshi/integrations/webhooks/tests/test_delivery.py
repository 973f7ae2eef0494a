"""The delivery engine against a real receiver on loopback that verifies with the independent
`standardwebhooks` package: signing, order, retries, 410, redirects, Retry-After, timeouts,
subtree scoping, rotation overlap. Tasks run in-process after real commits."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from email.utils import format_datetime

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import WebhookVerificationError

from conftest import Org
from mianshi.accounts.models import User
from mianshi.common.tests.support import Mailbox
from mianshi.compliance.models import AuditEvent
from mianshi.events.dispatcher import event_dispatch
from mianshi.integrations.webhooks.models import (
    DeliveryAttempt,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from mianshi.integrations.webhooks.services import (
    deliveries_fanout,
    deliveries_sweep,
    webhook_rotate_secret,
    webhook_test,
)
from mianshi.integrations.webhooks.tests.conftest import Hook, emit
from mianshi.integrations.webhooks.tests.receiver import Answer, Receiver

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager")]
S = DeliveryStatus


def time_passes() -> dict[str, int]:
    """Every waiting retry is due now; the sweep queues them (in-process here)."""
    WebhookDelivery.objects.filter(status=S.PENDING).update(next_attempt_at=timezone.now())
    return deliveries_sweep()


def only_delivery() -> WebhookDelivery:
    return WebhookDelivery.objects.get()


def waits(delivery: WebhookDelivery, since: datetime | None = None) -> float:
    """Seconds from `since` (now) until the delivery's next attempt."""
    assert delivery.next_attempt_at is not None
    return (delivery.next_attempt_at - (since or timezone.now())).total_seconds()


def test_an_event_arrives_signed_as_its_envelope(hook: Hook, org: Org, receiver: Receiver) -> None:
    hook()
    event = emit(org.sh_sales, candidate_id=7)

    [got] = receiver.received
    assert got.verified and receiver.processed == {event.message_id: 1}
    assert got.headers["webhook-id"] == event.message_id
    assert got.headers["content-type"] == "application/json"
    assert got.headers["user-agent"].startswith("Mianshi-Webhooks/")
    assert json.loads(got.body) == event.envelope()
    assert b" " not in got.body  # compact JSON
    delivery = only_delivery()
    assert delivery.status == S.SUCCEEDED and delivery.attempts == 1
    [row] = delivery.attempt_rows.all()
    assert row.status_code == 204 and row.latency_ms is not None and not row.error


def test_events_arrive_in_the_order_they_happened(hook: Hook, org: Org, receiver: Receiver) -> None:
    hook()
    kinds = ["candidate.created", "candidate.updated", "candidate.erased"]
    for kind in kinds:
        emit(org.sh, kind)
    assert receiver.order == kinds


def test_a_500_is_retried_after_5_s_and_the_event_processed_once(
    hook: Hook, org: Org, receiver: Receiver
) -> None:
    hook()
    receiver.script = [Answer(status=500, body=b"database down")]
    event = emit(org.sh)

    delivery = only_delivery()
    assert delivery.status == S.PENDING and delivery.attempts == 1
    wait = waits(delivery, delivery.attempt_rows.get().attempted_at)
    assert 4.4 <= wait <= 5.6  # 5 s ±10 %
    assert delivery.attempt_rows.get().response_excerpt == "database down"

    time_passes()
    assert only_delivery().status == S.SUCCEEDED
    assert [r.answered for r in receiver.received] == [500, 204]
    assert {r.headers["webhook-id"] for r in receiver.received} == {event.message_id}
    assert receiver.accepted == receiver.processed == {event.message_id: 1}


def test_a_receiver_down_for_a_while_gets_every_event_once_when_back(
    hook: Hook, org: Org, receiver: Receiver
) -> None:
    hook()
    receiver.stop()
    events = [emit(org.sh, candidate_id=n) for n in range(1, 6)]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {S.PENDING}
    assert all(a.error and a.status_code is None for a in DeliveryAttempt.objects.all())

    time_passes()  # still down: a second failed attempt each
    receiver.start()  # back on the same port
    time_passes()

    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {S.SUCCEEDED}
    assert receiver.processed == {e.message_id: 1 for e in events}


def test_410_disables_the_endpoint_stops_its_deliveries_and_mails_the_owner_once(
    hook: Hook, org: Org, receiver: Receiver, admin: User, smtp: Mailbox
) -> None:
    endpoint = hook()
    receiver.stop()
    emit(org.sh, candidate_id=1)
    emit(org.sh, candidate_id=2)  # both wait for a retry
    receiver.start()
    receiver.script = [Answer(status=410), Answer(status=410)]
    time_passes()

    endpoint.refresh_from_db()
    assert not endpoint.enabled and endpoint.disabled_reason == "gone"
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {S.FAILED}
    assert len(receiver.received) == 1  # the second was stopped, not sent
    assert smtp.recipients == [[admin.email]]  # through a real SMTP server on loopback
    assert str(endpoint.pk) in smtp.bodies()[0]
    assert AuditEvent.objects.filter(action="webhook.gone", object_id=str(endpoint.pk)).count() == 1

    emit(org.sh, candidate_id=3)  # a disabled endpoint hears nothing new
    assert WebhookDelivery.objects.count() == 2 and len(smtp.messages) == 1


def test_a_redirect_is_not_followed_and_counts_as_a_failure(
    hook: Hook, org: Org, receiver: Receiver
) -> None:
    hook()
    receiver.script = [Answer(status=302, headers={"Location": receiver.url + "/moved"})]
    emit(org.sh)

    assert len(receiver.received) == 1
    delivery = only_delivery()
    assert delivery.status == S.PENDING and delivery.attempt_rows.get().status_code == 302


@pytest.mark.parametrize("header", ["seconds", "http-date"])
def test_retry_after_is_honoured_when_it_asks_for_longer(
    hook: Hook, org: Org, receiver: Receiver, header: str
) -> None:
    hook()
    later = timezone.now() + timedelta(hours=1)
    value = "3600" if header == "seconds" else format_datetime(later, usegmt=True)
    receiver.script = [Answer(status=429, headers={"Retry-After": value})]
    emit(org.sh)

    delivery = only_delivery()
    wait = waits(delivery)
    assert 3500 <= wait <= 3601


def test_a_short_retry_after_does_not_shorten_the_schedule(
    hook: Hook, org: Org, receiver: Receiver
) -> None:
    hook()
    receiver.stop()
    emit(org.sh)
    receiver.start()
    receiver.script = [Answer(status=503, headers={"Retry-After": "1"})]
    time_passes()  # the second attempt: next is the schedule's 5 min, not 1 s
    delivery = only_delivery()
    assert delivery.attempts == 2
    assert waits(delivery) > 250


def test_a_receiver_slower_than_the_timeout_is_a_failed_attempt(
    hook: Hook, org: Org, receiver: Receiver
) -> None:
    hook()
    receiver.script = [Answer(status=200, delay=2.5)]  # the timeout is 1 s in these tests
    emit(org.sh)

    delivery = only_delivery()
    row = delivery.attempt_rows.get()
    assert delivery.status == S.PENDING and row.status_code is None and row.error
    time_passes()
    assert only_delivery().status == S.SUCCEEDED


def test_after_the_last_scheduled_attempt_the_delivery_is_given_up(
    hook: Hook, org: Org, receiver: Receiver
) -> None:
    hook()
    receiver.script = [Answer(status=500), Answer(status=500)]
    emit(org.sh)
    WebhookDelivery.objects.update(attempts=9)
    time_passes()

    delivery = only_delivery()
    assert delivery.status == S.GIVEN_UP and delivery.attempts == 10
    assert AuditEvent.objects.filter(action="webhook.delivery_given_up").count() == 1


def test_both_secrets_sign_during_the_rotation_overlap_and_only_the_new_one_after(
    hook: Hook, org: Org, receiver: Receiver, admin: User
) -> None:
    endpoint = hook()
    old = receiver.secret
    new = webhook_rotate_secret(actor=admin, endpoint=endpoint)
    receiver.secret = new
    emit(org.sh)
    during = receiver.received[-1]
    assert receiver.verify(old, during) and receiver.verify(new, during)

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        previous_until=timezone.now() - timedelta(seconds=1)
    )
    emit(org.sh)
    after = receiver.received[-1]
    assert receiver.verify(new, after)
    with pytest.raises(WebhookVerificationError):
        receiver.verify(old, after)


def test_an_endpoint_hears_its_subtree_and_its_types_only(
    hook: Hook, org: Org, receiver: Receiver, sz_admin: User
) -> None:
    sz_receiver = Receiver().start()
    try:
        from mianshi.integrations.webhooks.services import webhook_create

        webhook_create(actor=sz_admin, org_unit=org.sz, url=sz_receiver.url, event_types=[])
        hook(unit=org.sh, types=["candidate.updated"])
        emit(org.sh_sales, "candidate.created")  # the wrong type
        emit(org.sh_sales, "candidate.updated")  # in the subtree
        emit(None, "candidate.updated")  # no unit: nobody's
        assert receiver.order == ["candidate.updated"]
        assert sz_receiver.received == []
    finally:
        sz_receiver.stop()


def test_a_test_event_goes_only_to_the_endpoint_it_tests(
    hook: Hook, org: Org, receiver: Receiver, admin: User
) -> None:
    other = Receiver().start()
    try:
        hook(url=other.url)
        tested = hook()
        webhook_test(actor=admin, endpoint=tested)
        assert len(receiver.received) == 1 and receiver.received[0].verified
        assert other.received == []
        assert json.loads(receiver.received[0].body)["type"] == "webhook.test"
    finally:
        other.stop()


def test_the_fanout_running_twice_creates_each_delivery_once(hook: Hook, org: Org) -> None:
    hook()
    event = emit(org.sh)
    deliveries_fanout(events=[event])
    event_dispatch(event_id=event.pk)
    assert WebhookDelivery.objects.filter(event=event).count() == 1


def test_a_claim_of_a_dead_worker_is_given_back_and_sent_again(
    hook: Hook, org: Org, receiver: Receiver
) -> None:
    hook()
    receiver.stop()
    event = emit(org.sh)
    claimed = timezone.now() - timedelta(hours=1)
    WebhookDelivery.objects.update(status=S.SENDING, claimed_at=claimed)
    receiver.start()

    assert deliveries_sweep() == {"given_back": 1, "queued": 1}
    delivery = only_delivery()
    assert delivery.status == S.SUCCEEDED and delivery.attempts == 2
    assert receiver.processed == {event.message_id: 1}
    assert [bool(a.error) for a in delivery.attempt_rows.all()] == [True, True, False]


def test_the_address_is_checked_again_at_send_time(
    hook: Hook, org: Org, receiver: Receiver, settings: object
) -> None:
    hook()
    settings.WEBHOOK_ALLOW = []  # type: ignore[attr-defined]
    emit(org.sh)
    assert receiver.received == []
    row = only_delivery().attempt_rows.get()
    assert row.status_code is None and "127.0.0.1" in row.error


def test_the_response_excerpt_keeps_at_most_1_kb_of_whole_characters(
    hook: Hook, org: Org, receiver: Receiver
) -> None:
    hook()
    receiver.script = [Answer(status=200, body=("错误" * 1000).encode())]
    emit(org.sh)
    excerpt = only_delivery().attempt_rows.get().response_excerpt
    assert 1000 <= len(excerpt.encode()) <= 1024 and set(excerpt) == {"错", "误"}


def test_the_sweep_queues_one_message_per_endpoint_and_its_task_drains_the_backlog(
    hook: Hook, org: Org, receiver: Receiver
) -> None:
    hook()
    receiver.stop()
    events = [emit(org.sh, candidate_id=n) for n in range(1, 5)]
    receiver.start()
    assert time_passes() == {"given_back": 0, "queued": 1}
    assert receiver.processed == {e.message_id: 1 for e in events}
    assert receiver.order == ["candidate.created"] * 4
    assert [r.headers["webhook-id"] for r in receiver.received] == [e.message_id for e in events]
