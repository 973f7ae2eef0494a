"""The auditor's last day in one pass (selectors_trail.last_day): night hours as local
time ranges, exports, refused sign-ins, and the auditor's scope."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from mianshi.accounts.roles import Role
from mianshi.compliance.models import AuditEvent
from mianshi.compliance.services import audit_record
from mianshi.insights.selectors_trail import last_day

pytestmark = pytest.mark.django_db
# A fixed day in Beijing time (the demo's TIME_ZONE): the window runs 10:00 → 10:00.
UNTIL = datetime(2026, 12, 6, 10, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))
SINCE = UNTIL - timedelta(hours=24)


def _event(org: Any, user: Any, action: str, hour: int, minute: int = 0, unit: Any = None) -> None:
    """An event at hour:minute local time within the window (hours before 10 are the 6th)."""
    day = 6 if hour < 10 else 5
    at = UNTIL.replace(day=day, hour=hour, minute=minute)
    event = audit_record(
        actor=user, action=action, object_type="x", org_unit_id=(unit or org.sh).pk
    )
    AuditEvent.objects.filter(pk=event.pk).update(at=at)


@pytest.mark.parametrize(
    ("hour", "minute", "night"),
    [(21, 59, 0), (22, 0, 1), (23, 30, 1), (0, 0, 1), (5, 59, 1), (6, 0, 0), (9, 59, 0)],
)
def test_night_is_22_to_6_local_time(
    org: Any, make_user: Any, settings: Any, hour: int, minute: int, night: int
) -> None:
    settings.TIME_ZONE = "Asia/Shanghai"
    auditor, reader = make_user("aud", Role.AUDITOR, org.hq), make_user("reader")
    _event(org, reader, "candidate.view", hour, minute)
    with timezone.override("Asia/Shanghai"):
        day = last_day(user=auditor, since=SINCE, until=UNTIL)
    assert [(r.name, r.reads, r.night) for r in day.readers] == [("reader", 1, night)]


def test_reads_exports_and_refused_sign_ins_are_told_apart(org: Any, make_user: Any) -> None:
    auditor = make_user("aud", Role.AUDITOR, org.hq)
    heavy, light = make_user("heavy"), make_user("light")
    for action in ("application.list", "candidate.export", "report.download", "job.update"):
        _event(org, heavy, action, 11)
    _event(org, light, "candidate.view", 12)
    AuditEvent.objects.filter(actor=light).update(at=SINCE - timedelta(seconds=1))  # too old
    for action in ("login.failed", "login.locked", "login.success"):
        _event(org, light, action, 13)
    _event(org, light, "candidate.view", 12)
    _event(org, light, "candidate.view", 9, unit=org.sz)
    day = last_day(user=auditor, since=SINCE, until=UNTIL)
    assert [(r.name, r.reads, r.exports) for r in day.readers] == [("heavy", 3, 2), ("light", 2, 0)]
    assert (day.reads, day.refused_sign_ins) == (5, 2)
    branch = make_user("aud_sz", Role.AUDITOR, org.sz)  # sees Shenzhen's events only
    shenzhen = last_day(user=branch, since=SINCE, until=UNTIL)
    assert [(r.name, r.reads) for r in shenzhen.readers] == [("light", 1)]
