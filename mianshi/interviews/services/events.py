"""Browser-reported events (F-46): integrity signals, "mark this moment", network changes.

They arrive in batches (the browser queues them while offline) and are stored with the
answer they happened in; HR sees them as counted signals, never as verdicts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.interviews.errors import Unacceptable
from mianshi.interviews.models import EventKind, InterviewSession, SessionEvent

MAX_EVENTS = 200
MAX_OFFSET_MS = 2 * 60 * 60 * 1000
MAX_DETAIL_BYTES = 2048


@dataclass(frozen=True)
class EventInput:
    """One event as the browser reports it."""

    kind: str
    position: int | None = None
    offset_ms: int | None = None
    client_at: dt.datetime | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def _detail(value: dict[str, Any]) -> dict[str, Any]:
    if len(json.dumps(value, ensure_ascii=False).encode()) > MAX_DETAIL_BYTES:
        raise Unacceptable(
            _("An event's detail is too large (at most %(n)s bytes).") % {"n": MAX_DETAIL_BYTES},
            code="detail_too_large",
        )
    return value


def _client_at(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, dt.UTC)


def _checked(session: InterviewSession, events: Sequence[EventInput]) -> list[SessionEvent]:
    if len(events) > MAX_EVENTS:
        raise Unacceptable(
            _("Send at most %(n)s events at once.") % {"n": MAX_EVENTS}, code="too_many"
        )
    answers = dict(session.answers.values_list("position", "pk"))
    rows = []
    for event in events:
        if event.kind not in EventKind.values:
            raise Unacceptable(_("Unknown event kind."), code="unknown_kind")
        if event.position is not None and event.position not in answers:
            raise Unacceptable(_("An event names a question that does not exist."), code="position")
        if event.offset_ms is not None and not 0 <= event.offset_ms <= MAX_OFFSET_MS:
            raise Unacceptable(_("An event's time offset is out of range."), code="offset")
        rows.append(
            SessionEvent(
                session=session,
                answer_id=answers.get(event.position) if event.position is not None else None,
                kind=event.kind,
                offset_ms=event.offset_ms,
                client_at=_client_at(event.client_at),
                detail=_detail(event.detail),
            )
        )
    return rows


@transaction.atomic
def session_events_record(*, session: InterviewSession, events: Sequence[EventInput]) -> int:
    """Store a batch of events (all or none); returns how many were stored."""
    rows = _checked(session, events)
    SessionEvent.objects.bulk_create(rows)
    return len(rows)
