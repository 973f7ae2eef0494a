"""The trigger: public events become syncs for the connectors that asked for them.

A connector sees the events of its unit's subtree (the event's org path starts with the
unit's), and each of its triggers names an event type, the kind of record to send and
optionally the stage entered (e.g. application.stage_changed → pending_onboarding sends
the assessment). The Sync row is unique per (connector, kind, event): handled twice, sent once.
"""

from __future__ import annotations

from typing import Any

from mianshi.events.consumers import ALL_PUBLIC, consumer
from mianshi.events.models import Event
from mianshi.integrations.connectors.models import Connector
from mianshi.integrations.connectors.services.requests import sync_request

# Which id of an event's data names the record of each kind.
OBJECT_KEYS = {
    "assessment": "application_id",
    "application": "application_id",
    "candidate": "candidate_id",
    "employee": "employee_id",
    "hire": "application_id",
}


def _wants(trigger: dict[str, Any], event: Event) -> bool:
    if trigger.get("event") != event.type:
        return False
    stage = trigger.get("to_stage") or ""
    return not stage or event.data.get("to_stage") == stage


def connectors_for(event: Event, enabled: list[Connector] | None = None) -> list[Connector]:
    """Enabled connectors whose unit's subtree holds the event (of `enabled`, if given)."""
    if not event.org_path:
        return []
    if enabled is None:
        enabled = list(Connector.objects.filter(enabled=True).select_related("org_unit"))
    return [
        c
        for c in sorted(enabled, key=lambda c: c.pk)
        if c.org_unit.path and event.org_path.startswith(c.org_unit.path)
    ]


@consumer("connectors.trigger", types=[ALL_PUBLIC], batch=True)
def trigger(events: list[Event]) -> None:
    """A batch of events, oldest first: the enabled connectors are read once for all (the
    usual case, no connector at all, costs one query per batch)."""
    enabled = list(Connector.objects.filter(enabled=True).select_related("org_unit"))
    if not enabled:
        return
    for event in events:
        _trigger(event, enabled)


def _trigger(event: Event, enabled: list[Connector]) -> None:
    for connector in connectors_for(event, enabled):
        for item in connector.triggers:
            key = OBJECT_KEYS.get(str(item.get("kind")))
            object_id = event.data.get(key) if key else None
            if _wants(item, event) and isinstance(object_id, int):
                sync_request(
                    connector=connector,
                    kind=str(item["kind"]),
                    object_id=object_id,
                    event_id=event.pk,
                )
