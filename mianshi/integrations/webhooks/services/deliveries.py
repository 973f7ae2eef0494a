"""The delivery engine: fan an event out to endpoints, send, retry or stop, drain a backlog.

At least once: a delivery row is written in the transaction that marks the event handled,
and only a recorded outcome ends it; a worker dying mid-send leaves a claim the sweep gives
back (the receiver then gets the same webhook-id again and dedupes). The send itself runs
outside any transaction (a slow receiver must not hold SQLite's single writer lock).

Order per endpoint: a delivery is claimed only when no delivery of an earlier event to the
same endpoint is in flight (being sent, or waiting for its first try), and the run that
settles one goes on with the next (`_drain`). So while nothing fails a receiver gets events
in the order they happened. A failed delivery waits for its retry out of line: later events
go on (Standard Webhooks promises no order; holding everything back for a day behind one bad
message would be worse), and receivers order by the envelope's timestamp when they must.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from mianshi.common.claims import claim
from mianshi.compliance.services import audit_record
from mianshi.events.models import Event
from mianshi.integrations.webhooks.models import (
    DeliveryAttempt,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from mianshi.integrations.webhooks.retry import next_delay
from mianshi.integrations.webhooks.services.endpoints import TEST_TYPE
from mianshi.integrations.webhooks.services.gone import webhook_gone
from mianshi.integrations.webhooks.services.sending import Outcome, Sessions, attempt

S = DeliveryStatus
# Retries this soon go to the broker with a countdown; later ones are found by the sweep
# (a message held for a day by the broker is lost with it, and blocks nothing here).
COUNTDOWN_LIMIT = 300
# How long one task goes on sending an endpoint's backlog before handing over.
DRAIN_SECONDS = 30.0


def enqueue(delivery_id: int, countdown: float = 0) -> None:
    from mianshi.integrations.webhooks.tasks import deliver

    deliver.apply_async((delivery_id,), countdown=countdown or None)


def enqueue_on_commit(delivery_id: int, countdown: float = 0) -> None:
    # robust: a broker hiccup must not undo the handling; the sweep finds the row.
    transaction.on_commit(partial(enqueue, delivery_id, countdown), robust=True)


def _ancestors(path: str) -> list[str]:
    """ "/1/4/9/" → ["/1/", "/1/4/", "/1/4/9/"]: the units whose subtree holds the event."""
    ids = [p for p in path.split("/") if p]
    return ["/" + "/".join(ids[: n + 1]) + "/" for n in range(len(ids))]


def _endpoints_for(event: Event) -> list[WebhookEndpoint]:
    if event.type == TEST_TYPE:
        return list(WebhookEndpoint.objects.filter(pk=event.data.get("endpoint_id"), enabled=True))
    # An event without a unit belongs to no subtree: no endpoint hears it.
    units = _ancestors(event.org_path)
    found = WebhookEndpoint.objects.filter(enabled=True, org_unit__path__in=units)
    return [e for e in found if not e.event_types or event.type in e.event_types]


def deliveries_fanout(*, event: Event) -> int:
    """One delivery per enabled endpoint that hears `event`, each sent after commit; running
    twice creates nothing twice. Returns how many endpoints hear it."""
    endpoints = _endpoints_for(event)
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint=e, event=event, next_attempt_at=now) for e in endpoints],
        ignore_conflicts=True,
    )
    pending = WebhookDelivery.objects.filter(event=event, status=S.PENDING, attempts=0)
    for pk in pending.values_list("pk", flat=True):
        enqueue_on_commit(pk)
    return len(endpoints)


def _claim(delivery_id: int, now: datetime) -> bool:
    earlier_in_flight = WebhookDelivery.objects.filter(
        endpoint_id=OuterRef("endpoint_id"), event_id__lt=OuterRef("event_id")
    ).filter(Q(status=S.SENDING) | Q(status=S.PENDING, attempts=0))
    ready = WebhookDelivery.objects.filter(~Exists(earlier_in_flight))
    expect = {"status": S.PENDING, "next_attempt_at__lte": now}
    to = {"status": S.SENDING, "claimed_at": now}
    return claim(ready, pk=delivery_id, expect=expect, to=to, count="attempts")


def _send_one(
    delivery_id: int, sessions: Sessions, *, seen_due: bool = False
) -> tuple[str, int | None]:
    """Claim and try one delivery: (outcome, its endpoint's id when it was claimed).
    `seen_due`: the caller has just read it due (the drain), so the pre-check is skipped."""
    now = timezone.now()
    # Cheap first: a drain usually settled this one already; the claim's EXISTS is dear.
    due = WebhookDelivery.objects.filter(pk=delivery_id, status=S.PENDING, next_attempt_at__lte=now)
    if not (seen_due or due.exists()) or not _claim(delivery_id, now):
        return "skipped", None
    delivery = (
        WebhookDelivery.objects.select_related("endpoint", "event").filter(pk=delivery_id).first()
    )
    if delivery is None:
        return "deleted", None  # its endpoint was deleted after the claim
    if not delivery.endpoint.enabled:
        return _finish(delivery, now, S.FAILED, "stopped"), delivery.endpoint_id
    outcome = attempt(delivery.endpoint, delivery.event, sessions)
    return _settle(delivery, now, outcome), delivery.endpoint_id


def delivery_send(*, delivery_id: int) -> str:
    """Claim one due delivery and try it once, then go on with the endpoint's next due ones
    (see `_drain`): "succeeded", "retry", "given_up", "gone", "stopped", or "skipped" (not
    due, taken, or waiting for an earlier event's turn)."""
    with Sessions() as sessions:  # one keep-alive connection for the whole drain
        result, endpoint_id = _send_one(delivery_id, sessions)
        if endpoint_id is not None:
            _drain(endpoint_id, sessions)
    return result


def _next_due(endpoint_id: int) -> int | None:
    due = WebhookDelivery.objects.filter(
        endpoint_id=endpoint_id, status=S.PENDING, next_attempt_at__lte=timezone.now()
    )
    return due.order_by("event_id", "id").values_list("pk", flat=True).first()


def _drain(endpoint_id: int, sessions: Sessions) -> None:
    """Send the endpoint's due deliveries one after the other, oldest event first, in this
    task: a backlog (a receiver back after an outage) costs no broker round trip per
    message and keeps its order. After DRAIN_SECONDS the rest goes to a new task, so one
    endpoint cannot hold a worker; a "skipped" claim means another run has the turn."""
    deadline = time.monotonic() + DRAIN_SECONDS
    while (following := _next_due(endpoint_id)) is not None:
        if time.monotonic() > deadline:
            enqueue(following)
            return
        if _send_one(following, sessions, seen_due=True)[0] == "skipped":
            return


def record_attempt(delivery: WebhookDelivery, at: datetime, outcome: Outcome) -> None:
    """Keep one try for the admin's page and the API (what came back, how long it took)."""
    DeliveryAttempt.objects.create(
        delivery_id=delivery.pk,
        attempted_at=at,
        status_code=outcome.status_code,
        error=outcome.error[:300],
        latency_ms=outcome.latency_ms,
        response_excerpt=outcome.excerpt,
    )


@transaction.atomic
def _settle(delivery: WebhookDelivery, claimed_at: datetime, outcome: Outcome) -> str:
    if not WebhookDelivery.objects.filter(pk=delivery.pk).exists():
        return "deleted"  # the endpoint was deleted while we sent
    record_attempt(delivery, claimed_at, outcome)
    if outcome.ok:
        return _finish(delivery, claimed_at, S.SUCCEEDED, "succeeded")
    if outcome.gone:
        _finish(delivery, claimed_at, S.FAILED, "gone")
        webhook_gone(endpoint_id=delivery.endpoint_id)
        return "gone"
    delay = next_delay(delivery.attempts, outcome.retry_after, timezone.now())
    if delay is None:
        return _give_up(delivery, claimed_at)
    return _retry(delivery, claimed_at, delay)


def _finish(delivery: WebhookDelivery, claimed_at: datetime, status: str, result: str) -> str:
    mine = WebhookDelivery.objects.filter(pk=delivery.pk, status=S.SENDING, claimed_at=claimed_at)
    mine.update(status=status, finished_at=timezone.now(), next_attempt_at=None)
    return result


def _give_up(delivery: WebhookDelivery, claimed_at: datetime) -> str:
    audit_record(
        actor=None,
        action="webhook.delivery_given_up",
        obj=delivery,
        org_unit_id=delivery.endpoint.org_unit_id,
        detail={"attempts": delivery.attempts, "event": delivery.event_id},
    )
    return _finish(delivery, claimed_at, S.GIVEN_UP, "given_up")


def _retry(delivery: WebhookDelivery, claimed_at: datetime, delay: float) -> str:
    mine = WebhookDelivery.objects.filter(pk=delivery.pk, status=S.SENDING, claimed_at=claimed_at)
    due = timezone.now() + timedelta(seconds=delay)
    if mine.update(status=S.PENDING, next_attempt_at=due) and delay <= COUNTDOWN_LIMIT:
        enqueue_on_commit(delivery.pk, countdown=delay)
    return "retry"
