"""The API's shapes of the event catalogue and the event feed."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from mianshi.events.catalogue import PUBLIC_TYPES
from mianshi.events.selectors import MAX_PAGE

PublicType = Literal[tuple(PUBLIC_TYPES)]  # type: ignore[valid-type]


class EventTypeOut(Schema):
    """One public type: its name, meaning, envelope JSON Schema and an example."""

    name: str
    description: str
    envelope_schema: dict[str, Any]
    example: dict[str, Any]


class EventOut(Schema):
    """An event in the spec's envelope, with the id receivers deduplicate on (the webhook's
    `webhook-id`) and its sequence number (the feed's cursor)."""

    id: str = Field(alias="message_id")
    seq: int = Field(alias="pk")
    type: str
    timestamp: datetime = Field(alias="occurred_at")
    org_unit_id: int | None
    data: dict[str, Any]


class FeedQuery(Schema):
    type: list[PublicType] | None = None  # type: ignore[valid-type]
    since: datetime | None = None
    after: int | None = Field(None, ge=0, le=2**63 - 1)
    limit: int = Field(100, ge=1, le=MAX_PAGE)


class FeedOut(Schema):
    items: list[EventOut]
    next_after: int | None
