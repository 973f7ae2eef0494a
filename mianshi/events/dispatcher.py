"""Turning committed events into work: each handling is claimed, run once, retried on error.

The dispatch task of one event runs right after its commit; a periodic sweep catches what a
lost message, a dead worker or a retry left due (ARCHITECTURE rule 4: claim with a
conditional UPDATE, give back on crash, give up after a consumer's max attempts).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from mianshi.common.claims import claim, claims_sweep
from mianshi.events.consumers import consumer_named
from mianshi.events.models import Handling, HandlingStatus

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=10)
# How long one dispatch task goes on with other due handlings after its own event's: a
# burst of events costs one broker round trip per second, not one per event.
GO_ON_SECONDS = 1.0
MAX_BACKOFF = 3600.0
ERROR_EXCERPT = 2000
H = HandlingStatus


class _Lost(Exception):
    """The claim was swept away while the consumer ran: the other run's outcome counts."""


def backoff(attempts: int) -> float:
    """Seconds before retry `attempts`: 5 s doubling to an hour, ±20 % jitter."""
    base = min(5.0 * 2 ** max(attempts - 1, 0), MAX_BACKOFF)
    return base * random.uniform(0.8, 1.2)  # noqa: S311 (jitter, not a secret)


def _claim(handling_id: int, now: datetime) -> bool:
    expect = {"status": H.PENDING, "due_at__lte": now}
    to = {"status": H.RUNNING, "claimed_at": now}
    return claim(Handling.objects, pk=handling_id, expect=expect, to=to, count="attempts")


def _run(handling: Handling, claimed_at: datetime) -> None:
    found = consumer_named(handling.consumer)
    if found is None:
        raise LookupError(f"no consumer named {handling.consumer!r}")
    with transaction.atomic():
        found.handle(handling.event)
        done = Handling.objects.filter(pk=handling.pk, status=H.RUNNING, claimed_at=claimed_at)
        if done.update(status=H.DONE, done_at=timezone.now(), last_error="") != 1:
            raise _Lost


def _fail(handling: Handling, exc: Exception) -> float | None:
    """Give the handling back for a retry (seconds until due) or up (None)."""
    found = consumer_named(handling.consumer)
    limit = found.max_attempts if found else 1
    delay = backoff(handling.attempts)
    status = H.PENDING if handling.attempts < limit else H.FAILED
    Handling.objects.filter(pk=handling.pk, status=H.RUNNING).update(
        status=status,
        due_at=timezone.now() + timedelta(seconds=delay),
        last_error=f"{type(exc).__name__}: {exc}"[:ERROR_EXCERPT],
    )
    logger.warning("event handling %s failed (%s)", handling.pk, type(exc).__name__)
    return delay if status == H.PENDING else None


def handling_run(*, handling_id: int) -> str:
    """Run one handling if it is still due and nobody else has it: done, retry, failed…"""
    now = timezone.now()
    if not _claim(handling_id, now):
        return "taken"
    handling = Handling.objects.select_related("event").get(pk=handling_id)
    try:
        _run(handling, now)
    except _Lost:
        return "lost"
    except Exception as exc:  # any consumer error is retried later, never lost
        delay = _fail(handling, exc)
        if delay is not None:
            _retry_later(handling.event_id, delay)
        return "retry" if delay is not None else "failed"
    return "done"


def _retry_later(event_id: int, delay: float) -> None:
    from mianshi.events.tasks import dispatch_event

    dispatch_event.apply_async((event_id,), countdown=delay)


def event_dispatch(*, event_id: int) -> dict[str, int]:
    """Run every due handling of one event, in consumer order; counts per outcome."""
    due = Handling.objects.filter(
        event_id=event_id, status=H.PENDING, due_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    return _tally(handling_run(handling_id=pk) for pk in list(due))


def events_go_on(*, seconds: float = GO_ON_SECONDS) -> dict[str, int]:
    """After an event's own dispatch: run other due handlings, oldest event first, until
    none is left or `seconds` have passed; their own dispatch tasks then find nothing."""
    deadline = time.monotonic() + seconds
    counts: dict[str, int] = {}
    while time.monotonic() < deadline:
        due = Handling.objects.filter(status=H.PENDING, due_at__lte=timezone.now())
        ids = list(due.order_by("event_id", "id").values_list("pk", flat=True)[:20])
        if not ids:
            break
        for pk in ids:
            outcome = handling_run(handling_id=pk)
            counts[outcome] = counts.get(outcome, 0) + 1
            if time.monotonic() >= deadline:
                break
    return counts


def _tally(outcomes: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def events_sweep(*, limit: int = 1000, stale_after: timedelta = STALE_AFTER) -> dict[str, int]:
    """Give back claims of dead workers, then run what is due, oldest event first."""
    cutoff = timezone.now() - stale_after
    stale = Handling.objects.filter(status=H.RUNNING, claimed_at__lt=cutoff)
    claims_sweep(
        stale,
        count="attempts",
        limit=10,
        give_up={"status": H.FAILED, "last_error": "worker lost, gave up"},
        give_back={"status": H.PENDING, "due_at": timezone.now()},
    )
    due = Handling.objects.filter(status=H.PENDING, due_at__lte=timezone.now())
    ids = list(due.order_by("event_id", "id").values_list("pk", flat=True)[:limit])
    return _tally(handling_run(handling_id=pk) for pk in ids)
