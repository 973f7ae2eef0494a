"""The outbox's Celery entry points: thin, by id, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from mianshi.events.dispatcher import event_dispatch, events_sweep


@shared_task(name="events.dispatch_event", ignore_result=True)
def dispatch_event(event_id: int) -> dict[str, int]:
    return event_dispatch(event_id=event_id)


@shared_task(name="events.sweep", ignore_result=True)
def sweep_events() -> dict[str, int]:
    return events_sweep()
