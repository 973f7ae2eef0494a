"""GET /api/events is on the audit trail (issue 12): one chained event per page served,
naming the user, the API key, the cursor range, the count and the units read; filed under
the unit holding the page so that branch's auditor finds it; an idle receiver's repeated
empty polls recorded once; a refused read recorded not at all."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mianshi.accounts.models import ApiKey, User
from mianshi.accounts.roles import Role
from mianshi.accounts.services import apikey_create
from mianshi.compliance.models import AuditEvent
from mianshi.compliance.selectors import event_visible
from mianshi.compliance.services import audit_chain_check
from mianshi.events.models import Event
from mianshi.events.read_audit import common_unit
from mianshi.events.services import event_emit

pytestmark = pytest.mark.django_db
READ = ["integrations:read"]


class Receiver:
    """A receiver's API client that knows its key (the audit names it)."""

    def __init__(self, user: User, scopes: list[str] = READ) -> None:
        self.key, raw = apikey_create(actor=None, user=user, scopes=scopes)
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def feed(self, **params: Any) -> Any:
        return self.client.get("/api/events", params)


def emit(unit: Any, candidate_id: int) -> Event:
    return event_emit(type="candidate.created", data={"candidate_id": candidate_id},
                      org_unit_id=unit.pk)  # fmt: skip


def reads() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="event.list").order_by("id"))


@pytest.fixture
def hr_admin_sh(org: Any, make_user: Any) -> User:
    return make_user("hr_admin_sh", Role.HR_ADMIN, org.sh)


def test_each_page_is_one_audit_event_with_the_key_the_range_and_the_units(
    org: Any, hr_admin_sh: User
) -> None:
    events = [emit(org.sh_sales, 1), emit(org.sh, 2), emit(org.sh_tech, 3)]
    emit(org.sz_sales, 4)
    receiver = Receiver(hr_admin_sh)
    first = receiver.feed(limit=2).json()
    second = receiver.feed(limit=2, after=first["next_after"]).json()
    assert len(first["items"]) == 2 and len(second["items"]) == 1

    one, two = reads()
    assert one.actor == two.actor == hr_admin_sh and one.object_type == "events.event"
    assert one.detail == {
        "api_key": receiver.key.pk, "after": None, "since": None, "count": 2,
        "first": events[0].pk, "last": events[1].pk, "more": True,
        "units": sorted([org.sh_sales.pk, org.sh.pk]), "ids": [events[0].pk, events[1].pk],
    }  # fmt: skip
    assert one.org_unit_id == org.sh.pk  # sh and its sales department: filed under sh
    assert two.detail["after"] == events[1].pk and two.detail["count"] == 1
    assert two.detail["ids"] == [events[2].pk] and two.detail["more"] is False
    assert two.org_unit_id == org.sh_tech.pk
    assert audit_chain_check().intact


def test_the_key_named_is_the_one_that_read(org: Any, hr_admin_sh: User) -> None:
    emit(org.sh, 1)
    mine, other = Receiver(hr_admin_sh), Receiver(hr_admin_sh)
    other.feed()
    mine.feed(since="2020-01-01T00:00:00+00:00")
    assert [read.detail["api_key"] for read in reads()] == [other.key.pk, mine.key.pk]
    assert reads()[1].detail["since"] == "2020-01-01T00:00:00+00:00"
    assert ApiKey.objects.filter(pk=mine.key.pk, user=hr_admin_sh).exists()


def test_a_branch_auditor_sees_the_reads_of_their_branch_only(
    org: Any, hr_admin_sh: User, make_user: Any
) -> None:
    emit(org.sh_sales, 1)
    emit(org.sz_sales, 2)
    Receiver(hr_admin_sh).feed()
    Receiver(make_user("hr_admin_sz", Role.HR_ADMIN, org.sz)).feed()
    sh_read, sz_read = reads()
    assert (sh_read.org_unit_id, sz_read.org_unit_id) == (org.sh_sales.pk, org.sz_sales.pk)
    auditor_sh = make_user("auditor_sh", Role.AUDITOR, org.sh)
    visible = event_visible(user=auditor_sh).filter(action="event.list")
    assert list(visible) == [sh_read]


def test_a_caught_up_receiver_polling_the_tail_is_recorded_once(
    org: Any, hr_admin_sh: User
) -> None:
    event = emit(org.sh, 1)
    receiver = Receiver(hr_admin_sh)
    for _poll in range(3):
        assert receiver.feed().json()["items"]  # a page with events: each one recorded
    for _poll in range(5):
        assert receiver.feed(after=event.pk).json()["items"] == []
    assert [read.detail["count"] for read in reads()] == [1, 1, 1, 0]
    empty = reads()[-1]
    assert empty.detail["ids"] == [] and empty.detail["first"] is None
    assert empty.org_unit_id == org.sh.pk  # no events: filed under the caller's unit
    later = emit(org.sh, 2)
    receiver.feed(after=event.pk)
    receiver.feed(after=later.pk)  # another cursor: a new empty read
    assert [read.detail["count"] for read in reads()][-2:] == [1, 0]


def test_refused_reads_are_not_recorded(org: Any, hr_admin_sh: User, client: Client) -> None:
    emit(org.sh, 1)
    assert Receiver(hr_admin_sh, scopes=["candidates:read"]).feed().status_code == 403
    assert Receiver(hr_admin_sh).feed(limit=0).status_code == 422
    assert Receiver(hr_admin_sh).feed(type="answer.checked").status_code == 422
    assert client.get("/api/events").status_code == 401
    assert client.get("/api/events/types").status_code == 200  # the public catalogue
    assert reads() == []


def test_the_common_unit_is_the_nearest_shared_ancestor(org: Any) -> None:
    assert common_unit([org.sh_sales.pk]) == org.sh_sales.pk
    assert common_unit([org.sh_sales.pk, org.sh_tech.pk]) == org.sh.pk
    assert common_unit([org.sh_sales.pk, org.sz_sales.pk]) == org.hq.pk
    assert common_unit([]) is None
