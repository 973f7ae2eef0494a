"""Writing events into the outbox, in the caller's transaction (ARCHITECTURE rule 5a)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from mianshi.events.catalogue import event_type
from mianshi.events.consumers import consumers_of
from mianshi.events.models import Event, Handling


def _org_path(org_unit_id: int | None) -> str:
    if org_unit_id is None:
        return ""
    # Looked up by name: the outbox sits below the organisations app and imports nothing of it.
    unit = apps.get_model("organisations", "OrgUnit")
    return unit.objects.filter(pk=org_unit_id).values_list("path", flat=True).first() or ""


def _dispatch_on_commit(event_id: int) -> None:
    from mianshi.events.tasks import dispatch_event

    transaction.on_commit(lambda: dispatch_event.delay(event_id), robust=True)


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
    with transaction.atomic():
        event = Event.objects.create(
            type=type,
            occurred_at=now,
            org_unit_id=org_unit_id,
            org_path=_org_path(org_unit_id),
            data=checked,
        )
        Handling.objects.bulk_create(
            Handling(event=event, consumer=c.name, due_at=now) for c in consumers_of(type)
        )
    _dispatch_on_commit(event.pk)
    return event
