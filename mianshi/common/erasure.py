"""The registry of what higher apps store for a candidate, so erasure misses nothing.

Erasing a candidate (F-105, PIPL; review M5) must remove every stored object of theirs, but
the candidates app sits below the apps that store them (interviews: recordings, chunks,
answer files) and may not import them (ARCHITECTURE rule 5b). So each such app registers,
in its own `erasure.py` module (found like admin modules, by autodiscovery), a function
telling what it holds for a candidate: object names, prefixes to sweep, and row ids for the
audit. The same shape as `common.sealed`, for the same reason: one list nobody can forget.
Erasure is a system-wide duty, so these finders span every organisation unit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Holding:
    """What one app stores for a candidate: `objects` by name, `prefixes` whose every object
    is theirs (catching objects whose row was never written), and `ids` of the rows, by
    label, for the audit event (ids only, never values)."""

    objects: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    ids: dict[str, list[int]] = field(default_factory=dict)


Finder = Callable[[int], Holding]
_FINDERS: dict[str, Finder] = {}


def register(name: str, finder: Finder) -> Finder:
    """Add a finder (registering the same name again replaces it: reloads are harmless)."""
    _FINDERS[name] = finder
    return finder


def holdings_of(candidate_id: int) -> list[Holding]:
    """What every registered app holds for the candidate (call before the rows go)."""
    autodiscover_modules("erasure")
    return [finder(candidate_id) for finder in _FINDERS.values()]
