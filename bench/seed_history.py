"""A month of history behind bench/seed_pages.py's deployment: the audit trail and the
event outbox as a busy organisation leaves them, so that the home pages that read them
(the auditor's trail state, the administrator's outbox) are measured against real volume.

- The audit trail: `AUDIT_EVENTS` events over 30 days, `AUDIT_LAST_DAY` of them in the last
  24 hours, by every demo user, mostly reads of personal data (lists, views, downloads,
  exports), some changes, sign-ins and refused sign-ins. Hash-chained as
  compliance.services.audit_record chains them, so `audit_verify` still holds.
- The outbox: `OUTBOX_EVENTS` delivered events, each with one done handling, as the
  dispatcher leaves them (the open ones are what the demo's own services left pending).
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

AUDIT_EVENTS = 300_000
AUDIT_LAST_DAY = 20_000
OUTBOX_EVENTS = 200_000
DAYS = 30
BATCH = 5000
ACTIONS = [  # weights: reads dominate a working trail
    ("application.list", 30), ("candidate.view", 20), ("application.view", 15),
    ("report.download", 4), ("candidate.export", 1), ("application.advance", 10),
    ("job.update", 2), ("login.success", 6), ("login.failed", 1),
]  # fmt: skip


def history(rng: random.Random) -> None:
    """The audit trail's and the outbox's month, bulk-written."""
    audit_trail(rng)
    outbox(rng)


def _moments(rng: random.Random) -> list[Any]:
    from django.utils import timezone

    now, day = timezone.now(), 86_400
    recent = [rng.uniform(60, day) for _ in range(AUDIT_LAST_DAY)]
    older = [rng.uniform(day, DAYS * day) for _ in range(AUDIT_EVENTS - AUDIT_LAST_DAY)]
    return sorted(now - timedelta(seconds=s) for s in recent + older)


def audit_trail(rng: random.Random) -> None:
    """The events, oldest first, each chained to the one before as audit_record does."""
    from mianshi.accounts.models import User
    from mianshi.compliance.models import AuditChainHead, AuditEvent
    from mianshi.compliance.services import event_hash

    users = list(User.objects.values_list("pk", "username"))
    units = list(_unit_ids())
    names, weights = zip(*ACTIONS, strict=True)
    head = AuditChainHead.objects.get(pk=1)
    prev, batch = head.last_hash, []
    for at in _moments(rng):
        actor_id, label = rng.choice(users)
        event = AuditEvent(
            at=at, actor_id=actor_id, actor_label=label, action=rng.choices(names, weights)[0],
            object_type="candidates.application", object_id=str(rng.randint(1, 100_000)),
            org_unit_id=rng.choice(units), request_id="", changed_fields=[], detail={},
            prev_hash=prev,
        )  # fmt: skip
        event.hash = prev = event_hash(event)
        batch.append(event)
    AuditEvent.objects.bulk_create(batch, batch_size=BATCH)
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)


def outbox(rng: random.Random) -> None:
    """Delivered events of the month, one done handling each."""
    from django.utils import timezone

    from mianshi.events.models import Event, Handling, HandlingStatus

    units, now = list(_unit_ids()), timezone.now()
    for start in range(0, OUTBOX_EVENTS, BATCH):
        events = [
            Event(type="application.advanced", org_unit_id=rng.choice(units), data={},
                  occurred_at=now - timedelta(days=rng.uniform(0, DAYS)))
            for _ in range(min(BATCH, OUTBOX_EVENTS - start))
        ]  # fmt: skip
        Event.objects.bulk_create(events)
        Handling.objects.bulk_create(
            Handling(event=e, consumer="webhooks", status=HandlingStatus.DONE, attempts=1,
                     due_at=e.occurred_at, done_at=e.occurred_at)
            for e in events
        )  # fmt: skip


def _unit_ids() -> list[int]:
    from mianshi.organisations.models import OrgUnit

    return list(OrgUnit.objects.values_list("pk", flat=True))
