"""The demo data promised by the README: org, staff, jobs, bank, 30 candidates."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.test import Client

from mianshi.analysis.models import AnalysisResult, AnalysisRun, RunStatus
from mianshi.analysis.services import pipeline_version
from mianshi.candidates.models import Application, Candidate
from mianshi.candidates.pipeline import Stage
from mianshi.demo import data as demo_data
from mianshi.employees.models import Employee
from mianshi.jobs.models import InterviewTemplate, Job, Question
from mianshi.organisations.models import OrgUnit
from mianshi.reviews.models import InterviewScore

pytestmark = pytest.mark.django_db

# What every run of the engine records as its pipeline version (never "demo").
ENGINE = pipeline_version().split()[0]


@pytest.fixture
def demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_org_jobs_and_bank(demo: str) -> None:
    assert set(OrgUnit.objects.filter(kind="branch").values_list("name", flat=True)) == {
        "上海分公司",
        "深圳分公司",
    }
    # The three pipeline jobs, and the English one of the demo interviews and the demo hire;
    # the public-recruitment post is the recruitment demo's (test_demo_recruitment.py).
    jobs = Job.objects.filter(post__isnull=True)
    hire_job = demo_data.INTERVIEW_JOB[0]
    assert {j.title for j in jobs} == {"销售代表", "客服主管", "软件工程师", hire_job}
    assert all(j.competency_model_id and j.interview_template_id for j in jobs)
    assert InterviewTemplate.objects.count() == 4
    assert Question.objects.count() >= 15
    assert set(Question.objects.values_list("type", flat=True)) == {
        "self_intro",
        "behavioural",
        "situational",
        "ability",
        "skills_demo",
    }
    assert set(Question.objects.values_list("language", flat=True)) == {"zh-hans", "en"}
    assert all(q.rubric_levels.count() == 3 for q in Question.objects.all())


# Stages the product reaches only after a recorded interview.
AFTER_AN_INTERVIEW = set(Stage) - {
    Stage.APPLIED, Stage.SCREENING, Stage.INVITED, Stage.REJECTED, Stage.TALENT_POOL,
}  # fmt: skip


def test_demo_candidates_cover_the_stages_before_an_interview(demo: str) -> None:
    assert Candidate.objects.count() >= 30
    stages = set(Application.objects.values_list("stage", flat=True))
    assert {"applied", "screening", "invited", "rejected", "talent_pool"} <= stages
    invited = Application.objects.filter(stage="invited")
    assert all(a.invitations.exists() for a in invited)


def assert_every_score_has_an_analysed_interview() -> None:
    """Every score and every stage after the interview has a recorded answer behind it whose
    analysis the engine ran, and no analysis was written around the engine (also checked
    after the demo interviews and the demo hire, test_demo_interviews.py)."""
    made_up = AnalysisRun.objects.exclude(pipeline_version__startswith=ENGINE)
    assert not made_up.exists(), list(made_up.values_list("pipeline_version", flat=True))
    assert not AnalysisResult.objects.exclude(run__status=RunStatus.DONE).exists()
    scored = Q(overall_score__isnull=False) | Q(stage__in=AFTER_AN_INTERVIEW)
    for application in Application.objects.filter(scored):
        runs = AnalysisRun.objects.filter(answer__session__application=application, is_current=True)
        assert runs.exists(), application.candidate.name
        assert {r.status for r in runs} == {RunStatus.DONE}, application.candidate.name
        assert all(r.result.total is not None for r in runs), application.candidate.name
    # Every employee is a hire whose interview the engine analysed (so is in the loop above).
    for employee in Employee.objects.all():
        assert employee.application_id is not None, employee.employee_number
        hired = Application.objects.filter(pk=employee.application_id, stage=Stage.HIRED)
        assert hired.filter(scored).exists(), employee.employee_number


def test_no_demo_score_or_late_stage_without_an_analysed_interview(demo: str) -> None:
    """The rest of the demo sits where the product puts it without an interview."""
    assert_every_score_has_an_analysed_interview()
    # Nothing is that far, analysed or hired right after loading: the demo interviews and
    # the hire that follows them come with `demo_interviews`.
    assert not Application.objects.filter(stage__in=AFTER_AN_INTERVIEW).exists()
    assert not AnalysisRun.objects.exists() and not AnalysisResult.objects.exists()
    assert not InterviewScore.objects.exists() and not Employee.objects.exists()


def test_every_demo_login_works_and_reload_is_a_no_op(demo: str) -> None:
    for username, *_ in demo_data.USERS:
        assert username in demo
        client = Client()
        response = client.post(
            "/accounts/login/", {"username": username, "password": demo_data.DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
    candidates = Candidate.objects.count()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert Candidate.objects.count() == candidates
