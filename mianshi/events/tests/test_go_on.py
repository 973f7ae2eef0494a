"""A dispatch task goes on with the other due handlings, oldest event first, for a while:
a burst of events needs no broker round trip per event (bench/events.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mianshi.events.consumers import consumer
from mianshi.events.dispatcher import events_go_on
from mianshi.events.models import Event, Handling
from mianshi.events.services import event_emit
from mianshi.events.tasks import dispatch_event

TYPE = "answer.checked"


def emit(answer_id: int) -> Event:
    return event_emit(type=TYPE, data={"answer_id": answer_id, "session_id": 2}, org_unit_id=None)


@pytest.mark.django_db
def test_one_dispatch_runs_the_due_handlings_of_later_events(registry: Any) -> None:
    calls: list[int] = []

    @consumer("t.count", types=[TYPE])
    def handle(event: Event) -> None:
        calls.append(event.pk)

    events = [emit(n) for n in range(3)]
    later = emit(9)
    Handling.objects.filter(event=later).update(due_at=timezone.now() + timedelta(hours=1))
    assert dispatch_event(events[0].pk) == {"done": 3}
    assert calls == [e.pk for e in events]  # in order; the one not due yet waits
    assert dispatch_event(events[1].pk) == {}  # its own task finds nothing left


@pytest.mark.django_db
def test_going_on_stops_at_its_time(registry: Any) -> None:
    @consumer("t.count", types=[TYPE])
    def handle(event: Event) -> None:
        pass

    emit(1)
    assert events_go_on(seconds=0) == {}
    assert events_go_on() == {"done": 1}
