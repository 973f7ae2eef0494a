"""A woken run drains every due handling in batches, oldest event first: a burst of events
costs a few transactions and one broker message, not one of each per event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mianshi.common.doorbell import bell_ring
from mianshi.events import dispatcher
from mianshi.events.consumers import consumer
from mianshi.events.dispatcher import events_batch, events_drain, events_sweep
from mianshi.events.models import Event, Handling, HandlingStatus
from mianshi.events.services import event_emit
from mianshi.events.tasks import dispatch_event

TYPE = "answer.checked"


def emit(answer_id: int) -> Event:
    return event_emit(type=TYPE, data={"answer_id": answer_id, "session_id": 2}, org_unit_id=None)


@pytest.mark.django_db
def test_one_run_handles_the_due_events_in_order(registry: Any) -> None:
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
def test_a_batch_consumer_gets_the_burst_in_one_call(registry: Any) -> None:
    calls: list[list[int]] = []

    @consumer("t.many", types=[TYPE], batch=True)
    def handle(events: list[Event]) -> None:
        calls.append([e.pk for e in events])

    events = [emit(n) for n in range(5)]
    assert events_drain() == {"done": 5}
    assert calls == [[e.pk for e in events]]


@pytest.mark.django_db
def test_one_bad_event_in_a_batch_holds_back_no_other(registry: Any) -> None:
    seen: list[int] = []

    @consumer("t.many", types=[TYPE], batch=True)
    def handle(events: list[Event]) -> None:
        if any(e.data["answer_id"] == 2 for e in events):
            raise ValueError("answer 2 is bad")
        seen.extend(e.data["answer_id"] for e in events)

    [emit(n) for n in range(4)]
    assert events_batch() == {"done": 3, "retry": 1}
    assert seen == [0, 1, 3]  # the batch rolled back, then each on its own
    bad = Handling.objects.get(event__data__answer_id=2)
    assert bad.status == HandlingStatus.PENDING and bad.attempts == 1
    assert bad.last_error == "ValueError: answer 2 is bad" and bad.due_at > timezone.now()


@pytest.mark.django_db
def test_a_batch_and_its_marking_done_are_one_transaction(registry: Any) -> None:
    """A crash in the middle rolls both back: nothing is half done, nothing to give back."""

    @consumer("t.many", types=[TYPE], batch=True)
    def handle(events: list[Event]) -> None:
        Event.objects.filter(pk__in=[e.pk for e in events]).update(type="seen")
        raise KeyboardInterrupt  # not an error of the consumer: the process is going down

    [emit(n) for n in range(3)]
    with pytest.raises(KeyboardInterrupt):
        events_batch()
    assert set(Handling.objects.values_list("status", "attempts")) == {("pending", 0)}
    assert set(Event.objects.values_list("type", flat=True)) == {TYPE}


@pytest.mark.django_db
def test_a_run_past_its_time_hands_the_rest_to_a_new_run(registry: Any, monkeypatch: Any) -> None:
    woken: list[bool] = []
    monkeypatch.setattr(dispatcher, "wake_dispatcher", lambda: woken.append(True))
    monkeypatch.setattr(dispatcher, "BATCH", 2)

    @consumer("t.count", types=[TYPE])
    def handle(event: Event) -> None:
        pass

    [emit(n) for n in range(3)]
    assert events_drain(seconds=0) == {"done": 2}
    assert woken == [True]
    assert events_drain() == {"done": 1}
    assert woken == [True]  # nothing was left: no further wake-up


@pytest.mark.django_db
def test_a_lost_wake_up_is_caught_by_the_sweep_which_silences_the_bell(registry: Any) -> None:
    """The bell was rung but its message went nowhere (a broker restart, a queue nobody
    reads): writers then wake nobody, until the sweep (at worker start and every 30 s)."""

    @consumer("t.count", types=[TYPE])
    def handle(event: Event) -> None:
        pass

    assert bell_ring(dispatcher.BELL) is True  # …and the message is lost
    emit(1)
    assert bell_ring(dispatcher.BELL) is False  # a writer now would wake nobody
    assert events_sweep() == {"done": 1}
    assert bell_ring(dispatcher.BELL) is True  # silenced again: the next writer wakes a run
