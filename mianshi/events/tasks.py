"""The outbox's Celery entry points: thin, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from mianshi.events.dispatcher import event_dispatch, events_drain, events_sweep


@shared_task(name="events.dispatch", ignore_result=True)
def dispatch() -> dict[str, int]:
    """Woken by the doorbell after commits that wrote events: drain what is due."""
    return events_drain()


@shared_task(name="events.dispatch_event", ignore_result=True)
def dispatch_event(event_id: int) -> dict[str, int]:
    """A retry of one event's handlings when due, then whatever else is due."""
    counts = event_dispatch(event_id=event_id)
    for outcome, n in events_drain().items():
        counts[outcome] = counts.get(outcome, 0) + n
    return counts


@shared_task(name="events.sweep", ignore_result=True)
def sweep_events() -> dict[str, int]:
    return events_sweep()
