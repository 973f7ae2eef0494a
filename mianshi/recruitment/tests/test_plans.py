"""Plans, posts, the calendar and the announcement: configured while a draft, published by
the announcement, refused to another branch's user, each step audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from mianshi.accounts.roles import Role
from mianshi.compliance.models import AuditEvent
from mianshi.jobs.models import JobStatus
from mianshi.jobs.services import job_create
from mianshi.recruitment.models import CalendarDay, DayKind, Plan, PlanStatus, Post
from mianshi.recruitment.selectors import (
    Phase,
    announcement_html,
    plan_get,
    plan_status_on,
    plans_for,
    posts_for,
    work_calendar,
)
from mianshi.recruitment.services.plans import (
    calendar_day_remove,
    calendar_day_set,
    calendar_load_official,
    plan_announce,
    plan_create,
    plan_update_parameters,
    post_create,
    post_update_rules,
)
from mianshi.recruitment.tests.world import RULES, RecruitmentWorld, recruitment_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org: Any, make_user: Any) -> RecruitmentWorld:
    return recruitment_world(org, make_user, headcount=2)


def _actions() -> list[str]:
    events = AuditEvent.objects.filter(action__startswith="recruitment.").order_by("id")
    return list(events.values_list("action", flat=True))


def _draft(world: RecruitmentWorld) -> Plan:
    Plan.objects.filter(pk=world.plan.pk).update(applications_open_on=None,
                                                 applications_close_on=None)  # fmt: skip
    world.plan.refresh_from_db()
    return world.plan


def test_the_official_calendar_loads_once_and_counts_its_adjusted_days(world: Any) -> None:
    changed = calendar_load_official(actor=world.hr)
    assert changed > 30
    assert calendar_load_official(actor=world.hr) == 0
    calendar = work_calendar()
    assert not calendar.is_working_day(dt.date(2026, 10, 5))
    assert calendar.is_working_day(dt.date(2026, 10, 10))  # Saturday, 调休上班
    assert _actions().count("recruitment.calendar.load") == 2


def test_2025_and_2026_loaded_count_a_period_across_the_new_year(world: Any) -> None:
    assert calendar_load_official(actor=world.hr, year=2025) == 28 + 5
    assert calendar_load_official(actor=world.hr, year=2026) > 30
    calendar = work_calendar()
    assert calendar.is_working_day(dt.date(2025, 10, 11))  # Saturday, 调休上班 2025
    assert not calendar.is_working_day(dt.date(2025, 10, 8))  # 国庆 and 中秋 2025
    # 12/30, 12/31, 元旦 2026 off (1/1-3), then 1/4 (Sunday, 调休上班), 1/5, 1/6.
    assert calendar.period_end(dt.date(2025, 12, 30), 5) == dt.date(2026, 1, 6)
    assert AuditEvent.objects.filter(action="recruitment.calendar.load").count() == 2


def test_a_day_is_set_replaced_and_removed(world: Any) -> None:
    saturday = dt.date(2026, 12, 5)
    calendar_day_set(actor=world.hr, day=saturday, kind=DayKind.WORKDAY, name="调休")
    assert work_calendar().is_working_day(saturday)
    calendar_day_set(actor=world.hr, day=saturday, kind=DayKind.HOLIDAY)
    assert CalendarDay.objects.get(day=saturday).kind == DayKind.HOLIDAY
    assert calendar_day_remove(actor=world.hr, day=saturday) is True
    assert calendar_day_remove(actor=world.hr, day=saturday) is False
    assert _actions() == ["recruitment.calendar.set"] * 2 + ["recruitment.calendar.remove"]


@pytest.mark.parametrize(
    ("day", "kind"), [(dt.date(2026, 12, 7), DayKind.WORKDAY), (dt.date(2026, 12, 7), "party")]
)
def test_a_meaningless_calendar_day_is_refused(world: Any, day: dt.date, kind: str) -> None:
    with pytest.raises(ValidationError):
        calendar_day_set(actor=world.hr, day=day, kind=kind)
    assert not CalendarDay.objects.exists()


def test_only_an_organisation_manager_keeps_the_calendar(world: Any, make_user: Any) -> None:
    recruiter = make_user("recruiter", Role.HR, world.org.sh)
    with pytest.raises(PermissionDenied):
        calendar_day_set(actor=recruiter, day=dt.date(2026, 12, 5), kind=DayKind.HOLIDAY)
    with pytest.raises(PermissionDenied):
        calendar_load_official(actor=recruiter)
    with pytest.raises(ValidationError):
        calendar_load_official(actor=world.hr, year=2031)
    assert not CalendarDay.objects.exists()


def test_a_plan_is_created_with_its_parameters_defaulted(world: Any) -> None:
    plan = plan_create(actor=world.hr, org_unit=world.org.sh, title=" 2027年招聘 ", year=2027,
                       parameters={"announcement_days": 10})  # fmt: skip
    assert (plan.title, plan.status) == ("2027年招聘", PlanStatus.DRAFT)
    assert plan.parameters["announcement_days"] == 10
    assert plan.parameters["opening_ratio"] == "3"
    assert _actions() == ["recruitment.plan.create"]


@pytest.mark.parametrize(
    ("title", "parameters", "field"),
    [
        ("招聘", {"announcement_days": 0}, "announcement_days"),
        ("招聘", {"weight_written": "0.9"}, "weight_written"),
        ("招聘", {"colour": "red"}, "colour"),
        ("招聘", {"opening_ratio": 3.0}, "opening_ratio"),
        ("   ", {}, "title"),
    ],
)
def test_bad_plan_input_saves_nothing(
    world: Any, title: str, parameters: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        plan_create(actor=world.hr, org_unit=world.org.sh, title=title, year=2027,
                    parameters=parameters)  # fmt: skip
    assert field in error.value.message_dict
    assert Plan.objects.count() == 1
    assert _actions() == []


def test_another_branch_sees_and_changes_nothing(world: Any, make_user: Any) -> None:
    other = make_user("hr_sz", Role.HR_ADMIN, world.org.sz)
    assert not plans_for(other).exists()
    assert not posts_for(other).exists()
    assert plans_for(world.hr).get() == world.plan
    with pytest.raises(PermissionDenied):
        plan_create(actor=other, org_unit=world.org.sh, title="x", year=2026, parameters={})
    with pytest.raises(PermissionDenied):
        plan_update_parameters(actor=other, plan=world.plan, parameters={})
    with pytest.raises(PermissionDenied):
        post_update_rules(actor=other, post=world.post, rules={})
    with pytest.raises(PermissionDenied):
        plan_announce(actor=other, plan=world.plan, on=dt.date(2026, 9, 1))
    assert _actions() == []


def test_parameters_change_while_a_draft_and_are_fixed_once_announced(world: Any) -> None:
    plan = _draft(world)
    plan_update_parameters(actor=world.hr, plan=plan, parameters={"pass_line": "55"})
    assert Plan.objects.get(pk=plan.pk).parameters["pass_line"] == "55"
    plan_announce(actor=world.hr, plan=plan, on=dt.date(2026, 9, 1))
    with pytest.raises(ValidationError):
        plan_update_parameters(actor=world.hr, plan=plan, parameters={"pass_line": "50"})
    assert Plan.objects.get(pk=plan.pk).parameters["pass_line"] == "55"
    assert AuditEvent.objects.get(action="recruitment.plan.parameters").changed_fields == [
        "pass_line"
    ]


def _job(world: RecruitmentWorld, unit: Any, title: str = "档案管理") -> Any:
    data = {"title": title, "status": JobStatus.OPEN, "headcount": 3}
    return job_create(actor=None, org_unit=unit, data=data)


def test_a_post_switches_a_job_of_the_unit_into_public_mode(world: Any) -> None:
    job = _job(world, world.org.sh_sales)
    post = post_create(actor=world.hr, plan=world.plan, job=job, code=" 2026002 ",
                       rules={"education_min": "college"})  # fmt: skip
    assert (post.code, post.rules["education_min"], job.post) == ("2026002", "college", post)
    event = AuditEvent.objects.get(action="recruitment.post.create")
    assert event.detail == {"plan": world.plan.pk, "job": job.pk, "code": "2026002"}


@pytest.mark.parametrize(
    ("case", "field"),
    [("same_job", "job"), ("same_code", "code"),
     ("bad_rules", "education_min"), ("unknown_rule", "colour"), ("empty_code", "code")],
)  # fmt: skip
def test_a_wrong_post_is_refused_and_nothing_saved(world: Any, case: str, field: str) -> None:
    job = _job(world, world.org.sh_sales)
    kwargs: dict[str, Any] = {"job": job, "code": "2026002", "rules": {"age_max": 30,
                              "age_cutoff": "2026-12-31"}}  # fmt: skip
    kwargs |= {
        "same_job": {"job": world.job}, "same_code": {"code": "2026001"},
        "bad_rules": {"rules": {"education_min": "kindergarten"}},
        "unknown_rule": {"rules": {"colour": "red"}}, "empty_code": {"code": " "},
    }.get(case, {})  # fmt: skip
    with pytest.raises(ValidationError) as error:
        post_create(actor=world.hr, plan=world.plan, **kwargs)
    assert field in error.value.message_dict
    assert Post.objects.count() == 1


def test_a_post_comes_from_the_plans_own_unit(world: Any, make_user: Any) -> None:
    head_office = make_user("hr_hq", Role.HR_ADMIN, world.org.hq)
    job = _job(world, world.org.sz_sales)
    with pytest.raises(PermissionDenied):
        post_create(actor=world.hr, plan=world.plan, job=job, code="2026002", rules=RULES)
    with pytest.raises(ValidationError) as error:
        post_create(actor=head_office, plan=world.plan, job=job, code="2026002", rules=RULES)
    assert "job" in error.value.message_dict
    assert Post.objects.count() == 1


def test_rules_change_until_applications_open(world: Any) -> None:
    post_update_rules(actor=world.hr, post=world.post, rules=RULES | {"age_max": 30})
    assert Post.objects.get(pk=world.post.pk).rules["age_max"] == 30
    assert AuditEvent.objects.get(action="recruitment.post.rules").changed_fields == ["age_max"]
    plan = _draft(world)
    plan = plan_announce(actor=world.hr, plan=plan, on=dt.date(2026, 9, 1))
    assert plan.applications_open_on is not None
    day_before = plan.applications_open_on - dt.timedelta(days=1)
    post_update_rules(actor=world.hr, post=world.post, rules=RULES, today=day_before)
    with pytest.raises(ValidationError):
        post_update_rules(actor=world.hr, post=world.post, rules={"age_max": 40,
                          "age_cutoff": "2026-12-31"}, today=plan.applications_open_on)  # fmt: skip
    assert Post.objects.get(pk=world.post.pk).rules == RULES | {
        "degree_min": None, "certificates": [], "experience_years_min": None,
        "household": [], "household_source": "id", "political": [],
    }  # fmt: skip


def test_announcing_counts_working_days_across_the_national_day(world: Any) -> None:
    calendar_load_official(actor=world.hr)
    # 9-28 … 9-30, 10-8, 10-9, 10-10 (Saturday, 调休), 10-12: the 7th working day.
    plan = plan_announce(actor=world.hr, plan=_draft(world), on=dt.date(2026, 9, 28))
    assert (plan.status, plan.announced_on) == (PlanStatus.ANNOUNCED, dt.date(2026, 9, 28))
    assert plan.applications_open_on == dt.date(2026, 10, 13)
    assert plan.applications_close_on == dt.date(2026, 10, 19)  # 13–16, 19
    assert AuditEvent.objects.get(action="recruitment.plan.announce").detail["posts"] == 1


def test_a_period_ending_on_friday_opens_on_monday(world: Any) -> None:
    plan = plan_announce(actor=world.hr, plan=_draft(world), on=dt.date(2026, 11, 2),
                         close_after_days=3)  # fmt: skip
    assert plan.applications_open_on == dt.date(2026, 11, 11)  # 2–6, 9, 10 then Wednesday
    assert plan.applications_close_on == dt.date(2026, 11, 13)


@pytest.mark.parametrize("case", ["no_posts", "post_without_rules", "bad_days", "twice"])
def test_an_unready_plan_is_not_announced(world: Any, case: str) -> None:
    plan = _draft(world)
    if case == "no_posts":
        plan = plan_create(actor=world.hr, org_unit=world.org.sh, title="空", year=2026,
                           parameters={})  # fmt: skip
    if case == "post_without_rules":
        post_create(actor=world.hr, plan=plan, job=_job(world, world.org.sh_sales),
                    code="2026002", rules={})  # fmt: skip
    if case == "twice":
        plan_announce(actor=world.hr, plan=plan, on=dt.date(2026, 9, 1))
    with pytest.raises(ValidationError):
        plan_announce(actor=world.hr, plan=plan, on=dt.date(2026, 9, 8),
                      close_after_days=0 if case == "bad_days" else 5)  # fmt: skip
    stored = Plan.objects.get(pk=plan.pk)
    assert stored.announced_on == (dt.date(2026, 9, 1) if case == "twice" else None)


def test_the_plan_phase_follows_the_dates(world: Any) -> None:
    plan = _draft(world)
    assert plan_status_on(plan, dt.date(2026, 9, 1)) == Phase.DRAFT
    plan = plan_announce(actor=world.hr, plan=plan, on=dt.date(2026, 11, 2))
    phases = [plan_status_on(plan, dt.date(2026, 11, d)) for d in (2, 10, 11, 17, 18)]
    assert phases == [Phase.ANNOUNCED, Phase.ANNOUNCED, Phase.OPEN, Phase.OPEN, Phase.CLOSED]
    plan.status = PlanStatus.CLOSED
    assert plan_status_on(plan, dt.date(2026, 11, 12)) == Phase.CLOSED


def test_the_announcement_states_posts_places_and_rules_in_words(world: Any) -> None:
    post_create(actor=world.hr, plan=world.plan, job=_job(world, world.org.sh_sales),
                code="2026002", rules={"household": ["3301"], "political": ["cpc_member"],
                "experience_years_min": "2.5", "degree_min": "master"})  # fmt: skip
    plan = plan_announce(actor=world.hr, plan=_draft(world), on=dt.date(2026, 11, 2))
    with translation.override("en"):
        html = announcement_html(plan=plan_get(user=world.hr, pk=plan.pk))
    for text in ["2026001", "2026002", "软件开发", "<td class=\"number\">2</td>",
                 "Undergraduate or above", "Majors: 计算机类", "Aged 35 or under on 2026-12-31",
                 "At least 2.5 years of work experience", "Master&#x27;s degree or above",
                 "CPC member", "浙江省杭州市", "2026-11-11", "50%", 'charset="utf-8"']:  # fmt: skip
        assert text in html
    assert "<script" not in html.lower()


def test_the_announcement_speaks_chinese_where_translated(world: Any) -> None:
    plan = plan_announce(actor=world.hr, plan=_draft(world), on=dt.date(2026, 11, 2))
    with translation.override("zh-hans"):
        html = announcement_html(plan=plan)
    assert "本科" in html
    assert 'lang="zh-hans"' in html
