"""The one helper for read auditing (F-100), and the auditor's own reads of the trail, which
are audited too."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mianshi.accounts.roles import Role
from mianshi.compliance.models import AuditEvent
from mianshi.compliance.services import READ_WINDOW, audit_read, audit_record
from mianshi.compliance.tests.support import only, recorded

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail() -> list[AuditEvent]:
    return [audit_record(actor="sys", action="job.create", object_type="jobs.job") for _ in "ab"]


def test_audit_trail_page_records_the_events_shown(
    org: Any, trail: list[AuditEvent], make_user: Any, login: Any
) -> None:
    auditor = make_user("hq-aud", Role.AUDITOR, org.hq)
    with recorded() as events:
        assert login(auditor).get("/audit/", {"action": "job."}).status_code == 200
    event = only(events, "audit.list")
    assert event.actor == auditor
    assert event.detail == {"ids": [e.pk for e in reversed(trail)], "page": 1}


def test_audit_api_list_and_detail_are_recorded(
    org: Any, trail: list[AuditEvent], make_user: Any, api_for: Any
) -> None:
    api = api_for(make_user("hq-aud", Role.AUDITOR, org.hq))
    with recorded() as events:
        body = api.get("/audit/events", action="job.").json()
    assert only(events, "audit.list").detail == {"ids": [e["id"] for e in body["items"]], "page": 1}
    with recorded() as events:
        assert api.get(f"/audit/events/{trail[0].pk}").status_code == 200
    event = only(events, "audit.view")
    assert (event.object_type, event.object_id) == ("compliance.auditevent", str(trail[0].pk))


def test_a_polled_read_is_recorded_once_per_window_and_again_after(make_user: Any) -> None:
    reader = make_user("reader")
    facts = {"actor": reader, "action": "x.view", "object_type": "x", "object_id": 1}
    first = audit_read(**facts, ids=[1, 2], polled=True)
    assert first is not None and audit_read(**facts, ids=[1, 2], polled=True) is None
    assert audit_read(**facts, ids=[1, 2, 3], polled=True) is not None  # other rows: new read
    assert audit_read(**facts, ids=[1, 2, 3]) is not None  # a page is always recorded
    past = timezone.now() - READ_WINDOW - timedelta(seconds=1)
    AuditEvent.objects.filter(actor=reader).update(at=past)  # the window has passed
    assert audit_read(**facts, ids=[1, 2, 3], polled=True) is not None


def test_read_events_hold_ids_only(make_user: Any) -> None:
    with pytest.raises(ValueError):
        audit_read(actor=make_user("r"), action="x.list", ids=[1], detail={"q": "x" * 100})
    with pytest.raises(ValueError):
        audit_record(actor=None, action="x.list", object_type="x", detail={"ids": ["13900001111"]})
