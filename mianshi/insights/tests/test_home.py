"""The role home pages: what waits on each user, within their scope only, at a fixed cost.

Pages are read in English (the source strings) and through their data attributes, so the
Chinese wording may change without breaking these tests.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import application_assign
from mianshi.candidates.tests.factories import make_application, make_candidate, make_job
from mianshi.compliance.models import AuditEvent
from mianshi.compliance.services import audit_record
from mianshi.events.models import Event, Handling
from mianshi.interviews.models import InterviewSession
from mianshi.invitations.services import invitation_create
from mianshi.reviews.tests.factories import ReviewWorld, analysed_interview, review_world

pytestmark = pytest.mark.django_db
READER_ROW = r'<tr( class="late" data-unusual)?>\s*<th scope="row"><a [^>]*>(\w+)<'
MAX_QUERIES = 30  # the HR admin's page: five lists, jobs, health and the read's audit


@pytest.fixture
def world(org: Any, make_user: Any) -> ReviewWorld:
    """Shanghai: an analysed interview (no decision yet) assigned to the interviewer."""
    w = review_world(org, make_user)
    session = analysed_interview(w, "李雷")
    application_assign(actor=w.hr, application=session.application, interviewer=w.interviewer)
    return w


def home(user: User) -> str:
    client = Client()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert response.status_code == 200
    return str(response.content.decode())


def funnel(user: User) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("insights:funnel"))
    assert response.status_code == 200
    return str(response.content.decode())


def count(html: str, key: str) -> int:
    found = re.search(rf'data-todo="{key}" data-count="(\d+)"', html)
    assert found, f"no list {key!r} on the page"
    return int(found.group(1))


def panels(html: str) -> set[str]:
    return set(re.findall(r'data-panel="(\w+)"', html))


def test_hr_sees_what_waits_with_direct_links(world: ReviewWorld) -> None:
    html = home(world.hr)
    assert panels(html) == {"todo", "jobs", "funnel"}
    session = world.sessions[0]
    assert count(html, "review") == 1
    assert reverse("reviews:workbench", args=[session.pk]) in html
    for key in ("screen", "expiring", "failed", "offers"):
        assert count(html, key) == 0
    export = reverse("reviews:ranking_export", args=[world.job.pk, "csv"])
    assert f'href="{export}" data-export-ranking' in html


def test_lists_fill_with_their_own_items(world: ReviewWorld) -> None:
    fresh = make_application(world.hr, make_candidate(world.hr, world.org.sh, "韩梅"), world.job)
    invitation_create(actor=world.hr, application=fresh, expires_hours=20)
    offer = make_application(world.hr, make_candidate(world.hr, world.org.sh, "吴丹"), world.job)
    Application.objects.filter(pk=offer.pk).update(stage=Stage.OFFER_APPROVAL)
    html = home(world.hr)
    # The invited application left "applied": it waits on its link, not on screening.
    assert count(html, "screen") == 0 and count(html, "expiring") == 1
    assert count(html, "offers") == 1
    assert reverse("reviews:offer_page", args=[offer.pk]) in html
    assert "urgent" in html  # less than a day left on the link


def test_a_failed_recording_waits_on_hr_until_the_application_closes(world: ReviewWorld) -> None:
    session = world.sessions[0]
    InterviewSession.objects.filter(pk=session.pk).update(flagged=True, flag_reason="无法解码")
    html = home(world.hr)
    assert count(html, "failed") == 1 and "无法解码" in html
    assert reverse("interviews:board", args=[world.job.pk]) in html  # where HR re-invites
    Application.objects.filter(pk=session.application_id).update(stage=Stage.REJECTED)
    assert count(home(world.hr), "failed") == 0


def test_interviewer_sees_assigned_interviews_to_rate_with_a_due_date(
    world: ReviewWorld,
) -> None:
    analysed_interview(world, "王芳")  # not assigned to the interviewer
    html = home(world.interviewer)
    assert panels(html) == {"todo", "funnel"}
    assert count(html, "rate") == 1
    assert reverse("reviews:workbench", args=[world.sessions[0].pk]) in html
    assert reverse("reviews:workbench", args=[world.sessions[1].pk]) not in html
    assert "due" in html and "王芳" not in html
    manager = home(world.manager)  # the department's: both, and the offers they approve
    assert count(manager, "rate") == 2 and count(manager, "approve") == 0


def test_a_user_never_sees_another_branchs_items(
    world: ReviewWorld, org: Any, make_user: Any
) -> None:
    sz_hr = make_user("hr_sz", Role.HR, org.sz)
    sz_job = make_job(org.sz_sales, "深圳销售")
    make_application(sz_hr, make_candidate(sz_hr, org.sz, "深圳候选人"), sz_job)
    sz_int = make_user("int_sz", Role.INTERVIEWER, org.sz)
    sh, sz = home(world.hr), home(sz_hr)
    assert "深圳候选人" not in sh and "深圳销售" not in sh
    assert "李雷" not in sz and "销售代表" not in sz
    assert count(sz, "screen") == 1 and count(sz, "review") == 0
    assert 'data-stage="applied" data-now="1"' in funnel(sz_hr)
    assert 'data-stage="applied" data-now="0"' in funnel(sz_int)
    assert count(home(sz_int), "rate") == 0
    assert "李雷" not in home(sz_int)


def test_the_home_page_read_is_audited_with_the_applications_it_names(
    world: ReviewWorld,
) -> None:
    home(world.hr)
    event = AuditEvent.objects.filter(action="application.list", actor=world.hr).get()
    assert event.detail == {"page": "home", "ids": [world.sessions[0].application_id]}


def test_auditor_sees_the_trail_state_and_verifies_the_chain(org: Any, make_user: Any) -> None:
    auditor = make_user("aud", Role.AUDITOR, org.hq)
    html = home(auditor)
    assert panels(html) == {"trail"}
    assert 'data-verification="never"' in html
    client = Client()
    client.force_login(auditor)
    assert client.get(reverse("insights:funnel")).status_code == 403  # no candidate data
    response = client.post(reverse("insights:verify_trail"))
    assert response.status_code == 302
    html = home(auditor)
    assert 'data-verification="intact"' in html
    reads = AuditEvent.objects.filter(actor=auditor, action="audit.list", detail__page="home")
    assert reads.count() == 2  # the auditor's own reads of the trail are recorded too
    branch = make_user("aud_sh", Role.AUDITOR, org.sh)
    client.force_login(branch)
    assert client.post(reverse("insights:verify_trail")).status_code == 403
    html = home(branch)
    assert "Current chain head" not in html and "Verify the chain now" not in html


def _local(hour: int) -> datetime:
    """The latest moment within the last day whose local hour is `hour`."""
    now = timezone.localtime()
    moment = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return moment if moment <= now else moment - timedelta(days=1)


def test_reads_at_night_or_in_bulk_are_unusual(org: Any, make_user: Any) -> None:
    auditor = make_user("aud", Role.AUDITOR, org.hq)
    night, day = make_user("night_owl"), make_user("day_reader")
    for user, hour in ((night, 23), (day, 11)):
        event = audit_record(
            actor=user, action="candidate.view", object_type="x", org_unit_id=org.sh.pk
        )
        AuditEvent.objects.filter(pk=event.pk).update(at=_local(hour))
    rows = re.findall(READER_ROW, home(auditor))
    assert sorted(name for _mark, name in rows) == ["day_reader", "night_owl"]
    assert {name for mark, name in rows if mark} == {"night_owl"}  # one daytime read is fine


def test_admin_sees_system_health_and_others_do_not(
    world: ReviewWorld, org: Any, make_user: Any
) -> None:
    admin = make_user("hr_admin", Role.HR_ADMIN, org.hq)
    event = Event.objects.create(
        type="test.event", occurred_at=timezone.now(), org_unit_id=org.sh.pk
    )
    Handling.objects.create(event=event, consumer="test", due_at=timezone.now())
    html = home(admin)
    assert {"todo", "jobs", "funnel", "health"} <= panels(html)
    pending = Handling.objects.filter(status="pending").count()  # the world's own events too
    assert pending >= 1 and f'data-outbox data-pending="{pending}"' in html
    assert "health" not in panels(home(world.hr))
    sz_admin = make_user("sz_admin", Role.HR_ADMIN, org.sz)  # Shanghai's events are not theirs
    assert 'data-outbox data-pending="0"' in home(sz_admin)


def test_the_system_admin_sees_the_outbox_and_no_candidate(
    world: ReviewWorld, org: Any, make_user: Any
) -> None:
    sysadmin = make_user("sys", Role.SYSTEM_ADMIN, org.hq)
    html = home(sysadmin)
    assert panels(html) == {"health"}  # 三员分立: configuration, no candidate data
    assert "data-outbox" in html and "data-connectors" not in html and "李雷" not in html


def _queries(user: User, url: str = "/") -> int:
    client = Client()
    client.force_login(user)
    client.get(url)  # warm: the session and the language
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return len(ctx.captured_queries) if response.status_code == 200 else -1


def _more_of_everything(world: ReviewWorld, n: int, first: int = 0) -> None:
    for i in range(first, first + n):
        session = analysed_interview(world, f"候选人{i}")
        application_assign(
            actor=world.hr, application=session.application, interviewer=world.interviewer
        )
        make_application(world.hr, make_candidate(world.hr, world.org.sh, f"新人{i}"), world.job)
        invited = make_application(
            world.hr, make_candidate(world.hr, world.org.sh, f"受邀{i}"), world.job
        )
        invitation_create(actor=world.hr, application=invited, expires_hours=20)
        offer = make_application(
            world.hr, make_candidate(world.hr, world.org.sh, f"录用{i}"), world.job
        )
        Application.objects.filter(pk=offer.pk).update(stage=Stage.OFFER_APPROVAL)


def test_each_roles_home_costs_the_same_queries_whatever_the_number_of_items(
    world: ReviewWorld, org: Any, make_user: Any
) -> None:
    users = [
        world.hr,
        world.interviewer,
        world.manager,
        make_user("aud", Role.AUDITOR, org.hq),
        make_user("hr_admin", Role.HR_ADMIN, org.hq),
    ]
    panel = reverse("insights:funnel")
    _more_of_everything(world, 6)  # every list longer than it shows
    before = [(_queries(u), _queries(u, panel)) for u in users]
    _more_of_everything(world, 6, first=6)  # twice as long
    after = [(_queries(u), _queries(u, panel)) for u in users]
    assert after == before
    assert max(home for home, _funnel in after) <= MAX_QUERIES
    html = home(world.hr)
    assert count(html, "review") == 13 and count(html, "screen") == 12
    assert count(html, "expiring") == 12
    assert count(html, "offers") == 12 and count(home(world.interviewer), "rate") == 13


def test_the_funnel_is_drawn_by_vendored_echarts_with_its_licence(world: ReviewWorld) -> None:
    html = home(world.hr)
    assert "insights/vendor/echarts.min.js" in html and "insights/funnel.js" in html
    for name in ("echarts.min.js", "LICENSE", "NOTICE"):
        assert finders.find(f"insights/vendor/{name}"), name
    panel = funnel(world.hr)
    assert 'aria-hidden="true"' in panel and "<caption>" in panel  # the table carries it
