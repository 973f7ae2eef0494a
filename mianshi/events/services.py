"""Writing events into the outbox, in the caller's transaction (ARCHITECTURE rule 5a)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


def _org_paths(unit_ids: Iterable[int | None]) -> dict[int, str]:
    # Looked up by name: the outbox sits below the organisations app and imports nothing of it.
    wanted = {u for u in unit_ids if u is not None}
    if not wanted:
        return {}
    unit = apps.get_model("organisations", "OrgUnit")
    return dict(unit.objects.filter(pk__in=wanted).values_list("pk", "path"))


def event_emit(
    *,
    type: str,
    data: dict[str, Any],
    org_unit_id: int | None,
    occurred_at: datetime | None = None,
) -> Event:
    """Record event `type` with `data` (checked against its schema) in the current
    transaction, with a handling per registered consumer; dispatched after commit."""
    return event_emit_many(type=type, items=[(data, org_unit_id)], occurred_at=occurred_at)[0]


def event_emit_many(
    *,
    type: str,
    items: Sequence[tuple[dict[str, Any], int | None]],
    occurred_at: datetime | None = None,
) -> list[Event]:
    """event_emit for many events of one type, each (data, org unit id), in order: two
    INSERTs however many (a bulk import writes thousands). All are checked before any is
    written: one refused payload writes nothing."""
    schema = event_type(type).data
    checked = [(schema.model_validate(data).model_dump(mode="json"), unit) for data, unit in items]
    now = occurred_at or timezone.now()
    paths = _org_paths(unit for _, unit in checked)
    consumers = consumers_of(type)
    with transaction.atomic():
        events = Event.objects.bulk_create(
            Event(
                type=type,
                occurred_at=now,
                org_unit_id=unit,
                org_path=paths.get(unit, "") if unit is not None else "",
                data=data,
            )
            for data, unit in checked
        )
        Handling.objects.bulk_create(
            Handling(event=e, consumer=c.name, due_at=now) for e in events for c in consumers
        )
    if consumers and events:  # one wake-up per transaction and burst (common/doorbell.py)
        ring_on_commit(BELL, wake_dispatcher)
    return events
