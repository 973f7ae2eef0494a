"""Deliveries outside the engine's path: a replay an admin asks for, and the periodic sweep
that gives back the claims of dead workers and queues what is due (lost messages, retries
too far ahead for a broker countdown)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.common.errors import Conflict
from mianshi.compliance.services import audit_record
from mianshi.integrations.webhooks.models import DeliveryStatus, WebhookDelivery
from mianshi.integrations.webhooks.retry import MAX_ATTEMPTS
from mianshi.integrations.webhooks.services.deliveries import (
    enqueue_on_commit,
    record_attempt,
    wake_sender,
)
from mianshi.integrations.webhooks.services.endpoints import require_manage
from mianshi.integrations.webhooks.services.sending import Outcome

S = DeliveryStatus


@transaction.atomic
def delivery_replay(*, actor: Actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the delivery's event again as a new delivery, with the same webhook-id."""
    endpoint = delivery.endpoint
    require_manage(actor, endpoint.org_unit_id)
    if not endpoint.enabled:
        raise Conflict(_("Enable the endpoint before replaying a delivery."))
    replay = WebhookDelivery.objects.create(
        endpoint=endpoint, event_id=delivery.event_id, replay_of=delivery,
        next_attempt_at=timezone.now(),
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="webhook.delivery_replay",
        obj=replay,
        org_unit_id=endpoint.org_unit_id,
        detail={"replay_of": delivery.pk, "event": delivery.event_id},
    )
    enqueue_on_commit(replay.pk)
    return replay


def stale_after() -> timedelta:
    """A claim older than this belongs to a worker that died: one attempt takes at most
    three timeouts (connect, the answer's headers, the excerpt), plus a minute's margin."""
    return timedelta(seconds=3 * settings.WEBHOOK_TIMEOUT + 60)


def _give_back(delivery: WebhookDelivery) -> None:
    with transaction.atomic():
        lost = Outcome(error=_("The worker stopped during the attempt; sent again."))
        claimed = WebhookDelivery.objects.filter(
            pk=delivery.pk, status=S.SENDING, claimed_at=delivery.claimed_at
        )
        final = delivery.attempts >= MAX_ATTEMPTS
        status = S.GIVEN_UP if final else S.PENDING
        finished = timezone.now() if final else None
        due = None if final else timezone.now()
        if claimed.update(status=status, next_attempt_at=due, finished_at=finished):
            record_attempt(delivery, delivery.claimed_at or timezone.now(), lost)


def deliveries_sweep(*, stale: timedelta | None = None, limit: int = 500) -> dict[str, int]:
    """Give back claims of dead workers, then wake the sender of each endpoint with due
    deliveries (one message per endpoint: its run sends the backlog in order)."""
    cutoff = timezone.now() - (stale_after() if stale is None else stale)
    dead = WebhookDelivery.objects.filter(status=S.SENDING, claimed_at__lt=cutoff)
    given_back = list(dead[:limit])
    for delivery in given_back:
        _give_back(delivery)
    due = WebhookDelivery.objects.filter(status=S.PENDING, next_attempt_at__lte=timezone.now())
    # The endpoints whose backlog waits longest first: one big backlog cannot crowd the
    # others out of a sweep.
    waiting = due.values("endpoint_id").annotate(first=Min("event_id")).order_by("first")
    endpoints = [row["endpoint_id"] for row in waiting[:limit]]
    for endpoint_id in endpoints:
        wake_sender(endpoint_id)
    return {"given_back": len(given_back), "queued": len(endpoints)}
