"""Sending an endpoint's backlog: one run at a time, in batches, oldest event first.

A run is woken by the endpoint's doorbell (the fan-out rang it after commit) or by a
retry's message. It claims a batch of due deliveries in one short transaction, and only
when no other run of the endpoint is sending: so the receiver gets events in order. The
batch goes out over one keep-alive connection, and the successes are settled together;
each failure is settled on its own (retry schedule, 410, giving up). When the receiver
cannot be reached (no answer, refused, timed out), the rest of the batch is not tried: it
is given back untried, due with the failed delivery's retry, so a dead receiver costs one
timeout per batch and not one per delivery, and the order holds when it comes back.
"""

from __future__ import annotations

import time
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mianshi.common.doorbell import bell_ring, bell_silence
from mianshi.integrations.webhooks.models import (
    DeliveryAttempt,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from mianshi.integrations.webhooks.services.deliveries import (
    attempt_row,
    bell,
    finish,
    send_one,
    settle,
    wake_sender,
)
from mianshi.integrations.webhooks.services.sending import Outcome, Sessions, attempt

S = DeliveryStatus
BATCH = 50
# How long one run goes on with an endpoint's backlog before handing over to a new run (the
# messages queued meanwhile, e.g. the outbox's, get their turn on a solo worker), and how
# long one batch may take before its untried rest is given back (far below the sweep's
# stale claim, so a slow receiver never makes the sweep send twice).
DRAIN_SECONDS = 0.5
BATCH_SECONDS = 20.0


def delivery_send(*, delivery_id: int) -> str:
    """Claim one due delivery and try it once (a retry, a replay, a sweep's head), then send
    the endpoint's backlog: "succeeded", "retry", "given_up", "gone", "stopped", or
    "skipped" (not due, taken, or waiting for an earlier event's turn)."""
    with Sessions() as sessions:  # one keep-alive connection for the whole run
        result, endpoint_id = send_one(delivery_id, sessions)
        if endpoint_id is not None:
            _drain(endpoint_id, sessions)
    return result


def endpoint_drain(*, endpoint_id: int) -> dict[str, int]:
    """The woken run of one endpoint: counts per outcome."""
    with Sessions() as sessions:
        return _drain(endpoint_id, sessions)


def _drain(endpoint_id: int, sessions: Sessions) -> dict[str, int]:
    deadline = time.monotonic() + DRAIN_SECONDS
    counts: dict[str, int] = {}
    while batch := (_claim_batch(endpoint_id) or _last_look(endpoint_id)):
        for outcome in _send_batch(batch, sessions):
            counts[outcome] = counts.get(outcome, 0) + 1
        if time.monotonic() > deadline:
            wake_sender(endpoint_id)  # the rest to a new run: one endpoint cannot hold a worker
            break
    return counts


def _last_look(endpoint_id: int) -> list[WebhookDelivery]:
    """Nothing was due: silence the bell, then look once more (see common/doorbell.py)."""
    bell_silence(bell(endpoint_id))
    batch = _claim_batch(endpoint_id)
    if batch:
        bell_ring(bell(endpoint_id))  # still running: the fan-out need not wake another run
    return batch


def _claim_batch(endpoint_id: int) -> list[WebhookDelivery]:
    """The endpoint's oldest due deliveries, claimed, unless another run is sending: the
    endpoint's row lock (PostgreSQL) or the writer lock (SQLite) makes the check and the
    claim one step."""
    now = timezone.now()
    with transaction.atomic():
        if not WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id).exists():
            return []
        mine = WebhookDelivery.objects.filter(endpoint_id=endpoint_id)
        if mine.filter(status=S.SENDING).exists():
            return []
        due = mine.filter(status=S.PENDING, next_attempt_at__lte=now).order_by("event_id", "id")
        pks = list(due.values_list("pk", flat=True)[:BATCH])
        mine.filter(pk__in=pks).update(status=S.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    found = WebhookDelivery.objects.filter(pk__in=pks).select_related("endpoint", "event")
    return sorted(found, key=lambda d: (d.event_id, d.pk))


def _send_batch(batch: list[WebhookDelivery], sessions: Sessions) -> list[str]:
    """Send in order; settle the successes together and each failure on its own."""
    claimed_at = batch[0].claimed_at
    assert claimed_at is not None  # the batch was claimed together, at one time
    ok: list[tuple[WebhookDelivery, Outcome]] = []
    outcomes: list[str] = []
    stop_at = time.monotonic() + BATCH_SECONDS
    for n, delivery in enumerate(batch):
        if n and time.monotonic() > stop_at:  # slow: the rest to the next batch, due now
            _give_back_untried(batch[n:], claimed_at, due=timezone.now())
            break
        if not delivery.endpoint.enabled:
            outcomes.append(finish(delivery, claimed_at, S.FAILED, "stopped"))
            continue
        outcome = attempt(delivery.endpoint, delivery.event, sessions)
        if outcome.ok:
            ok.append((delivery, outcome))
            continue
        outcomes.append(settle(delivery, claimed_at, outcome))
        if outcome.status_code is None or outcome.gone:  # unreachable, or disabled now
            _give_back_untried(batch[n + 1 :], claimed_at, due=_due_with(delivery))
            break
    return _settle_successes(ok, claimed_at) + outcomes


@transaction.atomic
def _settle_successes(ok: list[tuple[WebhookDelivery, Outcome]], claimed_at: datetime) -> list[str]:
    """One transaction for the batch's successes (a deleted endpoint's are dropped)."""
    mine = WebhookDelivery.objects.filter(
        pk__in=[d.pk for d, _ in ok], status=S.SENDING, claimed_at=claimed_at
    )
    alive = set(mine.values_list("pk", flat=True))
    DeliveryAttempt.objects.bulk_create(
        attempt_row(d, claimed_at, outcome) for d, outcome in ok if d.pk in alive
    )
    mine.update(status=S.SUCCEEDED, finished_at=timezone.now(), next_attempt_at=None)
    return ["succeeded"] * len(alive)


def _due_with(failed: WebhookDelivery) -> datetime:
    """When the failed delivery is tried again (now, if it is settled for good)."""
    again = WebhookDelivery.objects.filter(pk=failed.pk).values_list("next_attempt_at", flat=True)
    return again.first() or timezone.now()


def _give_back_untried(rest: list[WebhookDelivery], claimed_at: datetime, due: datetime) -> None:
    """Not tried: no attempt counted, due at `due`."""
    WebhookDelivery.objects.filter(
        pk__in=[d.pk for d in rest], status=S.SENDING, claimed_at=claimed_at
    ).update(status=S.PENDING, attempts=F("attempts") - 1, next_attempt_at=due)
