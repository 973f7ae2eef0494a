"""Test helper: the audit events a block of code wrote (for read-audit tests in any app)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import Max

from mianshi.compliance.models import AuditEvent


@contextmanager
def recorded() -> Iterator[list[AuditEvent]]:
    """`with recorded() as events:` → the events written inside the block, oldest first."""
    start = AuditEvent.objects.aggregate(m=Max("id"))["m"] or 0
    found: list[AuditEvent] = []
    yield found
    found.extend(AuditEvent.objects.filter(id__gt=start).order_by("id"))


def only(events: list[AuditEvent], action: str) -> AuditEvent:
    """The single event of the block, asserting it is exactly one, of `action`."""
    assert [e.action for e in events] == [action], [e.action for e in events]
    return events[0]
