"""Fixtures of the HR board and panel tests (imported by test_board*.py and test_hr_*.py).

A job is set up the way HR sets it up (bank questions, a template, invitations through the
invitations app's services) and candidates move through the candidate-flow services.
Where no service reaches a state cheaply (a stalled upload, a failed verification, a
quality report), rows are written directly: the board only reads them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application, ApplicationAssignment
from mianshi.candidates.tests.factories import make_application, make_candidate
from mianshi.common.tests.support import (
    eager,  # noqa: F401 (fixture)
    interview_job,
    interview_settings,  # noqa: F401 (autouse fixture)
    smtp,  # noqa: F401 (fixture)
)
from mianshi.interviews.models import (
    Answer,
    InterviewSession,
    Recording,
    RecordingStatus,
)
from mianshi.interviews.notices import NOTICE_VERSION
from mianshi.interviews.services import (
    ConsentInput,
    answer_choice_submit,
    answer_record,
    answer_start,
    answer_text_submit,
    session_consent,
    session_device_check,
    session_open,
)
from mianshi.invitations.models import Invitation
from mianshi.invitations.services import invitation_create
from mianshi.jobs.models import Job
from mianshi.jobs.tests.factories import make_question

CHOICES = [{"key": "A", "text": "先倾听客户"}, {"key": "B", "text": "立即降价"}]


def ago(**delta: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(**delta)


@dataclass
class Started:
    """An invited application and its link."""

    application: Application
    invitation: Invitation
    token: str

    @property
    def session(self) -> InterviewSession:
        return InterviewSession.objects.get(invitation=self.invitation)

    def answer(self, position: int) -> Answer:
        return Answer.objects.get(session__invitation=self.invitation, position=position)


@dataclass
class BoardWorld:
    """Shanghai sales job (text, choice, video question) and the people around it."""

    hr_sh: User
    hr_sz: User
    manager_sales: User
    manager_tech: User
    interviewer: User
    job: Job
    serial: list[int] = field(default_factory=lambda: [0])

    def invite(self, name: str = "张三", email: str = "") -> Started:
        self.serial[0] += 1
        n = self.serial[0]
        candidate = make_candidate(
            self.hr_sh, self.job.org_unit, name=name, email=email or f"c{n}@example.com"
        )
        application = make_application(self.hr_sh, candidate, self.job)
        invitation, token = invitation_create(actor=self.hr_sh, application=application)
        return Started(application, invitation, token)

    # --- the candidate's way through the flow (real services) ----------------------------

    def guide(self, started: Started) -> InterviewSession:
        session = session_open(invitation=started.invitation)
        consent = ConsentInput(True, True, True, NOTICE_VERSION)
        session_consent(session=session, data=consent, language="zh-hans")
        return session_device_check(
            session=session, result={"camera": True, "microphone": True, "level_db": -20}
        )

    def answering_text(self, started: Started) -> InterviewSession:
        session = self.guide(started)
        answer_start(session=session, position=1)
        return started.session

    def answering_choice(self, started: Started) -> InterviewSession:
        session = self.answering_text(started)
        answer_text_submit(session=session, position=1, text="我会先倾听，再给出方案。")
        answer_start(session=started.session, position=2)
        return started.session

    def recording_video(self, started: Started) -> InterviewSession:
        session = self.answering_choice(started)
        answer_choice_submit(session=session, position=2, keys=["A"])
        answer_start(session=started.session, position=3)
        answer_record(session=started.session, position=3)
        return started.session


def recording_row(started: Started, position: int = 3, **fields: Any) -> Recording:
    """A tus upload row as the upload side leaves it (the board only reads these)."""
    answer = started.answer(position)
    values = {
        "attempt": 1,
        "content_type": "video/webm",
        "offset": 0,
        "status": RecordingStatus.UPLOADING,
        "expires_at": timezone.now() + dt.timedelta(hours=24),
        **fields,
    }
    return Recording.objects.create(session=answer.session, answer=answer, **values)


def job_with_questions(hr: User, unit: Any) -> Job:
    questions = [
        make_question(unit, hr, text="请用文字说明你如何处理客户投诉。", answer_type="text"),
        make_question(
            unit, hr, text="面对犹豫的客户你会先做什么？", answer_type="choice", choices=CHOICES
        ),
        make_question(unit, hr, text="请讲述一次你说服客户的经历。", answer_type="video"),
    ]
    return interview_job(unit, hr, questions, "销售代表", invitation_hours=48)


@pytest.fixture
def bw(org: Any, make_user: Any) -> BoardWorld:
    hr_sh = make_user("hr_sh", Role.HR, org.sh)
    return BoardWorld(
        hr_sh=hr_sh,
        hr_sz=make_user("hr_sz", Role.HR, org.sz),
        manager_sales=make_user("mgr_sales", Role.DEPT_MANAGER, org.sh_sales),
        manager_tech=make_user("mgr_tech", Role.DEPT_MANAGER, org.sh_tech),
        interviewer=make_user("iv_sh", Role.INTERVIEWER, org.sh),
        job=job_with_questions(hr_sh, org.sh_sales),
    )


def assign(application: Application, interviewer: User) -> None:
    ApplicationAssignment.objects.create(application=application, interviewer=interviewer)
