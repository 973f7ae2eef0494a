"""Reading the outbox: the event feed a receiver catches up from (scoped like everything).

The feed lists the public events of the units where the caller manages integrations (the
subtrees of their grants), oldest first, by a cursor on the event's sequence number: a
receiver that was down asks "after the last one I have" until the page comes back short.
Internal hand-offs between the apps (`answer.checked`) are never listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from mianshi.accounts.actor import Viewer
from mianshi.accounts.roles import Cap
from mianshi.events.catalogue import PUBLIC_TYPES
from mianshi.events.models import Event
from mianshi.organisations.scoping import units_for

MAX_PAGE = 500


@dataclass(frozen=True)
class FeedPage:
    """One page of the feed and the cursor of the next (None: caught up)."""

    items: list[Event]
    next_after: int | None


def visible_events(user: Viewer) -> QuerySet[Event]:
    """Public events of the units where `user` manages integrations (none of another branch)."""
    units = units_for(user, Cap.INTEGRATIONS_MANAGE)
    return Event.objects.filter(org_unit_id__in=units, type__in=PUBLIC_TYPES)


def event_feed(
    *,
    user: Viewer,
    types: list[str] | None = None,
    since: datetime | None = None,
    after: int | None = None,
    limit: int = 100,
) -> FeedPage:
    """The events after sequence number `after` (and at or after `since`), oldest first."""
    events = visible_events(user)
    if types:
        events = events.filter(type__in=types)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    if after is not None:
        events = events.filter(pk__gt=after)
    limit = max(1, min(limit, MAX_PAGE))
    items = list(events.order_by("pk")[: limit + 1])
    more = len(items) > limit
    return FeedPage(items=items[:limit], next_after=items[limit - 1].pk if more else None)
