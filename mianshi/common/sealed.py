"""The registry of everything sealed with ENCRYPTION_KEYS, so key rotation misses nothing.

Removing an old key makes every value still sealed under it unreadable for good (review
H2: recordings, chunks, answer files and tokens were forgotten once). So each app that
seals something registers a `SealedKind` in its own `sealed.py` module (found like admin
modules, by autodiscovery): how to re-seal what is still under another key, and how many
remain. `sealed_rotate` runs them all; the command refuses success while any remain.
Rotation is a system-wide maintenance job, so these queries deliberately span every
organisation unit instead of going through the scoping helpers.

A kind that is one encrypted text column needs one line::

    register(sealed_text_field(name="accounts.totp_secret", model=User, field="totp_secret_enc",
                               context="accounts.totp_secret"))
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models
from django.utils.module_loading import autodiscover_modules

from mianshi.common.crypto import DecryptionError, current_key_id, reseal_str

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class SealedKind:
    """One kind of sealed material: `rotate(batch_size)` re-seals what is not under the
    current key and returns how many it re-sealed; `remaining` counts what still is not."""

    name: str
    rotate: Callable[[int], int]
    remaining: Callable[[], int]


@dataclass
class KindReport:
    """What one kind's run did."""

    name: str
    resealed: int
    remaining: int


@dataclass
class RotationRun:
    """The whole run: one report per kind, and whether anything is left behind."""

    key_id: str
    kinds: list[KindReport] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(k.remaining == 0 for k in self.kinds)


_KINDS: dict[str, SealedKind] = {}


def register(kind: SealedKind) -> SealedKind:
    """Add a kind (registering the same name again replaces it: module reloads are harmless)."""
    _KINDS[kind.name] = kind
    return kind


def sealed_kinds() -> list[SealedKind]:
    """Every registered kind, after importing each app's `sealed` module."""
    autodiscover_modules("sealed")
    return list(_KINDS.values())


def sealed_rotate(*, batch_size: int = 500) -> RotationRun:
    """Re-seal every registered kind under the current key; each item commits on its own, so
    an interrupted run is simply run again."""
    run = RotationRun(key_id=current_key_id())
    for kind in sealed_kinds():
        resealed = kind.rotate(batch_size)
        run.kinds.append(KindReport(kind.name, resealed, kind.remaining()))
    return run


# --- building blocks for kinds -----------------------------------------------------------

# What a single item may fail with and still let the run go on to the next one: it stays
# under its old key and is counted in `remaining`.
ITEM_ERRORS: tuple[type[Exception], ...] = (DecryptionError, OSError, ValueError)


def in_batches(rows: models.QuerySet[Any], size: int) -> Iterator[Any]:
    """Every row of `rows`, fetched `size` at a time in pk order: rows may be updated (and
    drop out of a filter) between batches without any being skipped or seen twice."""
    last: Any = None
    while True:
        page = rows.order_by("pk") if last is None else rows.filter(pk__gt=last).order_by("pk")
        batch = list(page[:size])
        yield from batch
        if len(batch) < size:
            return
        last = batch[-1].pk


def reseal_each(name: str, items: Iterable[T], reseal: Callable[[T], bool]) -> int:
    """Apply `reseal` to each item; one that fails is logged and left for `remaining`."""
    done = 0
    for item in items:
        try:
            done += bool(reseal(item))
        except ITEM_ERRORS as exc:
            logger.warning("%s: could not re-seal %r: %s", name, item, exc)
    return done


def under_other_key(fieldname: str) -> models.Q:
    """Rows whose encrypted text column is set and not sealed with the current key."""
    prefix = f"v1:{current_key_id()}:"
    return ~models.Q(**{fieldname: ""}) & ~models.Q(**{f"{fieldname}__startswith": prefix})


def sealed_text_field(
    *, name: str, model: type[models.Model], field: str, context: str | Callable[[Any], str]
) -> SealedKind:
    """A kind for one encrypt_str column; `context` is fixed or computed from the row."""

    def stale() -> models.QuerySet[Any]:
        return model._default_manager.filter(under_other_key(field))

    def reseal(row: Any) -> bool:
        old = getattr(row, field)
        ctx = context(row) if callable(context) else context
        new = reseal_str(old, context=ctx)
        # Conditional: a value changed meanwhile by its owner is already current; keep it.
        return bool(model._default_manager.filter(pk=row.pk, **{field: old}).update(**{field: new}))

    def rotate(batch_size: int) -> int:
        return reseal_each(name, in_batches(stale().only("pk", field), batch_size), reseal)

    return SealedKind(name=name, rotate=rotate, remaining=lambda: stale().count())
