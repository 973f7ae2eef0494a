"""Writing events into the outbox, in the caller's transaction (ARCHITECTURE rule 5a)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from mianshi.common.doorbell import ring_on_commit
from mianshi.events.catalogue import event_type
from mianshi.events.consumers import consumers_of
from mianshi.events.dispatcher import BELL, wake_dispatcher
from mianshi.events.models import Event, Handling


def _org_path(org_unit_id: int | None) -> str:
    if org_unit_id is None:
        return ""
    # Looked up by name: the outbox sits below the organisations app and imports nothing of it.
    unit = apps.get_model("organisations", "OrgUnit")
    return unit.objects.filter(pk=org_unit_id).values_list("path", flat=True).first() or ""


def event_emit(
    *,
    type: str,
    data: dict[str, Any],
    org_unit_id: int | None,
    occurred_at: datetime | None = None,
) -> Event:
    """Record event `type` with `data` (checked against its schema) in the current
    transaction, with a handling per registered consumer; dispatched after commit."""
    checked = event_type(type).data.model_validate(data).model_dump(mode="json")
    now = occurred_at or timezone.now()
    consumers = consumers_of(type)
    with transaction.atomic():
        event = Event.objects.create(
            type=type,
            occurred_at=now,
            org_unit_id=org_unit_id,
            org_path=_org_path(org_unit_id),
            data=checked,
        )
        Handling.objects.bulk_create(
            Handling(event=event, consumer=c.name, due_at=now) for c in consumers
        )
    if consumers:  # one wake-up per transaction and burst, not per event (common/doorbell.py)
        ring_on_commit(BELL, wake_dispatcher)
    return event
