"""Fixtures of the HR board and panel tests (imported by test_board*.py and test_hr_*.py).

A job is set up the way HR sets it up (bank questions, a template, invitations through the
invitations app's services) and candidates move through the candidate-flow services.
Where no service reaches a state cheaply (a stalled upload, a failed verification, a
quality report), rows are written directly: the board only reads them.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone, translation

from config.celery import app as celery_app
from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application, ApplicationAssignment
from mianshi.candidates.tests.factories import make_application, make_candidate, make_job
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
from mianshi.jobs.services import job_update
from mianshi.jobs.tests.factories import make_question, make_template

KEY = "k1:" + base64.b64encode(b"1" * 32).decode()
CHOICES = [{"key": "A", "text": "先倾听客户"}, {"key": "B", "text": "立即降价"}]


@pytest.fixture(autouse=True)
def board_settings(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.ENCRYPTION_KEYS = [KEY]
    settings.BLIND_INDEX_KEY = "test-blind-index-key-0123456789"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PUBLIC_URL = "https://jobs.example.cn"
    settings.CHANNELS = ["email"]
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


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
    template = make_template(unit, questions, hr, name="销售一面")
    job = make_job(unit, "销售代表")
    return job_update(
        actor=hr, job=job, data={"interview_template": template, "invitation_hours": 48}
    )


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


# --- real mail ------------------------------------------------------------------------------


@dataclass
class Mailbox:
    """What the local SMTP server received."""

    messages: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


@pytest.fixture
def smtp(settings: Any) -> Iterator[Mailbox]:
    """A real SMTP server on loopback, with Django's SMTP backend pointed at it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield box
    finally:
        controller.stop()
        asyncio.set_event_loop(None)


@pytest.fixture
def eager() -> Iterator[None]:
    """Celery tasks run in-process (the real task code, no broker)."""
    before = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before
