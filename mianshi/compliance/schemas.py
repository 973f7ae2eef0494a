"""API schemas of the audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema


class EventOut(Schema):
    id: int
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    org_unit_id: int | None
    request_id: str
    changed_fields: list[str]
    detail: dict[str, Any]
    hash: str
    prev_hash: str


class EventFilter(Schema):
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    actor: str = ""
    date_from: date | None = None
    date_to: date | None = None
