"""The outbox's Celery entry points: thin, by id, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from mianshi.events.dispatcher import event_dispatch, events_go_on, events_sweep


@shared_task(name="events.dispatch_event", ignore_result=True)
def dispatch_event(event_id: int) -> dict[str, int]:
    counts = event_dispatch(event_id=event_id)
    for outcome, n in events_go_on().items():  # a burst: the next events' handlings too
        counts[outcome] = counts.get(outcome, 0) + n
    return counts


@shared_task(name="events.sweep", ignore_result=True)
def sweep_events() -> dict[str, int]:
    return events_sweep()
