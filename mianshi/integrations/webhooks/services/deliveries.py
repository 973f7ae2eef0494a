"""The delivery engine: fan events out to endpoints, send one, retry or stop (drain.py sends
an endpoint's backlog in batches).

At least once: a delivery row is written in the transaction that marks the event handled,
and only a recorded outcome ends it; a worker dying mid-send leaves a claim the sweep gives
back (the receiver then gets the same webhook-id again and dedupes). The send itself runs
outside any transaction (a slow receiver must not hold SQLite's single writer lock).

Order per endpoint: a delivery is claimed only when no delivery of an earlier event to the
same endpoint is in flight (being sent, or waiting for its first try), and one run at a
time sends an endpoint's backlog, oldest event first (drain.py). So while nothing fails a
receiver gets events in the order they happened. A failed delivery waits for its retry out
of line: later events go on (Standard Webhooks promises no order; holding everything back
for a day behind one bad message would be worse), and receivers order by the envelope's
timestamp when they must.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from mianshi.common.claims import claim
from mianshi.common.doorbell import ring_on_commit
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


class _Audience:
    """Which enabled endpoints hear an event, looked up once per unit for a batch."""

    def __init__(self) -> None:
        self.by_path: dict[str, list[WebhookEndpoint]] = {}

    def of(self, event: Event) -> list[WebhookEndpoint]:
        if event.type == TEST_TYPE:
            only = event.data.get("endpoint_id")
            return list(WebhookEndpoint.objects.filter(pk=only, enabled=True))
        if event.org_path not in self.by_path:
            # An event without a unit belongs to no subtree: no endpoint hears it.
            units = _ancestors(event.org_path)
            found = WebhookEndpoint.objects.filter(enabled=True, org_unit__path__in=units)
            self.by_path[event.org_path] = list(found.order_by("pk"))
        hear = self.by_path[event.org_path]
        return [e for e in hear if not e.event_types or event.type in e.event_types]


def deliveries_fanout(*, events: list[Event]) -> int:
    """One delivery per (event, enabled endpoint that hears it); each endpoint's sender is
    woken after commit (one message per endpoint, not per delivery); running twice creates
    nothing twice. Returns how many deliveries the events call for."""
    audience, now = _Audience(), timezone.now()
    rows = [
        WebhookDelivery(endpoint=e, event=event, next_attempt_at=now)
        for event in events
        for e in audience.of(event)
    ]
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    for endpoint_id in sorted({row.endpoint_id for row in rows}):
        ring_on_commit(bell(endpoint_id), wake_sender, endpoint_id)
    return len(rows)


def bell(endpoint_id: int) -> str:
    """The doorbell of one endpoint's sender (common/doorbell.py)."""
    return f"webhooks.endpoint.{endpoint_id}"


def wake_sender(endpoint_id: int) -> None:
    from mianshi.integrations.webhooks.tasks import drain

    drain.delay(endpoint_id)


def _claim(delivery_id: int, now: datetime) -> bool:
    earlier_in_flight = WebhookDelivery.objects.filter(
        endpoint_id=OuterRef("endpoint_id"), event_id__lt=OuterRef("event_id")
    ).filter(Q(status=S.SENDING) | Q(status=S.PENDING, attempts=0))
    ready = WebhookDelivery.objects.filter(~Exists(earlier_in_flight))
    expect = {"status": S.PENDING, "next_attempt_at__lte": now}
    to = {"status": S.SENDING, "claimed_at": now}
    return claim(ready, pk=delivery_id, expect=expect, to=to, count="attempts")


def send_one(delivery_id: int, sessions: Sessions) -> tuple[str, int | None]:
    """Claim and try one delivery: (outcome, its endpoint's id when it was claimed)."""
    now = timezone.now()
    # Cheap first: a drain usually settled this one already; the claim's EXISTS is dear.
    due = WebhookDelivery.objects.filter(pk=delivery_id, status=S.PENDING, next_attempt_at__lte=now)
    if not due.exists() or not _claim(delivery_id, now):
        return "skipped", None
    delivery = (
        WebhookDelivery.objects.select_related("endpoint", "event").filter(pk=delivery_id).first()
    )
    if delivery is None:
        return "deleted", None  # its endpoint was deleted after the claim
    if not delivery.endpoint.enabled:
        return finish(delivery, now, S.FAILED, "stopped"), delivery.endpoint_id
    outcome = attempt(delivery.endpoint, delivery.event, sessions)
    return settle(delivery, now, outcome), delivery.endpoint_id


def record_attempt(delivery: WebhookDelivery, at: datetime, outcome: Outcome) -> None:
    """Keep one try for the admin's page and the API (what came back, how long it took)."""
    attempt_row(delivery, at, outcome).save()


def attempt_row(delivery: WebhookDelivery, at: datetime, outcome: Outcome) -> DeliveryAttempt:
    return DeliveryAttempt(
        delivery_id=delivery.pk,
        attempted_at=at,
        status_code=outcome.status_code,
        error=outcome.error[:300],
        latency_ms=outcome.latency_ms,
        response_excerpt=outcome.excerpt,
    )


@transaction.atomic
def settle(delivery: WebhookDelivery, claimed_at: datetime, outcome: Outcome) -> str:
    if not WebhookDelivery.objects.filter(pk=delivery.pk).exists():
        return "deleted"  # the endpoint was deleted while we sent
    record_attempt(delivery, claimed_at, outcome)
    if outcome.ok:
        return finish(delivery, claimed_at, S.SUCCEEDED, "succeeded")
    if outcome.gone:
        finish(delivery, claimed_at, S.FAILED, "gone")
        webhook_gone(endpoint_id=delivery.endpoint_id)
        return "gone"
    delay = next_delay(delivery.attempts, outcome.retry_after, timezone.now())
    if delay is None:
        return _give_up(delivery, claimed_at)
    return _retry(delivery, claimed_at, delay)


def finish(delivery: WebhookDelivery, claimed_at: datetime, status: str, result: str) -> str:
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
    return finish(delivery, claimed_at, S.GIVEN_UP, "given_up")


def _retry(delivery: WebhookDelivery, claimed_at: datetime, delay: float) -> str:
    mine = WebhookDelivery.objects.filter(pk=delivery.pk, status=S.SENDING, claimed_at=claimed_at)
    due = timezone.now() + timedelta(seconds=delay)
    if mine.update(status=S.PENDING, next_attempt_at=due) and delay <= COUNTDOWN_LIMIT:
        enqueue_on_commit(delivery.pk, countdown=delay)
    return "retry"
