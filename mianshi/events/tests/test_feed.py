"""GET /api/events: the feed a receiver that was down catches up from — scope
integrations:read, the caller's units only (another branch sees none), internal types never,
a cursor that walks every event once, filters by type and time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mianshi.accounts.roles import Role
from mianshi.events.models import Event
from mianshi.events.services import event_emit

pytestmark = pytest.mark.django_db
READ = ["integrations:read"]


def emit(unit: Any, candidate_id: int, type: str = "candidate.created") -> Event:
    return event_emit(type=type, data={"candidate_id": candidate_id}, org_unit_id=unit.pk)


@pytest.fixture
def feed_world(org: Any) -> dict[str, list[Event]]:
    sh = [emit(org.sh_sales, 1), emit(org.sh, 2, "candidate.updated"), emit(org.sh_tech, 3)]
    sz = [emit(org.sz_sales, 4)]
    event_emit(type="answer.checked", data={"answer_id": 1, "session_id": 1}, org_unit_id=org.sh.pk)
    return {"sh": sh, "sz": sz}


@pytest.fixture
def sh_admin(org: Any, make_user: Any, api_for: Any) -> Any:
    return api_for(make_user("hr_admin_sh", Role.HR_ADMIN, org.sh), scopes=READ)


def test_the_feed_lists_the_callers_units_oldest_first(
    feed_world: dict[str, list[Event]], sh_admin: Any
) -> None:
    response = sh_admin.get("/events")
    assert response.status_code == 200
    body = response.json()
    assert [item["seq"] for item in body["items"]] == [e.pk for e in feed_world["sh"]]
    assert body["next_after"] is None
    first = body["items"][0]
    event = feed_world["sh"][0]
    assert first["id"] == event.message_id and first["type"] == "candidate.created"
    assert first["data"] == {"candidate_id": 1, "changed_fields": []}
    assert first["timestamp"].startswith(str(event.occurred_at.year))


def test_another_branch_sees_none_of_it(
    org: Any, make_user: Any, api_for: Any, feed_world: dict[str, list[Event]]
) -> None:
    sz = api_for(make_user("hr_admin_sz", Role.HR_ADMIN, org.sz), scopes=READ)
    assert [i["seq"] for i in sz.get("/events").json()["items"]] == [feed_world["sz"][0].pk]
    sz_sales = api_for(make_user("hr_admin_sz_sales", Role.HR_ADMIN, org.sz_sales), scopes=READ)
    assert len(sz_sales.get("/events").json()["items"]) == 1
    interviewer = api_for(make_user("int_sh", Role.INTERVIEWER, org.sh), scopes=READ)
    assert interviewer.get("/events").json()["items"] == []


def test_the_cursor_walks_every_event_once(
    org: Any, sh_admin: Any, feed_world: dict[str, list[Event]]
) -> None:
    more = [emit(org.sh, 10 + n) for n in range(4)]
    expected = [e.pk for e in feed_world["sh"] + more]
    seen: list[int] = []
    after = None
    while True:
        params = {"limit": 3} | ({"after": after} if after is not None else {})
        body = sh_admin.get("/events", **params).json()
        seen += [item["seq"] for item in body["items"]]
        after = body["next_after"]
        if after is None:
            break
    assert seen == expected


def test_filters_by_type_and_time(
    org: Any, sh_admin: Any, feed_world: dict[str, list[Event]]
) -> None:
    updated = sh_admin.get("/events", type="candidate.updated").json()["items"]
    assert [i["seq"] for i in updated] == [feed_world["sh"][1].pk]
    Event.objects.filter(pk=feed_world["sh"][0].pk).update(
        occurred_at=timezone.now() - timedelta(days=2)
    )
    since = (timezone.now() - timedelta(days=1)).isoformat()
    recent = sh_admin.get("/events", since=since).json()["items"]
    assert [i["seq"] for i in recent] == [e.pk for e in feed_world["sh"][1:]]


def test_bad_input_and_missing_scope_are_refused(
    org: Any, make_user: Any, api_for: Any, sh_admin: Any, client: Any
) -> None:
    assert sh_admin.get("/events", type="answer.checked").status_code == 422  # internal
    assert sh_admin.get("/events", type="no.such").status_code == 422
    assert sh_admin.get("/events", limit=0).status_code == 422
    assert sh_admin.get("/events", limit=501).status_code == 422
    assert sh_admin.get("/events", after=-1).status_code == 422
    assert sh_admin.get("/events", since="yesterday").status_code == 422
    assert sh_admin.get("/events", after=2**63).status_code == 422
    other = api_for(make_user("hr_admin_x", Role.HR_ADMIN, org.sh), scopes=["candidates:read"])
    assert other.get("/events").status_code == 403
    assert client.get("/api/events").status_code == 401
