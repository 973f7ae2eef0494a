"""Who reacts to which events: a registry filled by each app's own `consumers.py`.

A consumer is a function `handle(event)` registered under a stable name for some event
types (or every public type). It runs inside a transaction together with marking its
handling done, so database-only work happens exactly once; work that leaves the process
(HTTP, e-mail) must be idempotent on its side, because a crash after sending and before
the commit sends again (at least once). Raising makes the dispatcher retry with backoff.

    @consumer("analysis.enqueue", types=["answer.checked"])
    def enqueue(event: Event) -> None: ...

A consumer whose per-event work is mostly fixed cost (the webhooks fan-out: look up the
endpoints, write rows, wake the sender) registers with `batch=True` and takes a list of
events, oldest first: a burst is handled in one transaction. Should a batch raise, each of
its events is tried again on its own, so one bad event holds back no other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.utils.module_loading import autodiscover_modules

from mianshi.events.catalogue import EVENT_TYPES, PUBLIC_TYPES
from mianshi.events.models import Event

Handler = Callable[[Event], None]
BatchHandler = Callable[[list[Event]], None]
H = TypeVar("H", Handler, BatchHandler)
ALL_PUBLIC = "*"


@dataclass(frozen=True)
class Consumer:
    """A registered handler and the types it wants."""

    name: str
    types: frozenset[str]
    handle: Handler | BatchHandler
    max_attempts: int
    batch: bool = False

    def handle_many(self, events: list[Event]) -> None:
        """Handle `events` (oldest first) in the caller's transaction."""
        if self.batch:
            self.handle(events)  # type: ignore[arg-type]
        else:
            for event in events:
                self.handle(event)  # type: ignore[arg-type]


_CONSUMERS: dict[str, Consumer] = {}


def _types(types: Iterable[str]) -> frozenset[str]:
    wanted = set(types)
    if ALL_PUBLIC in wanted:
        wanted = (wanted - {ALL_PUBLIC}) | set(PUBLIC_TYPES)
    unknown = wanted - set(EVENT_TYPES)
    if unknown:
        raise ValueError(f"unknown event types: {sorted(unknown)}")
    return frozenset(wanted)


def consumer(
    name: str, *, types: Iterable[str], max_attempts: int = 10, batch: bool = False
) -> Callable[[H], H]:
    """Register `handle` as consumer `name` of `types` ("*" = every public type); with
    `batch`, `handle` takes a list of events."""

    def register(handle: H) -> H:
        _CONSUMERS[name] = Consumer(name, _types(types), handle, max_attempts, batch)
        return handle

    return register


def consumers_of(event_type: str) -> list[Consumer]:
    """The consumers that must handle an event of `event_type`, in a stable order."""
    return sorted((c for c in _CONSUMERS.values() if event_type in c.types), key=lambda c: c.name)


def batched_names() -> list[str]:
    """The consumers that take batches (one transaction for a burst)."""
    return sorted(c.name for c in _CONSUMERS.values() if c.batch)


def consumer_named(name: str) -> Consumer | None:
    return _CONSUMERS.get(name)


def autodiscover() -> None:
    autodiscover_modules("consumers")
