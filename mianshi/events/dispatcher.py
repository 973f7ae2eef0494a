"""Turning committed events into work: each handling is claimed, run once, retried on error.

A commit that wrote events rings the dispatcher's doorbell (common/doorbell.py), which wakes
one run; the run works through the oldest due handlings a batch at a time until nothing is
due: those of consumers that take batches in one transaction, the others each claimed and
run in its own. A periodic sweep catches what a lost message, a dead worker or a retry left
due (ARCHITECTURE rule 4: claim with a conditional UPDATE, give back on crash, give up after
a consumer's max attempts). `event_dispatch` / `handling_run` run one event / one handling
by id.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from mianshi.common.claims import claim, claims_sweep
from mianshi.common.doorbell import bell_ring, bell_silence
from mianshi.events.consumers import batched_names, consumer_named
from mianshi.events.models import Handling, HandlingStatus

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=10)
# How long one woken run goes on with batch after batch before handing over to a new run
# (behind the messages queued meanwhile: a solo worker's webhook senders get their turn).
GO_ON_SECONDS = 0.25
# Handlings claimed and run together: a burst costs a few transactions, not one per event.
BATCH = 200
BELL = "events.dispatch"
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
        found.handle_many([handling.event])
        _mark_done(handling.pk, claimed_at)


def _mark_done(pk: int, claimed_at: datetime) -> None:
    """Inside the consumer's transaction: still ours, or the work is undone (_Lost)."""
    done = Handling.objects.filter(pk=pk, status=H.RUNNING, claimed_at=claimed_at)
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


def _execute(handling: Handling, claimed_at: datetime) -> str:
    """Run one claimed handling: "done", "lost", "retry" or "failed"."""
    try:
        _run(handling, claimed_at)
    except _Lost:
        return "lost"
    except Exception as exc:  # any consumer error is retried later, never lost
        delay = _fail(handling, exc)
        if delay is not None:
            _retry_later(handling.event_id, delay)
        return "retry" if delay is not None else "failed"
    return "done"


def handling_run(*, handling_id: int) -> str:
    """Run one handling if it is still due and nobody else has it: done, retry, failed…"""
    now = timezone.now()
    if not _claim(handling_id, now):
        return "taken"
    return _execute(Handling.objects.select_related("event").get(pk=handling_id), now)


def _retry_later(event_id: int, delay: float) -> None:
    from mianshi.events.tasks import dispatch_event

    dispatch_event.apply_async((event_id,), countdown=delay)


def event_dispatch(*, event_id: int) -> dict[str, int]:
    """Run every due handling of one event, in consumer order; counts per outcome."""
    due = Handling.objects.filter(
        event_id=event_id, status=H.PENDING, due_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    return _tally(handling_run(handling_id=pk) for pk in list(due))


def events_batch(*, limit: int | None = None) -> dict[str, int]:
    """Run one batch of due handlings, oldest event first; counts per outcome. An idle look
    is a read only (SQLite's writer lock is left to the writers)."""
    now, limit = timezone.now(), limit or BATCH
    due = Handling.objects.filter(status=H.PENDING, due_at__lte=now)
    if not due.exists():
        return {}
    counts, failed = _run_batched(due, limit)
    outcomes = [handling_run(handling_id=pk) for pk in failed]
    singles = _claim_batch(due.exclude(consumer__in=batched_names()), now, limit)
    outcomes += [_execute(handling, now) for handling in singles]
    return _tally(outcomes, counts)


def _run_batched(due: QuerySet[Handling], limit: int) -> tuple[dict[str, int], list[int]]:
    """The handlings of batch consumers: locked, run and marked done in ONE transaction (a
    crash rolls it all back: nothing to give back). A consumer's group that raises is
    rolled back alone and returned, to be run one handling at a time: (counts, failed)."""
    done: list[int] = []
    failed: list[int] = []
    with transaction.atomic():
        mine = due.filter(consumer__in=batched_names()).select_related("event")
        rows = mine.select_for_update(skip_locked=True, of=("self",)).order_by("event_id", "id")
        for name, group in _by_consumer(list(rows[:limit])).items():
            pks = [h.pk for h in group]
            (done if _handled(name, group) else failed).extend(pks)
        Handling.objects.filter(pk__in=done).update(
            status=H.DONE, done_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
        )
    return ({"done": len(done)} if done else {}), failed


def _handled(name: str, group: list[Handling]) -> bool:
    found = consumer_named(name)
    if found is None:
        return False  # run one by one, each then fails with the reason
    try:
        with transaction.atomic():
            found.handle_many([h.event for h in group])
    except Exception:  # each is run on its own next, where its error is kept
        logger.info("batch of %s failed; handling its events one by one", name)
        return False
    return True


def _claim_batch(due: QuerySet[Handling], now: datetime, limit: int) -> list[Handling]:
    """Claim the oldest due handlings, up to `limit`, in one short transaction (skipping
    rows another dispatcher holds on PostgreSQL; SQLite's writer lock serialises anyway)."""
    with transaction.atomic():
        oldest = due.select_for_update(skip_locked=True).order_by("event_id", "id")
        pks = list(oldest.values_list("pk", flat=True)[:limit])
        if pks:
            Handling.objects.filter(pk__in=pks).update(
                status=H.RUNNING, claimed_at=now, attempts=F("attempts") + 1
            )
    found = Handling.objects.filter(pk__in=pks).select_related("event")
    return sorted(found, key=lambda h: (h.event_id, h.pk))


def _by_consumer(handlings: list[Handling]) -> dict[str, list[Handling]]:
    groups: dict[str, list[Handling]] = {}
    for handling in handlings:
        groups.setdefault(handling.consumer, []).append(handling)
    return groups


def events_drain(*, seconds: float = GO_ON_SECONDS) -> dict[str, int]:
    """The woken run (common/doorbell.py): batch after batch until nothing is due; after
    `seconds` the rest goes to a new run, so a flood cannot hold a worker for long."""
    deadline = time.monotonic() + seconds
    counts: dict[str, int] = {}
    while done := (events_batch() or _last_look()):
        for outcome, n in done.items():
            counts[outcome] = counts.get(outcome, 0) + n
        if time.monotonic() >= deadline:
            wake_dispatcher()  # the bell is still rung: the next run is woken here
            break
    return counts


def _last_look() -> dict[str, int]:
    """Nothing was due: silence the bell, then look once more. An event committed before
    the silence is found now; one committed after it rings the bell and wakes a new run.
    While the run finds work the bell stays rung, so writers send no message meanwhile
    (a message sent in the moment it was silent wakes a run that finds little)."""
    bell_silence(BELL)
    done = events_batch()
    if done:
        bell_ring(BELL)  # still running: writers need not wake another run
    return done


def wake_dispatcher() -> None:
    from mianshi.events.tasks import dispatch

    dispatch.delay()


def _tally(outcomes: Iterable[str], counts: dict[str, int] | None = None) -> dict[str, int]:
    counts = dict(counts or {})
    for outcome in outcomes:
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def events_sweep(*, run: bool = True, stale_after: timedelta = STALE_AFTER) -> dict[str, int]:
    """Give back claims of dead workers, then (`run`) drain what is due as a woken run does,
    ending with its bell silenced: a wake-up that was lost (a broker restart, a queue no
    worker reads) leaves the bell rung, and writers would wake nobody until it goes stale."""
    cutoff = timezone.now() - stale_after
    stale = Handling.objects.filter(status=H.RUNNING, claimed_at__lt=cutoff)
    claims_sweep(
        stale,
        count="attempts",
        limit=10,
        give_up={"status": H.FAILED, "last_error": "worker lost, gave up"},
        give_back={"status": H.PENDING, "due_at": timezone.now()},
    )
    return events_drain() if run else {}
