"""Who reacts to which events: a registry filled by each app's own `consumers.py`.

A consumer is a function `handle(event)` registered under a stable name for some event
types (or every public type). It runs inside a transaction together with marking its
handling done, so database-only work happens exactly once; work that leaves the process
(HTTP, e-mail) must be idempotent on its side, because a crash after sending and before
the commit sends again (at least once). Raising makes the dispatcher retry with backoff.

    @consumer("analysis.enqueue", types=["answer.checked"])
    def enqueue(event: Event) -> None: ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

from mianshi.events.catalogue import EVENT_TYPES, PUBLIC_TYPES
from mianshi.events.models import Event

Handler = Callable[[Event], None]
ALL_PUBLIC = "*"


@dataclass(frozen=True)
class Consumer:
    """A registered handler and the types it wants."""

    name: str
    types: frozenset[str]
    handle: Handler
    max_attempts: int


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
    name: str, *, types: Iterable[str], max_attempts: int = 10
) -> Callable[[Handler], Handler]:
    """Register `handle` as consumer `name` of `types` ("*" = every public type)."""

    def register(handle: Handler) -> Handler:
        _CONSUMERS[name] = Consumer(name, _types(types), handle, max_attempts)
        return handle

    return register


def consumers_of(event_type: str) -> list[Consumer]:
    """The consumers that must handle an event of `event_type`, in a stable order."""
    return sorted((c for c in _CONSUMERS.values() if event_type in c.types), key=lambda c: c.name)


def consumer_named(name: str) -> Consumer | None:
    return _CONSUMERS.get(name)


def autodiscover() -> None:
    autodiscover_modules("consumers")
