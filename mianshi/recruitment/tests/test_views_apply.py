"""The public 报名 pages through an anonymous test client: the plan's page lists its open
posts with their requirements and offers the form only inside the window (before and after
it a 200 page says when); a valid form lands on the 报名号 and a signed status link; garbage
is answered 400 beside its field with nothing saved, never 500."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mianshi.candidates.models import Application, Candidate
from mianshi.compliance.models import AuditEvent
from mianshi.jobs.models import JobStatus
from mianshi.jobs.services import job_create
from mianshi.recruitment.models import ApplicantFacts, Plan, PlanStatus, Post
from mianshi.recruitment.selectors_apply import status_token
from mianshi.recruitment.services.applying import apply_notice_sha256
from mianshi.recruitment.tests.world import RecruitmentWorld, id_number, recruitment_world

pytestmark = pytest.mark.django_db


def _window(world: RecruitmentWorld, opens: int, closes: int) -> None:
    """Announce the plan with its window `opens`..`closes` days from today."""
    today = timezone.localdate()
    Plan.objects.filter(pk=world.plan.pk).update(
        status=PlanStatus.ANNOUNCED, announced_on=today - dt.timedelta(days=30),
        applications_open_on=today + dt.timedelta(days=opens),
        applications_close_on=today + dt.timedelta(days=closes),
    )  # fmt: skip


@pytest.fixture
def world(org: Any, make_user: Any) -> RecruitmentWorld:
    world = recruitment_world(org, make_user)
    _window(world, -1, 3)
    return world


def _url(world: RecruitmentWorld) -> str:
    return reverse("recruitment:apply", args=[world.plan.pk])


def _form(world: RecruitmentWorld, **changes: Any) -> dict[str, Any]:
    return {
        "post": world.post.pk, "name": "李明", "id_number": id_number("330106", "19960315", 11),
        "phone": "13900001111", "email": "", "education": "bachelor", "degree": "bachelor",
        "major": "计算机科学与技术", "school": "浙江大学", "graduation_year": "2018",
        "certificates": "软件设计师", "experience_years": "3", "employer": "",
        "declared_household": "330106", "political_status": "", "consent": "on",
    } | changes  # fmt: skip


def _job(world: RecruitmentWorld, title: str) -> Any:
    data = {"title": title, "status": JobStatus.OPEN, "headcount": 2}
    return job_create(actor=world.hr, org_unit=world.org.sh_tech, data=data)


def _saved() -> tuple[int, int, int]:
    return Candidate.objects.count(), Application.objects.count(), ApplicantFacts.objects.count()


def test_the_open_plan_page_lists_posts_with_requirements_and_the_form(
    world: RecruitmentWorld, client: Client
) -> None:
    page = client.get(_url(world))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-phase="open"' in html
    assert "2026001" in html and "软件开发" in html and "计算机类" in html
    assert "data-apply-form" in html and "身份证号码" in html  # the consent notice in words


@pytest.mark.parametrize(("opens", "closes", "marker"), [(2, 6, "data-not-open"),
                                                         (-8, -2, "data-closed")])  # fmt: skip
def test_outside_the_window_the_page_says_when_and_the_form_refuses(
    world: RecruitmentWorld, client: Client, opens: int, closes: int, marker: str
) -> None:
    _window(world, opens, closes)
    page = client.get(_url(world))
    assert page.status_code == 200 and marker in page.content.decode()
    assert "data-apply-form" not in page.content.decode()
    assert client.post(_url(world), _form(world)).status_code == 400
    assert _saved() == (0, 0, 0)


def test_a_draft_plan_is_not_public(world: RecruitmentWorld, client: Client) -> None:
    Plan.objects.filter(pk=world.plan.pk).update(status=PlanStatus.DRAFT)
    assert client.get(_url(world)).status_code == 404


def test_an_application_lands_on_its_number_and_status_link(
    world: RecruitmentWorld, client: Client
) -> None:
    response = client.post(_url(world), _form(world))
    assert response.status_code == 302
    application = Application.objects.get()
    received = client.get(response["Location"])
    number = f"2026001-{application.pk:06d}"
    assert received.status_code == 200 and number in received.content.decode()
    status_url = reverse(
        "recruitment:apply_status", args=[status_token(application_id=application.pk)]
    )
    assert status_url in received.content.decode()
    status = client.get(status_url)
    html = status.content.decode()
    assert status.status_code == 200 and number in html and 'data-verdict="pending"' in html
    assert "李明" not in html and "no-store" in status["Cache-Control"]


def test_a_forged_status_link_is_not_found(world: RecruitmentWorld, client: Client) -> None:
    token = status_token(application_id=1)[:-2] + "xx"
    for name in ("apply_status", "apply_received"):
        assert client.get(reverse(f"recruitment:{name}", args=[token])).status_code == 404


def test_the_same_id_number_twice_is_refused_with_a_clear_message(
    world: RecruitmentWorld, client: Client
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.post(_url(world), _form(world)).status_code == 302
    event = AuditEvent.objects.get(action="recruitment.apply")
    assert event.detail["consent_language"] == "en"
    assert event.detail["consent_sha256"] == apply_notice_sha256("en")
    other = _job(world, "数据分析")
    second = Post.objects.create(plan=world.plan, job=other, code="2026002", rules={})
    again = client.post(_url(world), _form(world, post=second.pk, name="李明明"))
    assert again.status_code == 400 and "already been made" in again.content.decode()
    assert _saved() == (1, 1, 1)


@pytest.mark.parametrize(
    "changes",
    [
        {"name": ""},
        {"id_number": ""},
        {"phone": ""},
        {"consent": ""},
        {"post": ""},
        {"post": "999999"},
        {"post": "abc"},
        {"id_number": id_number("330106", "19960315", 11)[:-1] + "Y"},
        {"id_number": id_number("330106", "20300101", 1)},
        {"name": "长" * 81},
        {"id_number": "1" * 500},
        {"certificates": "证" * 5000},
        {"major": "专" * 81},
        {"graduation_year": "1e99"},
        {"graduation_year": "99999999999999999999999"},
        {"experience_years": "NaN"},
        {"experience_years": "1000"},
        {"declared_household": "abc"},
        {"education": "nonsense"},
        {"email": "not-an-email"},
    ],
)
def test_garbage_is_refused_beside_its_field_and_nothing_is_saved(
    world: RecruitmentWorld, client: Client, changes: dict[str, Any]
) -> None:
    response = client.post(_url(world), _form(world, **changes))
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert _saved() == (0, 0, 0)


def test_a_post_of_another_plan_is_refused(
    world: RecruitmentWorld, client: Client, org: Any
) -> None:
    other_plan = Plan.objects.create(org_unit=org.sh, title="另一计划", year=2026)
    job = _job(world, "会计")
    foreign = Post.objects.create(plan=other_plan, job=job, code="2026009", rules={})
    assert client.post(_url(world), _form(world, post=foreign.pk)).status_code == 400
    assert _saved() == (0, 0, 0)


def _add_posts(world: RecruitmentWorld, count: int) -> None:
    for n in range(count):
        job = _job(world, f"岗位{n}")
        Post.objects.create(plan=world.plan, job=job, code=f"2026{n + 100}", rules={
            "education_min": "master", "majors": ["法学类"], "household": ["3301"]})  # fmt: skip


@pytest.mark.parametrize("extra_posts", [0, 6])
def test_the_plan_page_costs_the_same_queries_with_more_posts(
    world: RecruitmentWorld, client: Client, django_assert_num_queries: Any, extra_posts: int
) -> None:
    _add_posts(world, extra_posts)
    with django_assert_num_queries(3):
        assert client.get(_url(world)).status_code == 200


def test_the_plan_page_of_hr_shows_the_public_link(world: RecruitmentWorld, login: Any) -> None:
    page = login(world.hr).get(reverse("recruitment:plan_detail", args=[world.plan.pk]))
    assert "data-apply-link" in page.content.decode() and _url(world) in page.content.decode()


def test_a_nul_character_is_refused_before_anything_reads_it(
    world: RecruitmentWorld, client: Client
) -> None:
    assert client.post(_url(world), _form(world, name="李\x00明")).status_code == 400
    assert _saved() == (0, 0, 0)
