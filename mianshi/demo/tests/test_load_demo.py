"""The demo data promised by the README: org, staff, jobs, bank, 30 candidates."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from mianshi.candidates.models import Application, Candidate
from mianshi.demo import data as demo_data
from mianshi.jobs.models import InterviewTemplate, Job, Question
from mianshi.organisations.models import OrgUnit

pytestmark = pytest.mark.django_db


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
    jobs = Job.objects.all()
    # The three pipeline jobs, and the English one of the demo interviews and the demo hire.
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


def test_demo_candidates_cover_the_pipeline(demo: str) -> None:
    assert Candidate.objects.count() >= 30
    stages = set(Application.objects.values_list("stage", flat=True))
    assert len(stages) == 12


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
