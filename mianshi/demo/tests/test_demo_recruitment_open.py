"""The demo's plan open for applications: its public 报名 page takes an application on the
load day (and on days around 春节 and 国庆, when the working-day calendar stretches the
announcement), 林雪's application came through the form's service with her consent, and
the interviewer 赵磊 (int_sh_1) is an examiner, so My panels is in his navigation."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mianshi.accounts.models import User
from mianshi.compliance.models import AuditEvent
from mianshi.demo import recruitment_open as demo
from mianshi.recruitment.models import Examiner, Plan
from mianshi.recruitment.selectors import Phase, plan_status_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan() -> Plan:
    call_command("load_demo", stdout=StringIO())
    return Plan.objects.get(title=demo.TITLE)


def test_the_plan_is_open_on_the_load_day_with_one_application(plan: Plan) -> None:
    assert plan_status_on(plan, timezone.localdate()) == Phase.OPEN
    post = plan.posts.get()
    (application,) = post.job.applications.select_related("candidate")
    assert application.candidate.name == "林雪"
    event = AuditEvent.objects.get(action="recruitment.apply", object_id=str(application.pk))
    assert event.detail["consent_language"] == "zh-hans"


@pytest.mark.parametrize("day", [dt.date(2026, 2, 24), dt.date(2026, 5, 6), dt.date(2026, 10, 9)])
def test_the_window_holds_the_load_day_just_after_the_long_holidays(
    plan: Plan, day: dt.date
) -> None:
    """春节, 劳动节 and 国庆 on the 2026 calendar the demo loads: the load day is still open."""
    Plan.objects.filter(pk=plan.pk).update(title=f"{demo.TITLE} (loaded today)")
    again = demo.load(today=day)
    assert again is not None and plan_status_on(again, day) == Phase.OPEN


def test_the_public_page_opens_without_a_login(plan: Plan) -> None:
    response = Client().get(reverse("recruitment:apply", args=[plan.pk]))
    assert response.status_code == 200
    assert demo.CODE in response.content.decode()


def test_the_interviewer_is_an_examiner_and_sees_my_panels(plan: Plan) -> None:
    user = User.objects.get(username="int_sh_1")
    assert Examiner.objects.get(user=user).active
    client = Client()
    client.force_login(user)
    page = client.get(reverse("recruitment:my_panels")).content.decode()
    assert reverse("recruitment:my_panels") in page  # the navigation's entry


def test_a_second_load_changes_nothing_and_the_summary_links_the_form(plan: Plan) -> None:
    assert demo.load() is None
    (line,) = demo.summary_lines("http://demo.test/")
    assert line.startswith("Public application form") and f"/apply/{plan.pk}/" in line
