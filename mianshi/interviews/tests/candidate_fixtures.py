"""Fixtures of the candidate-flow tests (imported by the test_candidate_* modules).

An interview is built the way HR builds it: questions in the bank, a template, a job, a
candidate, an application and an invitation through the invitations app's service. The
candidate then talks to the server only over HTTP with the token, as the browser does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application
from mianshi.candidates.tests.factories import make_application, make_candidate
from mianshi.common.tests.support import (
    interview_job,
    interview_settings,  # noqa: F401 (autouse fixture)
)
from mianshi.interviews.models import InterviewSession
from mianshi.invitations.models import Invitation
from mianshi.invitations.services import invitation_create
from mianshi.jobs.models import AnswerType, Job
from mianshi.jobs.tests.factories import make_question

CHOICES = [
    {"key": "A", "text": "先倾听客户"},
    {"key": "B", "text": "立即降价"},
    {"key": "C", "text": "找经理"},
]
MINIMAL_PAGE = (
    "{{ bootstrap|json_script:'interview-bootstrap' }}"
    "<p id=ctx>{{ token }}|{{ api_base }}|{{ tus_endpoint }}|{{ status_url }}|"
    "{{ job_title }}|{{ org_name }}</p>"
)


@pytest.fixture
def minimal_page(settings: Any, tmp_path: Path) -> None:
    """A stand-in for the recorder's template, so the view's context can be read back."""
    folder = tmp_path / "templates" / "interviews" / "candidate"
    folder.mkdir(parents=True)
    (folder / "interview.html").write_text(MINIMAL_PAGE, encoding="utf-8")
    first = settings.TEMPLATES[0]
    # Folders come before the apps' templates: this one wins, the others stay reachable.
    settings.TEMPLATES = [{**first, "DIRS": [str(tmp_path / "templates"), *first["DIRS"]]}]


class CandidateApi:
    """The browser's side of /i/api/{token}/: JSON over Django's test client."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.client = Client()
        self.base = f"/i/api/{token}/"

    def get(self, path: str = "state") -> Any:
        return self.client.get(self.base + path)

    def post(self, path: str, data: Any = None) -> Any:
        body = {} if data is None else data
        return self.client.post(self.base + path, body, content_type="application/json")

    def state(self) -> dict[str, Any]:
        response = self.get()
        assert response.status_code == 200, response.content
        return dict(response.json())

    def ok(self, path: str, data: Any = None) -> dict[str, Any]:
        response = self.post(path, data)
        assert response.status_code == 200, (path, response.status_code, response.content)
        return dict(response.json())

    def refused(self, path: str, status: int, data: Any = None) -> dict[str, Any]:
        response = self.post(path, data)
        assert response.status_code == status, (path, response.status_code, response.content)
        body = dict(response.json())
        assert body["detail"] and isinstance(body["detail"], str)
        return body

    def guided_start(self, *, ai: bool = True, biometric: bool = True) -> None:
        """Consent and a working device check: what the welcome steps do."""
        version = self.state()["consent"]["notice_version"]
        self.ok(
            "consent",
            {
                "recording": True,
                "ai_analysis": ai,
                "biometric": biometric,
                "notice_version": version,
            },
        )
        self.ok("device-check", {"camera": True, "microphone": True, "level_db": -20.5})


@dataclass
class Interview:
    """One invited application and its link, plus the HR user who invited."""

    hr: User
    job: Job
    application: Application
    invitation: Invitation
    token: str
    api: CandidateApi

    @property
    def session(self) -> InterviewSession:
        return InterviewSession.objects.get(invitation=self.invitation)


def question(unit: Any, hr: User, kind: str, text: str, **kw: Any) -> Any:
    if kind in (AnswerType.VIDEO, AnswerType.AUDIO):
        kw.setdefault("prep_seconds", 10)
        kw.setdefault("answer_seconds", 60)
    else:
        kw.setdefault("prep_seconds", 0)
        kw.setdefault("answer_seconds", 300)
        kw.setdefault("max_retakes", 0)
    return make_question(unit, hr, text=text, answer_type=kind, **kw)


def invite(
    unit: Any, hr: User, questions: list[Any], *, title: str = "销售代表", name: str = "张三"
) -> Interview:
    job = interview_job(unit, hr, questions, title, required_materials="身份证复印件，学历证书")
    candidate = make_candidate(hr, unit, name=name)
    application = make_application(hr, candidate, job)
    invitation, token = invitation_create(actor=hr, application=application)
    return Interview(hr, job, application, invitation, token, CandidateApi(token))


@pytest.fixture
def hr(org: Any, make_user: Any) -> User:
    return make_user("hr_sh", Role.HR, org.sh)


@pytest.fixture
def three(org: Any, hr: User) -> Interview:
    """Video (10 s prep, 60 s, one retake), then text, then multiple choice."""
    unit = org.sh_sales
    return invite(
        unit,
        hr,
        [
            question(unit, hr, AnswerType.VIDEO, "请做一个简短的自我介绍。", max_retakes=1),
            question(unit, hr, AnswerType.TEXT, "请写下你对这个岗位的理解。"),
            question(unit, hr, AnswerType.CHOICE, "客户犹豫时你先做什么？", choices=CHOICES),
        ],
    )
