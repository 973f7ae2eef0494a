"""event_emit_many: a bulk import's events in two INSERTs, checked all before any is written."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from mianshi.events.consumers import consumer
from mianshi.events.dispatcher import events_drain
from mianshi.events.models import Event, Handling
from mianshi.events.services import event_emit_many

TYPE = "answer.checked"


@pytest.mark.django_db
def test_many_events_are_written_in_order_with_their_handlings(
    registry: Any, django_assert_num_queries: Any
) -> None:
    seen: list[int] = []

    @consumer("t.one", types=[TYPE])
    def handle(event: Event) -> None:
        seen.append(event.data["answer_id"])

    items = [({"answer_id": n, "session_id": 1}, None) for n in range(50)]
    with django_assert_num_queries(4):  # savepoint, events, handlings, release
        events = event_emit_many(type=TYPE, items=items)
    assert [e.data["answer_id"] for e in events] == list(range(50))
    assert Handling.objects.filter(event__in=events, consumer="t.one").count() == 50
    events_drain()
    assert seen == list(range(50))


@pytest.mark.django_db
def test_one_refused_payload_writes_nothing(registry: Any) -> None:
    items: list[tuple[dict[str, Any], int | None]] = [
        ({"answer_id": 1, "session_id": 1}, None),
        ({"answer_id": "x"}, None),
    ]
    with pytest.raises(ValidationError):
        event_emit_many(type=TYPE, items=items)
    assert not Event.objects.exists() and not Handling.objects.exists()
