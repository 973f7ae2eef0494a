"""Interview data for the recording tests, built through the services as HR would: a job
whose template asks one video question and one written question, an application, and an
invitation whose raw token opens /i/<token>/."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mianshi.accounts.models import User
from mianshi.candidates.models import Application
from mianshi.candidates.services import application_create, candidate_create
from mianshi.invitations.models import Invitation
from mianshi.invitations.services import invitation_create
from mianshi.jobs.models import AnswerType, Job, JobStatus
from mianshi.jobs.services import (
    QuestionInput,
    RubricInput,
    job_create,
    question_create,
    template_create,
)
from mianshi.organisations.models import OrgUnit

VIDEO_QUESTION = "请用一分钟介绍一次你带领团队解决客户问题的经历。"
TEXT_QUESTION = "请简要写出你选择我们公司的三个理由。"
AUDIO_QUESTION = "请用一句话说明你的职业目标。"
FILE_QUESTION = "请上传你的身份证复印件。"
CHOICE_QUESTION = "客户犹豫不决时，你首先会做什么？"
CHOICES = [
    {"key": "A", "text": "立即降价"},
    {"key": "B", "text": "先了解客户的顾虑"},
    {"key": "C", "text": "请经理出面"},
]


@dataclass
class Interview:
    """What a test needs to drive and check one candidate's interview."""

    job: Job
    application: Application
    invitation: Invitation
    token: str

    @property
    def url(self) -> str:
        return f"/i/{self.token}/"


def _question(actor: User, unit: OrgUnit, text: str, answer_type: str, **kw: Any) -> int:
    rubric = [
        RubricInput(2, "完整事例：情境、行动、结果", ["客户", "结果"]),
        RubricInput(1, "没有事例"),
    ]
    data = QuestionInput(
        type="behavioural", text=text, answer_type=answer_type, rubric=rubric, **kw
    )
    return question_create(actor=actor, org_unit=unit, data=data).pk


def make_interview(
    actor: User,
    unit: OrgUnit,
    *,
    answer_seconds: int = 12,
    prep_seconds: int = 2,
    with_text: bool = True,
    with_choice: bool = False,
    with_audio: bool = False,
    with_file: bool = False,
    max_retakes: int = 0,
    name: str = "李雷",
) -> Interview:
    """One video question (short answer time) and, unless told not to, one written one;
    optionally an audio-only, a multiple-choice and a file question after them."""
    ids = [
        _question(
            actor,
            unit,
            VIDEO_QUESTION,
            AnswerType.VIDEO,
            prep_seconds=prep_seconds,
            answer_seconds=answer_seconds,
            max_retakes=max_retakes,
        )
    ]
    if with_text:
        ids.append(
            _question(
                actor, unit, TEXT_QUESTION, AnswerType.TEXT, prep_seconds=0, answer_seconds=120
            )
        )
    if with_audio:
        ids.append(
            _question(
                actor, unit, AUDIO_QUESTION, AnswerType.AUDIO, prep_seconds=0, answer_seconds=10
            )
        )
    if with_choice:
        ids.append(
            _question(
                actor, unit, CHOICE_QUESTION, AnswerType.CHOICE, choices=CHOICES, prep_seconds=0
            )
        )
    if with_file:
        ids.append(_question(actor, unit, FILE_QUESTION, AnswerType.FILE, prep_seconds=0))
    template = template_create(actor=actor, org_unit=unit, name="录制测试", question_ids=ids)
    job = job_create(
        actor=actor,
        org_unit=unit,
        data={
            "title": "客户经理",
            "status": JobStatus.OPEN,
            "interview_template": template,
            "invitation_instructions": "请在安静的环境中作答。",
            "required_materials": "身份证复印件",
        },
    )
    candidate = candidate_create(actor=actor, org_unit=unit, name=name, email="lilei@example.com")
    application = application_create(actor=actor, candidate=candidate, job=job)
    invitation, token = invitation_create(actor=actor, application=application)
    return Interview(job=job, application=application, invitation=invitation, token=token)
