"""/api/events: the event catalogue (public, like the OpenAPI document: it describes the
contract and holds no data) and the event feed a receiver that was down catches up from
(scope integrations:read, the caller's units only). Thin: parse, call a selector, answer."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.events import selectors
from mianshi.events.publishing import public_types
from mianshi.events.schemas import EventTypeOut, FeedOut, FeedQuery

router = Router(tags=["events"])


@router.get("/types", response=list[EventTypeOut], auth=None)
def event_types(request: HttpRequest) -> Any:
    return public_types()


@router.get("", response=FeedOut)
def event_feed(request: ApiRequest, filters: Query[FeedQuery]) -> Any:
    require_scope(request, "integrations:read")
    return selectors.event_feed(
        user=request.user, types=filters.type, since=filters.since, after=filters.after,
        limit=filters.limit,
    )  # fmt: skip
