"""The HR pages of plans, posts, screening and the calendar through the test client: each
page renders, refuses another branch (404) and a reader without the capability (403),
shows a service's refusal beside its field with nothing saved, and costs the same queries
with few and many rows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from mianshi.accounts.roles import Role
from mianshi.jobs.models import JobStatus
from mianshi.jobs.services import job_create
from mianshi.recruitment.models import (
    ApplicantFacts,
    CalendarDay,
    DayKind,
    Plan,
    PlanStatus,
    Post,
    PostStatus,
    Screening,
)
from mianshi.recruitment.parameters import Parameters
from mianshi.recruitment.services.screening import screening_run
from mianshi.recruitment.tests.world import RecruitmentWorld, recruitment_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org: Any, make_user: Any) -> RecruitmentWorld:
    return recruitment_world(org, make_user)


@pytest.fixture
def hr(world: RecruitmentWorld, login: Any) -> Client:
    """The world's HR admin of the Shanghai branch (every capability there)."""
    client: Client = login(world.hr)
    return client


@pytest.fixture
def stranger(org: Any, make_user: Any, login: Any) -> Client:
    """An HR admin of the Shenzhen branch: must see nothing of Shanghai's."""
    client: Client = login(make_user("hr_sz", Role.HR_ADMIN, org.sz))
    return client


def _plan_data(**changes: Any) -> dict[str, Any]:
    params = Parameters().to_dict()
    data = {k: v for k, v in params.items() if k not in ("masking", "tie_break")}
    data["other_regions"] = ""  # an unticked box is not sent
    data |= {"tie_break": "written,extra,decision", "title": "2027年公开招聘", "year": 2027}
    data |= {f"mask_{column}": mask for column, mask in params["masking"].items()}
    return data | changes


def _rules_data(**changes: Any) -> dict[str, Any]:
    return {
        "education_min": "bachelor",
        "majors": "计算机类\n软件工程",
        "age_max": "35",
        "age_cutoff": "2026-12-31",
        "household_source": "id",
    } | changes


def _open_job(world: RecruitmentWorld, title: str = "数据分析") -> Any:
    return job_create(
        actor=world.hr,
        org_unit=world.org.sh_tech,
        data={"title": title, "status": JobStatus.OPEN, "headcount": 2},
    )


# Plans ----------------------------------------------------------------------------------


def test_the_plan_list_shows_the_users_plans_with_counts(
    world: RecruitmentWorld, hr: Client, stranger: Client
) -> None:
    html = hr.get("/recruitment/plans/").content.decode()
    assert world.plan.title in html and "data-new-plan" in html
    assert re.search(r"<td data-posts>1</td>", html)
    assert world.plan.title not in stranger.get("/recruitment/plans/").content.decode()


def test_the_plan_list_needs_jobs_and_offers_new_plans_to_managers_only(
    world: RecruitmentWorld, org: Any, make_user: Any, login: Any
) -> None:
    auditor = login(make_user("auditor", Role.AUDITOR, org.sh))
    assert auditor.get("/recruitment/plans/").status_code == 403
    manager = login(make_user("manager", Role.DEPT_MANAGER, org.sh))
    html = manager.get("/recruitment/plans/").content.decode()
    assert world.plan.title in html and "data-new-plan" not in html
    assert manager.get("/recruitment/plans/new/").status_code == 403


def test_a_plan_is_created_with_its_parameters(world: RecruitmentWorld, hr: Client) -> None:
    data = _plan_data(org_unit=world.org.sh.pk, opening_ratio="2.5", mask_gender="hide")
    response = hr.post("/recruitment/plans/new/", data)
    plan = Plan.objects.get(title="2027年公开招聘")
    assert response.status_code == 302 and response["Location"].endswith(f"/plans/{plan.pk}/")
    assert (plan.year, plan.status, plan.org_unit_id) == (2027, PlanStatus.DRAFT, world.org.sh.pk)
    assert plan.parameters["opening_ratio"] == "2.5"
    assert plan.parameters["masking"]["gender"] == "hide"
    assert plan.parameters["masking"]["id_number"] == "id"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weight_written": "0.6"}, "weight_written"),  # the weights add up to 1.1
        ({"panel_size": "2"}, "panel_size"),
        ({"pass_line": "120"}, "pass_line"),
        ({"announcement_days": "0"}, "announcement_days"),
        ({"title": "  "}, "title"),
        ({"drop_highest": "-1"}, "drop_highest"),
    ],
)
def test_bad_parameters_show_beside_their_field_and_save_nothing(
    world: RecruitmentWorld, hr: Client, change: dict[str, str], field: str
) -> None:
    data = _plan_data(org_unit=world.org.sh.pk) | change
    response = hr.post("/recruitment/plans/new/", data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert 'class="errorlist' in response.content.decode()
    assert not Plan.objects.filter(year=2027).exists()


def test_a_plan_cannot_be_created_for_another_branch(world: RecruitmentWorld, hr: Client) -> None:
    response = hr.post("/recruitment/plans/new/", _plan_data(org_unit=world.org.sz.pk))
    assert response.status_code == 400 and response.context["form"].errors["org_unit"]
    assert not Plan.objects.filter(year=2027).exists()


def test_a_draft_plans_parameters_are_edited_and_fixed_once_announced(
    world: RecruitmentWorld, hr: Client
) -> None:
    url = f"/recruitment/plans/{world.plan.pk}/edit/"
    assert hr.get(url).status_code == 200
    assert hr.post(url, _plan_data(publication_days="5")).status_code == 302
    world.plan.refresh_from_db()
    assert world.plan.parameters["publication_days"] == 5
    Plan.objects.filter(pk=world.plan.pk).update(status=PlanStatus.ANNOUNCED)
    response = hr.post(url, _plan_data(publication_days="9"))
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    world.plan.refresh_from_db()
    assert world.plan.parameters["publication_days"] == 5


def test_the_plan_page_says_parameters_in_words_and_counts_posts(
    world: RecruitmentWorld, hr: Client
) -> None:
    world.apply("王伟")
    world.apply("李娜", major="汉语言文学")
    screening_run(actor=world.hr, post=world.post, today=dt.date(2026, 11, 10))
    html = hr.get(f"/recruitment/plans/{world.plan.pk}/").content.decode()
    row = re.search(r'<tr data-post="\d+">.*?</tr>', html, re.S)
    assert row and "2026001" in row.group() and "软件开发" in row.group()
    assert "<td data-qualified>1</td>" in row.group()
    assert "<td data-applicants>2</td>" in row.group()
    assert "data-add-post" in html and "data-announce-plan" in html


@pytest.mark.parametrize(
    "url",
    [
        "/recruitment/plans/{plan}/",
        "/recruitment/plans/{plan}/edit/",
        "/recruitment/plans/{plan}/announce/",
        "/recruitment/plans/{plan}/announcement/",
        "/recruitment/plans/{plan}/announcement.doc",
        "/recruitment/plans/{plan}/posts/new/",
        "/recruitment/posts/{post}/",
        "/recruitment/posts/{post}/rules/",
        "/recruitment/applications/{app}/facts/",
    ],
)
def test_another_branch_finds_nothing(world: RecruitmentWorld, stranger: Client, url: str) -> None:
    app = world.apply("王伟")
    screening_run(actor=world.hr, post=world.post)
    path = url.format(plan=world.plan.pk, post=world.post.pk, app=app.pk)
    assert stranger.get(path).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/recruitment/posts/{post}/screening/run/",
        "/recruitment/posts/{post}/opening-check/",
        "/recruitment/posts/{post}/decision/",
        "/recruitment/posts/{post}/screening/{app}/",
    ],
)
def test_another_branch_changes_nothing(
    world: RecruitmentWorld, stranger: Client, url: str
) -> None:
    app = world.apply("王伟")
    screening_run(actor=world.hr, post=world.post)
    before = list(Screening.objects.values_list("passed", "override"))
    path = url.format(post=world.post.pk, app=app.pk)
    response = stranger.post(path, {"qualified": "yes", "reason": "x", "decision": "keep"})
    assert response.status_code == 404
    assert list(Screening.objects.values_list("passed", "override")) == before
    assert Post.objects.get(pk=world.post.pk).status == PostStatus.RECRUITING


# Posts and the announcement -------------------------------------------------------------


def test_an_open_job_becomes_a_post_with_its_rules(world: RecruitmentWorld, hr: Client) -> None:
    job = _open_job(world)
    url = f"/recruitment/plans/{world.plan.pk}/posts/new/"
    choices = hr.get(url).context["form"].fields["job"].queryset
    assert list(choices) == [job]  # the world's job is a post already
    response = hr.post(url, {"job": job.pk, "code": "2026002"} | _rules_data())
    post = Post.objects.get(code="2026002")
    assert response.status_code == 302 and response["Location"].endswith(f"/posts/{post.pk}/")
    assert post.rules["majors"] == ["计算机类", "软件工程"]
    assert post.rules["age_cutoff"] == "2026-12-31"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "2026001"}, "code"),  # the world's post has it
        ({"age_cutoff": ""}, "age_max"),  # a maximum age needs its day
        ({"household": "33x"}, "household"),
        ({"age_cutoff": "2026-13-01"}, "age_cutoff"),
    ],
)
def test_a_wrong_post_shows_its_errors_and_saves_nothing(
    world: RecruitmentWorld, hr: Client, change: dict[str, str], field: str
) -> None:
    job = _open_job(world)
    data = {"job": job.pk, "code": "2026002"} | _rules_data() | change
    response = hr.post(f"/recruitment/plans/{world.plan.pk}/posts/new/", data)
    assert response.status_code == 400 and response.context["form"].errors[field]
    assert not Post.objects.filter(job=job).exists()


def test_announcing_shows_the_computed_dates(world: RecruitmentWorld, hr: Client) -> None:
    url = f"/recruitment/plans/{world.plan.pk}/announce/"
    assert hr.get(url).status_code == 200
    response = hr.post(url, {"on": "2026-11-02", "close_after_days": "5"}, follow=True)
    world.plan.refresh_from_db()
    assert world.plan.status == PlanStatus.ANNOUNCED
    # 7 working days from Monday 2 November end on Tuesday 10th: open Wednesday 11th.
    assert world.plan.applications_open_on == dt.date(2026, 11, 11)
    html = response.content.decode()
    assert "<dd data-opens>2026-11-11</dd>" in html
    assert "<dd data-closes>2026-11-17</dd>" in html
    assert "data-announce-plan" not in html  # no second announcement offered


def test_a_plan_with_a_bare_post_is_not_announced(world: RecruitmentWorld, hr: Client) -> None:
    Post.objects.filter(pk=world.post.pk).update(rules={})
    url = f"/recruitment/plans/{world.plan.pk}/announce/"
    response = hr.post(url, {"on": "2026-11-02", "close_after_days": "5"})
    assert response.status_code == 400 and "2026001" in str(response.context["form"].errors)
    assert Plan.objects.get(pk=world.plan.pk).status == PlanStatus.DRAFT


def test_the_announcement_downloads_as_a_word_document(world: RecruitmentWorld, hr: Client) -> None:
    response = hr.get(f"/recruitment/plans/{world.plan.pk}/announcement.doc")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/msword; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert "%E6%8B%9B%E8%81%98%E5%85%AC%E5%91%8A.doc" in response["Content-Disposition"]
    html = response.content.decode("utf-8")
    assert world.plan.title in html and "2026001" in html and "本科" in html
    preview = hr.get(f"/recruitment/plans/{world.plan.pk}/announcement/").content.decode()
    assert "<iframe" in preview and "2026001" in preview


# The post page and screening ------------------------------------------------------------


def test_the_post_page_shows_rules_steps_and_reasons_in_chinese(
    world: RecruitmentWorld, hr: Client
) -> None:
    world.apply("王伟")
    world.apply("李娜", major="汉语言文学")
    response = hr.post(f"/recruitment/posts/{world.post.pk}/screening/run/", follow=True)
    html = response.content.decode()
    assert re.search(r"<ul data-rules>.*本科.*</ul>", html, re.S)
    assert "<ol data-steps>" in html
    assert html.count('data-verdict="qualified"') == 1
    assert html.count('data-verdict="refused"') == 1
    assert "专业：汉语言文学 ✗ 不在 计算机类" in html  # the reason in the site's language
    assert Screening.objects.filter(post=world.post).count() == 2


def test_an_override_needs_a_reason(world: RecruitmentWorld, hr: Client) -> None:
    app = world.apply("李娜", major="汉语言文学")
    screening_run(actor=world.hr, post=world.post)
    url = f"/recruitment/posts/{world.post.pk}/screening/{app.pk}/"
    assert hr.get(url).status_code == 200
    response = hr.post(url, {"qualified": "yes", "reason": "  "})
    assert response.status_code == 400 and response.context["form"].errors["reason"]
    assert Screening.objects.get(application=app).override is None
    response = hr.post(url, {"qualified": "yes", "reason": "专业相近，经复审认定符合"})
    row = Screening.objects.get(application=app)
    assert response.status_code == 302 and (row.override, row.qualified) == (True, True)
    assert "专业相近" in hr.get(f"/recruitment/posts/{world.post.pk}/").content.decode()


def test_a_reader_cannot_screen_or_override(
    world: RecruitmentWorld, org: Any, make_user: Any, login: Any
) -> None:
    app = world.apply("李娜", major="汉语言文学")
    screening_run(actor=world.hr, post=world.post)
    reader = login(make_user("manager", Role.DEPT_MANAGER, org.sh))
    html = reader.get(f"/recruitment/posts/{world.post.pk}/").content.decode()
    assert "data-run-screening" not in html and "data-override" not in html
    url = f"/recruitment/posts/{world.post.pk}/screening/{app.pk}/"
    assert reader.post(url, {"qualified": "yes", "reason": "x"}).status_code == 403
    assert reader.post(f"/recruitment/posts/{world.post.pk}/screening/run/").status_code == 403
    assert Screening.objects.get(application=app).override is None


def _below_ratio(world: RecruitmentWorld) -> None:
    world.apply("王伟")
    screening_run(actor=world.hr, post=world.post)
    Post.objects.filter(pk=world.post.pk).update(status=PostStatus.BELOW_RATIO)


def test_the_opening_check_puts_a_thin_post_below_the_ratio(
    world: RecruitmentWorld, hr: Client
) -> None:
    world.apply("王伟")
    screening_run(actor=world.hr, post=world.post)
    response = hr.post(f"/recruitment/posts/{world.post.pk}/opening-check/", follow=True)
    assert Post.objects.get(pk=world.post.pk).status == PostStatus.BELOW_RATIO
    assert 'data-met="no"' in response.content.decode()
    assert "data-decision-form" in response.content.decode()


def test_only_an_approver_decides_below_the_ratio(
    world: RecruitmentWorld, org: Any, make_user: Any, login: Any, hr: Client
) -> None:
    _below_ratio(world)
    recruiter = login(make_user("hr_sh", Role.HR, org.sh))
    url = f"/recruitment/posts/{world.post.pk}/"
    assert "data-decision-form" not in recruiter.get(url).content.decode()
    assert recruiter.post(f"{url}decision/", {"decision": "keep", "reason": "x"}).status_code == 403
    assert Post.objects.get(pk=world.post.pk).status == PostStatus.BELOW_RATIO
    response = hr.post(f"{url}decision/", {"decision": "keep", "reason": ""})
    assert response.status_code == 400 and response.context["decision"].errors["reason"]
    assert Post.objects.get(pk=world.post.pk).status == PostStatus.BELOW_RATIO
    response = hr.post(f"{url}decision/", {"decision": "keep", "reason": "紧缺岗位，经批准开考"})
    post = Post.objects.get(pk=world.post.pk)
    assert response.status_code == 302 and post.status == PostStatus.EXAMINING
    assert post.decided_by == world.hr


def test_a_reduction_below_the_ratio_is_refused_beside_its_field(
    world: RecruitmentWorld, hr: Client
) -> None:
    _below_ratio(world)
    url = f"/recruitment/posts/{world.post.pk}/decision/"
    response = hr.post(url, {"decision": "reduce", "reason": "报名不足", "new_headcount": "1"})
    assert response.status_code == 400 and response.context["decision"].errors["new_headcount"]
    assert Post.objects.get(pk=world.post.pk).status == PostStatus.BELOW_RATIO


def test_facts_are_edited_with_labels_and_checked(world: RecruitmentWorld, hr: Client) -> None:
    app = world.apply("王伟")
    url = f"/recruitment/applications/{app.pk}/facts/"
    html = hr.get(url).content.decode()
    assert "本科" in html and "中共党员" in html and "学士" in html
    response = hr.post(url, {"education": "master", "declared_household": "33x"})
    assert response.status_code == 400 and response.context["form"].errors["declared_household"]
    assert ApplicantFacts.objects.get(application=app).education == "bachelor"
    data = {
        "education": "master",
        "degree": "master",
        "major": "软件工程",
        "political_status": "cpc_member",
        "experience_years": "2.5",
        "certificates": "教师资格证\n计算机二级",
        "declared_household": "3301",
    }
    assert hr.post(url, data).status_code == 302
    facts = ApplicantFacts.objects.get(application=app)
    assert (facts.education, facts.political_status) == ("master", "cpc_member")
    assert facts.certificates == ["教师资格证", "计算机二级"]
    page = hr.get(f"/recruitment/posts/{world.post.pk}/").content.decode()
    assert "硕士" in page and "中共党员" in page and "杭州市" in page


def test_facts_are_entered_for_an_applicant_who_had_none(
    world: RecruitmentWorld, hr: Client
) -> None:
    app = world.apply("王伟")
    ApplicantFacts.objects.filter(application=app).delete()
    url = f"/recruitment/applications/{app.pk}/facts/"
    assert hr.get(url).status_code == 200
    response = hr.post(url, {"education": "doctor", "graduation_year": "1900"})
    assert response.status_code == 400 and response.context["form"].errors["graduation_year"]
    assert not ApplicantFacts.objects.filter(application=app).exists()
    assert hr.post(url, {"education": "doctor", "graduation_year": "2020"}).status_code == 302
    assert ApplicantFacts.objects.get(application=app).education == "doctor"


def test_facts_are_changed_only_by_who_manages_applicants(
    world: RecruitmentWorld, org: Any, make_user: Any, login: Any
) -> None:
    app = world.apply("王伟")
    reader = login(make_user("manager", Role.DEPT_MANAGER, org.sh))
    url = f"/recruitment/applications/{app.pk}/facts/"
    assert reader.post(url, {"education": "doctor"}).status_code == 403
    assert ApplicantFacts.objects.get(application=app).education == "bachelor"


# Calendar -------------------------------------------------------------------------------


def test_the_calendar_is_kept_by_organisation_managers(
    world: RecruitmentWorld, hr: Client, org: Any, make_user: Any, login: Any
) -> None:
    response = hr.post(
        "/recruitment/calendar/days/",
        {"day": "2027-02-06", "kind": DayKind.WORKDAY, "name": "春节调休"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?year=2027")
    html = hr.get("/recruitment/calendar/?year=2027").content.decode()
    assert 'data-day="2027-02-06"' in html and "春节调休" in html
    recruiter = login(make_user("hr_sh", Role.HR, org.sh))
    assert "data-day-form" not in recruiter.get("/recruitment/calendar/?year=2027").content.decode()
    assert (
        recruiter.post("/recruitment/calendar/days/remove/", {"day": "2027-02-06"}).status_code
        == 403
    )
    assert hr.post("/recruitment/calendar/days/remove/", {"day": "2027-02-06"}).status_code == 302
    assert not CalendarDay.objects.filter(day=dt.date(2027, 2, 6)).exists()


def test_a_weekday_is_not_a_calendar_workday(world: RecruitmentWorld, hr: Client) -> None:
    response = hr.post(
        "/recruitment/calendar/days/",
        {"day": "2027-02-08", "kind": DayKind.WORKDAY, "year": "2027"},
    )
    assert response.status_code == 400 and response.context["form"].errors["kind"]
    assert not CalendarDay.objects.exists()


def test_the_official_2026_calendar_loads(world: RecruitmentWorld, hr: Client) -> None:
    response = hr.post("/recruitment/calendar/load/", {"year": "2026"}, follow=True)
    html = response.content.decode()
    assert 'data-day="2026-10-01"' in html and 'data-day="2026-10-10"' in html
    assert CalendarDay.objects.filter(day__year=2026).count() > 10


def test_the_load_form_offers_the_shipped_years_and_loads_2025(
    world: RecruitmentWorld, hr: Client
) -> None:
    html = hr.get("/recruitment/calendar/?year=2025").content.decode()
    form = html[html.index("data-load-form") :]
    assert re.search(r'<option value="2025" selected>', form) and 'value="2026"' in form
    response = hr.post("/recruitment/calendar/load/", {"year": "2025"}, follow=True)
    html = response.content.decode()
    assert 'data-day="2025-01-26"' in html and 'data-day="2025-10-08"' in html
    assert CalendarDay.objects.filter(day__year=2025).count() == 33
    assert not CalendarDay.objects.filter(day__year=2026).exists()


def test_a_year_without_a_notice_is_not_loaded(world: RecruitmentWorld, hr: Client) -> None:
    response = hr.post("/recruitment/calendar/load/", {"year": "2031"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("?year=2031")
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not CalendarDay.objects.exists()


# Query counts ---------------------------------------------------------------------------


def _plans(world: RecruitmentWorld, count: int) -> None:
    Plan.objects.bulk_create(
        Plan(org_unit=world.org.sh, title=f"计划{i}", year=2026, parameters={})
        for i in range(count)
    )


def _queries(client: Client, url: str, assert_max: Any) -> int:
    with assert_max(25) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_plan_list_costs_the_same_with_more_plans(
    world: RecruitmentWorld, hr: Client, django_assert_max_num_queries: Any
) -> None:
    _plans(world, 2)
    small = _queries(hr, "/recruitment/plans/", django_assert_max_num_queries)
    _plans(world, 30)
    large = _queries(hr, "/recruitment/plans/", django_assert_max_num_queries)
    assert large == small
    assert hr.get("/recruitment/plans/").content.decode().count("data-plan=") == 33


def test_the_screening_table_costs_the_same_with_more_applicants(
    world: RecruitmentWorld, hr: Client, django_assert_max_num_queries: Any
) -> None:
    url = f"/recruitment/posts/{world.post.pk}/"
    for i in range(3):
        world.apply(f"甲{i}", major="汉语言文学" if i % 2 else "软件工程")
    screening_run(actor=world.hr, post=world.post)
    small = _queries(hr, url, django_assert_max_num_queries)
    for i in range(3, 30):
        world.apply(f"乙{i}", major="汉语言文学" if i % 2 else "软件工程")
    screening_run(actor=world.hr, post=world.post)
    large = _queries(hr, url, django_assert_max_num_queries)
    assert large == small
    assert hr.get(url).content.decode().count("data-application=") == 30
