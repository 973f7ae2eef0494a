"""Reads of the event feed recorded in the audit trail (F-100, issue 12).

The feed hands decision data (decisions, scores, pipeline states) to integrations, so every
page served is one event on the hash-chained trail: who, with which API key, the cursor
range, how many events and of which units. One per page, not per event: a receiver
catching up reads up to MAX_PAGE events in one request.

A receiver that has caught up polls the tail every few seconds and gets the same empty
page; that repeat within READ_WINDOW is the same viewing and recorded once (audit_read's
`polled`), so an idle integration adds about six events an hour, not seven hundred. A
page with events is always recorded.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection
from datetime import datetime

from mianshi.accounts.actor import Actor
from mianshi.accounts.services.users import home_unit
from mianshi.compliance.services import audit_read
from mianshi.events.selectors import FeedPage
from mianshi.organisations.models import OrgUnit

ACTION = "event.list"


def common_unit(unit_ids: Collection[int]) -> int | None:
    """The nearest unit whose subtree holds every unit of `unit_ids`: the unit an auditor of
    that branch finds the read under (None for no units)."""
    if not unit_ids:
        return None
    paths = OrgUnit.objects.filter(pk__in=unit_ids).values_list("path", flat=True)
    # Materialised paths "/1/4/9/": the ancestors two units share are their common path.
    nearest = posixpath.commonpath(list(paths)).rpartition("/")[2]
    return int(nearest) if nearest else None


def event_feed_audit(
    *,
    actor: Actor,
    page: FeedPage,
    key_id: int | None,
    after: int | None,
    since: datetime | None,
) -> None:
    """One feed page served to `actor` (with API key `key_id`) is one read of its events."""
    ids = [event.pk for event in page.items]
    units = sorted({event.org_unit_id for event in page.items if event.org_unit_id is not None})
    detail = {
        "api_key": key_id,
        "after": after,
        "since": since.isoformat() if since is not None else None,
        "count": len(ids),
        "first": ids[0] if ids else None,
        "last": ids[-1] if ids else None,
        "more": page.next_after is not None,
        "units": units,
    }
    # Filed under the unit holding the page's events; an empty page under the caller's own.
    unit = common_unit(units) if units else home_unit(actor)
    audit_read(
        actor=actor, action=ACTION, object_type="events.event", ids=ids, org_unit_id=unit,
        detail=detail, polled=not ids,
    )  # fmt: skip
