"""资格审查 end to end: facts checked on entry, a post screened in one run with a reason per
rule, HR's override kept across runs, the opening ratio at its boundary and the named
decision below it, every step audited and nothing visible to another branch."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from mianshi.accounts.roles import Role
from mianshi.common.errors import TransitionRefused
from mianshi.compliance.models import AuditEvent
from mianshi.jobs.models import Job, JobStatus
from mianshi.jobs.services import job_create
from mianshi.recruitment.models import (
    ApplicantFacts,
    Post,
    PostStatus,
    QuotaChange,
    Screening,
)
from mianshi.recruitment.selectors import screening_for_candidate, screenings_for_post
from mianshi.recruitment.services.screening import (
    facts_save,
    post_opening_check,
    post_ratio_decide,
    screening_override,
    screening_run,
)
from mianshi.recruitment.tests.world import RecruitmentWorld, recruitment_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org: Any, make_user: Any) -> RecruitmentWorld:
    return recruitment_world(org, make_user)


def _actions() -> list[str]:
    events = AuditEvent.objects.filter(action__startswith="recruitment.").order_by("id")
    return list(events.values_list("action", flat=True))


def _mixed(world: RecruitmentWorld) -> dict[str, Any]:
    return {
        "fits": world.apply("王伟"),
        "wrong_major": world.apply("李娜", major="汉语言文学"),
        "too_old": world.apply("张强", birth="19800101"),
        "no_education": world.apply("刘洋", education=""),
    }


def _reasons(app: Any) -> list[str]:
    return [line.reason for line in screening_for_candidate(app).lines]


def test_facts_are_saved_checked_and_audited(world: Any) -> None:
    app = world.apply("王伟")
    facts = facts_save(actor=world.hr, application=app, degree="master",
                       experience_years="2.5", declared_household="3301",
                       certificates=[" 教师资格证 ", ""], graduation_year=2018)  # fmt: skip
    facts.refresh_from_db()
    assert (facts.degree, facts.experience_years) == ("master", Decimal("2.5"))
    assert (facts.certificates, facts.major) == (["教师资格证"], "计算机科学与技术")
    event = AuditEvent.objects.get(action="recruitment.facts.save")
    assert event.detail == {"application": app.pk}
    assert "declared_household" in event.changed_fields


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"education": "phd"}, "education"),
        ({"degree": "学士"}, "degree"),
        ({"experience_years": -1}, "experience_years"),
        ({"experience_years": 1.5}, "experience_years"),
        ({"experience_years": "NaN"}, "experience_years"),
        ({"experience_years": "1.25"}, "experience_years"),
        ({"declared_household": "33010"}, "declared_household"),
        ({"declared_household": "3301ab"}, "declared_household"),
        ({"political_status": "party"}, "political_status"),
        ({"certificates": "教师资格证"}, "certificates"),
        ({"graduation_year": 1900}, "graduation_year"),
        ({"colour": "red"}, "colour"),
        ({"major": "x" * 81}, "major"),
    ],
)
def test_bad_facts_save_nothing(world: Any, fields: dict[str, Any], bad: str) -> None:
    app = world.apply("王伟")
    with pytest.raises(ValidationError) as error:
        facts_save(actor=world.hr, application=app, **({"school": "浙江大学"} | fields))
    assert bad in error.value.message_dict
    stored = ApplicantFacts.objects.get(application=app)
    assert (stored.education, stored.school) == ("bachelor", "")
    assert _actions() == []


def test_a_mixed_set_is_screened_with_a_reason_per_rule(world: Any) -> None:
    apps = _mixed(world)
    with translation.override("zh-hans"):
        summary = screening_run(actor=world.hr, post=world.post)
    assert (summary.total, summary.passed, summary.qualified, summary.created) == (4, 1, 1, 4)
    assert screening_for_candidate(apps["fits"]).qualified
    assert "专业：汉语言文学 ✗ 不在 计算机类" in _reasons(apps["wrong_major"])
    assert "学历：✗ 未填写" in _reasons(apps["no_education"])
    verdicts = {k: screening_for_candidate(a).qualified for k, a in apps.items()}
    assert verdicts == {"fits": True, "wrong_major": False, "too_old": False,
                        "no_education": False}  # fmt: skip
    assert AuditEvent.objects.get(action="recruitment.screening.run").detail == {
        "total": 4, "passed": 1, "qualified": 1, "overridden": 0, "created": 4}  # fmt: skip


def test_reasons_are_recorded_in_the_sites_language(world: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    apps = _mixed(world)
    with translation.override("zh-hans"):  # the HR's page language does not decide
        screening_run(actor=world.hr, post=world.post)
    assert _reasons(apps["wrong_major"]) == [
        "Education: Undergraduate ✓",
        "Major: 汉语言文学 ✗ not in 计算机类",
        "Age: 31 (on 2026-12-31) ✓",
    ]
    assert "Age: 46 (on 2026-12-31) ✗ over 35 years of age" in _reasons(apps["too_old"])


def test_an_unscreened_application_is_pending(world: Any) -> None:
    view = screening_for_candidate(world.apply("王伟"))
    assert (view.screened, view.qualified, view.lines) == (False, False, [])


def test_an_override_survives_a_rerun_and_is_audited(world: Any) -> None:
    apps = _mixed(world)
    screening_run(actor=world.hr, post=world.post)
    row = Screening.objects.get(application=apps["wrong_major"])
    screening_override(actor=world.hr, screening=row, qualified=True,
                       reason=" 第二学位为计算机科学与技术 ")  # fmt: skip
    facts_save(actor=world.hr, application=apps["no_education"], education="bachelor")
    summary = screening_run(actor=world.hr, post=world.post)
    assert (summary.passed, summary.qualified, summary.overridden, summary.created) == (2, 3, 1, 0)
    view = screening_for_candidate(apps["wrong_major"])
    assert (view.qualified, view.reviewed, view.note) == (True, True, "第二学位为计算机科学与技术")
    assert not Screening.objects.get(application=apps["wrong_major"]).passed
    event = AuditEvent.objects.get(action="recruitment.screening.override")
    assert event.detail == {"application": apps["wrong_major"].pk, "passed": False,
                            "before": False, "after": True}  # fmt: skip
    assert _actions() == ["recruitment.screening.run", "recruitment.screening.override",
                          "recruitment.facts.save", "recruitment.screening.run"]  # fmt: skip


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_an_override_needs_a_reason(world: Any, reason: str) -> None:
    world.apply("李娜", major="汉语言文学")
    screening_run(actor=world.hr, post=world.post)
    row = Screening.objects.get()
    with pytest.raises(ValidationError):
        screening_override(actor=world.hr, screening=row, qualified=True, reason=reason)
    assert Screening.objects.get().override is None


def test_another_branch_sees_and_changes_nothing(world: Any, make_user: Any) -> None:
    other = make_user("hr_sz", Role.HR_ADMIN, world.org.sz)
    app = world.apply("王伟")
    screening_run(actor=world.hr, post=world.post)
    row = Screening.objects.get()
    assert not screenings_for_post(user=other, post=world.post).exists()
    assert screenings_for_post(user=world.hr, post=world.post).get() == row
    refusals = [
        lambda: facts_save(actor=other, application=app, education="master"),
        lambda: screening_run(actor=other, post=world.post),
        lambda: screening_override(actor=other, screening=row, qualified=False, reason="x"),
        lambda: post_opening_check(actor=other, post=world.post),
        lambda: post_ratio_decide(actor=other, post=world.post, decision="keep", reason="x"),
    ]
    for refused in refusals:
        with pytest.raises(PermissionDenied):
            refused()
    assert _actions() == ["recruitment.screening.run"]


def test_the_screening_list_costs_the_same_queries_at_two_sizes(
    world: Any, django_assert_num_queries: Any
) -> None:
    for size in (2, 6):
        while len(world.applications) < size:
            world.apply(f"考生{len(world.applications)}")
        screening_run(actor=world.hr, post=world.post)
        world.hr.__dict__.pop("_mianshi_scope_cache", None)
        with django_assert_num_queries(3):  # grants, units, rows with their candidates
            names = [r.application.candidate.name for r in screenings_for_post(
                user=world.hr, post=world.post)]  # fmt: skip
        assert names == [f"考生{i}" for i in range(size)]


def _qualify(world: RecruitmentWorld, n: int) -> None:
    for i in range(n):
        world.apply(f"考生{i}")
    world.apply("李娜", major="汉语言文学")
    screening_run(actor=world.hr, post=world.post)


@pytest.mark.parametrize(("qualified", "status"), [(3, PostStatus.EXAMINING),
                                                   (2, PostStatus.BELOW_RATIO)])  # fmt: skip
def test_the_opening_ratio_at_its_boundary(world: Any, qualified: int, status: str) -> None:
    _qualify(world, qualified)
    check = post_opening_check(actor=world.hr, post=world.post)
    assert (check.qualified, check.required, check.opens) == (
        qualified, Decimal(3), status == PostStatus.EXAMINING)  # fmt: skip
    assert Post.objects.get(pk=world.post.pk).status == status
    assert AuditEvent.objects.get(action="recruitment.post.opening_check").detail["opens"] is (
        status == PostStatus.EXAMINING)  # fmt: skip


def test_an_override_counts_toward_the_ratio(world: Any) -> None:
    _qualify(world, 2)
    row = Screening.objects.get(passed=False)
    screening_override(actor=world.hr, screening=row, qualified=True, reason="复审通过")
    assert post_opening_check(actor=world.hr, post=world.post).opens


def test_a_settled_post_is_not_checked_again(world: Any) -> None:
    _qualify(world, 3)
    post_opening_check(actor=world.hr, post=world.post)
    with pytest.raises(TransitionRefused):
        post_opening_check(actor=world.hr, post=world.post)


@pytest.fixture
def below(org: Any, make_user: Any) -> RecruitmentWorld:
    world = recruitment_world(org, make_user, headcount=3)
    _qualify(world, 4)
    post_opening_check(actor=world.hr, post=world.post)
    assert world.post.status == PostStatus.BELOW_RATIO
    return world


def test_keeping_a_post_below_ratio_lets_it_proceed(below: Any) -> None:
    post = post_ratio_decide(actor=below.hr, post=below.post, decision="keep",
                             reason="紧缺专业，经批准不受比例限制")  # fmt: skip
    assert (post.status, post.decided_by, post.decision_reason[:4]) == (
        PostStatus.EXAMINING, below.hr, "紧缺专业")  # fmt: skip
    assert AuditEvent.objects.get(action="recruitment.post.decide").detail["decision"] == "keep"


def test_reducing_writes_a_quota_change(below: Any) -> None:
    post = post_ratio_decide(actor=below.hr, post=below.post, decision="reduce",
                             reason="核减", new_headcount=1)  # fmt: skip
    assert post.status == PostStatus.REDUCED
    assert Job.objects.get(pk=below.job.pk).headcount == 1
    change = QuotaChange.objects.get()
    assert (change.before, change.after, change.reason) == (3, 1, "核减")
    assert change.changed_by == below.hr
    detail = AuditEvent.objects.get(action="recruitment.post.decide").detail
    assert (detail["before"], detail["after"]) == (3, 1)


@pytest.mark.parametrize("new_headcount", [None, 0, 3, 4, 2])  # 2 places need 6 qualified
def test_a_reduction_must_lower_the_places_to_the_ratio(below: Any, new_headcount: Any) -> None:
    with pytest.raises(ValidationError):
        post_ratio_decide(actor=below.hr, post=below.post, decision="reduce", reason="核减",
                          new_headcount=new_headcount)  # fmt: skip
    assert Job.objects.get(pk=below.job.pk).headcount == 3
    assert not QuotaChange.objects.exists()
    assert Post.objects.get(pk=below.post.pk).status == PostStatus.BELOW_RATIO


def test_cancel_and_merge_set_the_status(below: Any) -> None:
    job = job_create(actor=None, org_unit=below.org.sh_tech,
                     data={"title": "测试", "status": JobStatus.OPEN})  # fmt: skip
    other = Post.objects.create(plan=below.plan, job=job, code="2026002", rules={})
    post = post_ratio_decide(actor=below.hr, post=below.post, decision="merge",
                             reason="并入相近岗位", merge_into=other)  # fmt: skip
    assert (post.status, post.merged_into) == (PostStatus.MERGED, other)
    Post.objects.filter(pk=post.pk).update(status=PostStatus.BELOW_RATIO, merged_into=None)
    post = post_ratio_decide(actor=below.hr, post=post, decision="cancel", reason="取消")
    assert post.status == PostStatus.CANCELLED
    with pytest.raises(TransitionRefused):
        screening_run(actor=below.hr, post=post)


@pytest.mark.parametrize("case", ["no_reason", "unknown", "merge_self", "hr_not_approver",
                                  "not_below"])  # fmt: skip
def test_a_wrong_decision_is_refused(below: Any, make_user: Any, case: str) -> None:
    actor = make_user("recruiter", Role.HR, below.org.sh) if case == "hr_not_approver" else below.hr
    if case == "not_below":
        Post.objects.filter(pk=below.post.pk).update(status=PostStatus.EXAMINING)
    kwargs: dict[str, Any] = {"decision": "keep", "reason": "理由"} | {
        "no_reason": {"reason": " "}, "unknown": {"decision": "pause"},
        "merge_self": {"decision": "merge", "merge_into": below.post},
    }.get(case, {})  # fmt: skip
    with pytest.raises((ValidationError, PermissionDenied, TransitionRefused)):
        post_ratio_decide(actor=actor, post=below.post, **kwargs)
    assert Post.objects.get(pk=below.post.pk).decided_by is None
    assert "recruitment.post.decide" not in _actions()
