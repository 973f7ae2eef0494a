"""The conditional-UPDATE claim, one home (ARCHITECTURE rule 4).

A task may run twice (a redelivered message, a retry, a second worker). Before doing the
work it claims the row with one UPDATE that also checks the row is still in the state the
task expects; the database lets exactly one UPDATE match, so exactly one caller wins and
the others do nothing. Claims are counted: a row whose worker died mid-work is given back
by a periodic sweep, and one claimed `limit` times without an outcome is given up instead
of killing workers forever.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import F, Manager, QuerySet


def claim(
    queryset: QuerySet[Any] | Manager[Any],
    *,
    pk: object,
    expect: Mapping[str, Any],
    to: Mapping[str, Any],
    count: str = "",
) -> bool:
    """Write `to` on row `pk` if it still matches `expect` (adding 1 to the `count` field);
    True when this caller won the row."""
    values = {**to, **({count: F(count) + 1} if count else {})}
    return queryset.filter(pk=pk, **expect).update(**values) == 1


def claims_sweep(
    stale: QuerySet[Any],
    *,
    count: str,
    limit: int,
    give_up: Mapping[str, Any],
    give_back: Mapping[str, Any],
) -> tuple[int, int]:
    """Of the stale claims, write `give_up` on those claimed `limit` times or more and
    `give_back` on the rest: (given up, given back)."""
    given_up = stale.filter(**{f"{count}__gte": limit}).update(**give_up)
    return given_up, stale.update(**give_back)
