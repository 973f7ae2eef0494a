"""Doorbells: one broker message wakes a run for a whole burst of work, not one per item.

Work (an outbox event, a webhook delivery) is a committed row; a run drains every due row.
Sending a broker message per row would cost more than the row's work, so a writer rings
the bell after its commit and sends the wake-up only when the bell was quiet. The run
silences the bell before each read of the due rows: a row committed after that read
rings it again (and wakes a new run), one committed before is found by the read, so no
row waits for nobody. A bell rung longer ago than STALE counts as quiet again: should its
message be lost (a broker restart, a killed worker), the next writer wakes a run anyway,
and the periodic sweeps catch the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from mianshi.common.models import Doorbell

STALE = timedelta(seconds=10)


def bell_ring(name: str) -> bool:
    """Ring `name`; True when it was quiet (or stale), so the caller must send the wake-up."""
    now = timezone.now()
    rung = Doorbell.objects.filter(name=name).values_list("rung_at", flat=True).first()
    if rung is not None and rung >= now - STALE:
        return False  # a run is woken already: a read, no writer lock (the usual case)
    quiet = Q(rung_at__isnull=True) | Q(rung_at__lt=now - STALE)
    if Doorbell.objects.filter(quiet, name=name).update(rung_at=now):
        return True
    if Doorbell.objects.filter(name=name).exists():
        return False  # another writer rang it in between
    try:
        with transaction.atomic():
            Doorbell.objects.create(name=name, rung_at=now)
    except IntegrityError:
        return False  # another writer rang it first
    return True


def bell_silence(name: str) -> None:
    """Called by a run before it reads the due rows (see the module's docstring)."""
    Doorbell.objects.filter(name=name).update(rung_at=None)


def ring_on_commit(name: str, wake: Callable[..., None], *args: object) -> None:
    """After the current transaction commits, ring `name` and call `wake(*args)` if it was
    quiet (`wake` a module-level function, so two registrations compare equal).
    A transaction that writes many rows registers this once: a registration made in the
    same or an enclosing savepoint already covers the new row (rolling that back rolls
    the row back too)."""
    hook = _Hook(name, wake, args)
    open_savepoints = set(connection.savepoint_ids)
    for registered in connection.run_on_commit:  # Django's (savepoint ids, func, robust)
        sids, func = registered[0], registered[1]
        if isinstance(func, _Hook) and func == hook and not func.fired and sids <= open_savepoints:
            return
    # robust: a broker hiccup must not undo the caller's work; the sweeps find the rows.
    transaction.on_commit(hook, robust=True)


class _Hook:
    """The on-commit callable; equal for the same bell and wake-up, so it is registered once."""

    def __init__(self, name: str, wake: Callable[..., None], args: tuple[object, ...]) -> None:
        self.key = (name, wake, args)
        # Run already, yet still listed: only where a test runs the hooks before the
        # commit (captureOnCommitCallbacks); a new row then needs a new registration.
        self.fired = False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Hook) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __call__(self) -> None:
        self.fired = True
        name, wake, args = self.key
        if bell_ring(name):
            wake(*args)
