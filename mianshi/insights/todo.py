"""The read models of the home page: a to-do list (a count, the first few items, "see all").

Each list is at most three queries whatever its size: the first `SHOWN` ids, those rows
with what they display joined in, and the count when there are more. The home page is a
summary that links on; the full lists live on their own pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet, Window

SHOWN = 5  # items per list: what waits first; "see all" opens the rest


@dataclass(frozen=True)
class TodoItem:
    """One thing that waits: what it is, where to act on it, and its date."""

    title: str
    detail: str
    url: str
    at: datetime | None = None
    at_label: str = ""  # "due", "expires", "waiting since"…: says what the date means
    late: bool = False  # past its due date or expiring within the day: shown as urgent
    app_id: int | None = None  # the application shown, for the audit of the page's read


@dataclass(frozen=True)
class SeeAll:
    """A link to the whole list on its own page."""

    label: str
    url: str


@dataclass(frozen=True)
class TodoList:
    """One list of the home page."""

    key: str  # stable id for tests and anchors
    title: str
    count: int
    items: list[TodoItem]
    more: list[SeeAll] = field(default_factory=list)
    empty: str = ""


def todo_list(
    *,
    key: str,
    title: str,
    qs: QuerySet[Any],
    item: Callable[[Any], TodoItem],
    more: Iterable[SeeAll] = (),
    empty: str = "",
) -> TodoList:
    """The list over `qs` (already scoped, filtered, ordered and joined): count + first rows."""
    # The first rows' ids alone, then those rows with their joins: ordered with the joins,
    # SQLite starts from the joined table and sorts every match (300 ms against 12 ms for
    # 60,000 waiting applications, bench/pages.py). The ids carry the list's size (a window
    # count over the same matches): a separate COUNT read them all a second time (2.7 ms of
    # the 5.6 ms "interviews to review" cost an administrator at 100,000 candidates).
    first = list(qs.annotate(_total=Window(Count("pk"))).values_list("pk", "_total")[:SHOWN])
    ids = [pk for pk, _total in first]
    # The rows by primary key alone: the ids came through the scoped, filtered queryset.
    rows_qs = qs.model._default_manager.filter(pk__in=ids)
    rows_qs.query.select_related = qs.query.select_related  # the joins `qs` asked for
    found = {row.pk: row for row in rows_qs} if ids else {}
    rows = [item(found[pk]) for pk in ids if pk in found]
    count = first[0][1] if first else 0
    return TodoList(key, title, count, rows, list(more), empty)
