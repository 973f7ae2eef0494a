"""/api/events: the event catalogue (public, like the OpenAPI document: it describes the
contract and holds no data) and the event feed a receiver that was down catches up from
(scope integrations:read, the caller's units only; each page served is audited). Thin:
parse, call a selector, record the read, answer."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.events import selectors
from mianshi.events.publishing import public_types
from mianshi.events.read_audit import event_feed_audit
from mianshi.events.schemas import EventTypeOut, FeedOut, FeedQuery

router = Router(tags=["events"])


@router.get("/types", response=list[EventTypeOut], auth=None)
def event_types(request: HttpRequest) -> Any:
    return public_types()


@router.get("", response=FeedOut)
def event_feed(request: ApiRequest, filters: Query[FeedQuery]) -> Any:
    require_scope(request, "integrations:read")
    page = selectors.event_feed(
        user=request.user, types=filters.type, since=filters.since, after=filters.after,
        limit=filters.limit,
    )  # fmt: skip
    event_feed_audit(
        actor=request.user, page=page, key_id=request.api_key_id,
        after=filters.after, since=filters.since,
    )  # fmt: skip
    return page
