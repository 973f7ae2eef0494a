"""The outbox core: written with the change or not at all, each handling done once, failures
retried with backoff and given up with the error kept, stale claims given back."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone
from pydantic import ValidationError

from mianshi.events.consumers import Consumer, consumer
from mianshi.events.dispatcher import STALE_AFTER, event_dispatch, events_sweep, handling_run
from mianshi.events.models import Event, Handling, HandlingStatus
from mianshi.events.services import event_emit

H = HandlingStatus
TYPE = "answer.checked"
pytestmark = pytest.mark.usefixtures("eager")


def emit(answer_id: int = 1) -> Event:
    return event_emit(type=TYPE, data={"answer_id": answer_id, "session_id": 2}, org_unit_id=None)


def counting(registry: dict[str, Consumer], name: str, calls: list[int]) -> None:
    @consumer(name, types=[TYPE])
    def handle(event: Event) -> None:
        calls.append(event.pk)


def failing(name: str, *, max_attempts: int = 10) -> None:
    @consumer(name, types=[TYPE], max_attempts=max_attempts)
    def handle(event: Event) -> None:
        raise RuntimeError("receiver said no")


def handling(event: Event, name: str) -> Handling:
    return Handling.objects.get(event=event, consumer=name)


@pytest.mark.django_db(transaction=True)
def test_an_event_of_a_rolled_back_transaction_leaves_nothing(registry: Any) -> None:
    calls: list[int] = []
    counting(registry, "t.count", calls)
    with pytest.raises(RuntimeError), transaction.atomic():
        emit()
        raise RuntimeError("the change failed")
    assert not Event.objects.exists() and not Handling.objects.exists() and calls == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_event_is_handled_after_commit(registry: Any) -> None:
    calls: list[int] = []
    counting(registry, "t.count", calls)
    with transaction.atomic():
        event = emit()
        assert calls == []  # nothing runs before the change is committed
    assert calls == [event.pk] and handling(event, "t.count").status == H.DONE


@pytest.mark.django_db
def test_an_unknown_payload_key_is_refused_at_emit(registry: Any) -> None:
    with pytest.raises(ValidationError):
        event_emit(
            type=TYPE, data={"answer_id": 1, "session_id": 2, "name": "张三"}, org_unit_id=None
        )
    with pytest.raises(KeyError):
        event_emit(type="no.such.type", data={}, org_unit_id=None)
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_dispatching_twice_handles_once(registry: Any) -> None:
    calls: list[int] = []
    counting(registry, "t.count", calls)
    event = emit()
    assert event_dispatch(event_id=event.pk) == {"done": 1}
    assert event_dispatch(event_id=event.pk) == {}
    assert events_sweep() == {}
    assert calls == [event.pk]


@pytest.mark.django_db(transaction=True)
def test_two_racing_dispatchers_handle_once(registry: Any) -> None:
    calls: list[int] = []
    gate = threading.Barrier(2)

    @consumer("t.slow", types=[TYPE])
    def slow(event: Event) -> None:
        calls.append(event.pk)
        threading.Event().wait(0.2)  # the other dispatcher arrives while this one works

    Handling.objects.all().delete()
    with transaction.atomic():
        # Written without dispatch on commit: the two threads are the only dispatchers.
        event = Event.objects.create(type=TYPE, occurred_at=timezone.now(), data={})
        Handling.objects.create(event=event, consumer="t.slow", due_at=timezone.now())
    outcomes: list[dict[str, int]] = []

    def dispatcher() -> None:
        gate.wait()
        try:
            outcomes.append(event_dispatch(event_id=event.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert calls == [event.pk]
    assert sorted(o.get("done", 0) for o in outcomes) == [0, 1]
    assert handling(event, "t.slow").status == H.DONE


@pytest.mark.django_db
def test_a_failing_consumer_is_retried_with_backoff_then_given_up(registry: Any) -> None:
    failing("t.fail", max_attempts=3)
    event = emit()
    before = timezone.now()
    assert handling_run(handling_id=handling(event, "t.fail").pk) == "retry"
    first = handling(event, "t.fail")
    assert first.status == H.PENDING and first.attempts == 1
    assert "receiver said no" in first.last_error
    wait = (first.due_at - before).total_seconds()
    assert 4.0 <= wait <= 6.5  # 5 s ± 20 % jitter
    assert event_dispatch(event_id=event.pk) == {}  # not due yet: nothing runs early
    for attempt, expected in ((2, "retry"), (3, "failed")):
        Handling.objects.filter(pk=first.pk).update(due_at=timezone.now())  # time passes
        assert handling_run(handling_id=first.pk) == expected
        assert handling(event, "t.fail").attempts == attempt
    given_up = handling(event, "t.fail")
    assert given_up.status == H.FAILED and "RuntimeError: receiver said no" in given_up.last_error
    Handling.objects.filter(pk=first.pk).update(due_at=timezone.now())
    assert events_sweep() == {}  # given up means no more attempts


@pytest.mark.django_db
def test_the_second_retry_waits_longer(registry: Any) -> None:
    failing("t.fail")
    event = emit()
    pk = handling(event, "t.fail").pk
    handling_run(handling_id=pk)
    Handling.objects.filter(pk=pk).update(due_at=timezone.now())
    before = timezone.now()
    handling_run(handling_id=pk)
    assert 8.0 <= (handling(event, "t.fail").due_at - before).total_seconds() <= 12.5


@pytest.mark.django_db
def test_one_failing_consumer_does_not_block_the_others(registry: Any) -> None:
    calls: list[int] = []
    failing("a.fail")
    counting(registry, "b.count", calls)
    event = emit()
    event_dispatch(event_id=event.pk)
    assert calls == [event.pk]
    assert handling(event, "b.count").status == H.DONE
    assert handling(event, "a.fail").status == H.PENDING


@pytest.mark.django_db
def test_a_stale_running_claim_is_given_back_by_the_sweep_and_done_once(registry: Any) -> None:
    calls: list[int] = []
    counting(registry, "t.count", calls)
    event = emit()
    # What a worker killed mid-handling leaves: RUNNING, claimed long ago, one attempt.
    dead_at = timezone.now() - STALE_AFTER - timedelta(seconds=1)
    Handling.objects.filter(event=event).update(status=H.RUNNING, claimed_at=dead_at, attempts=1)
    fresh = emit(answer_id=3)
    Handling.objects.filter(event=fresh).update(status=H.RUNNING, claimed_at=timezone.now())
    assert events_sweep() == {"done": 1}  # the live claim of `fresh` is left alone
    assert events_sweep() == {}
    assert calls == [event.pk]
    done = handling(event, "t.count")
    assert done.status == H.DONE and done.attempts == 2
    assert handling(fresh, "t.count").status == H.RUNNING


@pytest.mark.django_db
def test_a_consumer_error_rolls_back_its_own_writes(registry: Any) -> None:
    @consumer("t.half", types=[TYPE])
    def half(event: Event) -> None:
        Event.objects.create(type="webhook.test", occurred_at=timezone.now(), data={})
        raise RuntimeError("after writing")

    event = emit()
    assert event_dispatch(event_id=event.pk) == {"retry": 1}
    assert not Event.objects.filter(type="webhook.test").exists()


@pytest.mark.django_db
def test_a_handling_of_a_consumer_that_no_longer_exists_fails_with_the_reason(
    registry: Any,
) -> None:
    event = emit()
    gone = Handling.objects.create(event=event, consumer="removed.app", due_at=timezone.now())
    assert handling_run(handling_id=gone.pk) == "failed"
    gone.refresh_from_db()
    assert gone.status == H.FAILED and "removed.app" in gone.last_error
