"""manage.py bench_invitations N: N candidates mid-answer, for bench/uploads.py.

Each gets an invitation, an opened session with consent and device check done, and its
video question's answer countdown running (attempt 1, RECORDING), all through the real
services, so the tus endpoint sees what a browser's uploads would. Prints one JSON line:
{"tokens": [...], "position": 1, "attempt": 1}. Data goes to a unit "压测 (bench)" of its
own; run it against a bench database, never a production one.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from mianshi.accounts.models import RoleGrant, User
from mianshi.accounts.roles import Role
from mianshi.candidates.services import application_create, candidate_create
from mianshi.interviews.notices import NOTICE_VERSION
from mianshi.interviews.services import (
    ConsentInput,
    answer_record,
    answer_start,
    session_consent,
    session_device_check,
    session_open,
)
from mianshi.invitations.services import invitation_create
from mianshi.jobs.models import Job
from mianshi.jobs.services import (
    QuestionInput,
    RubricInput,
    job_create,
    question_create,
    template_create,
)
from mianshi.organisations.models import OrgUnit, UnitKind
from mianshi.organisations.services import orgunit_create

ANSWER_SECONDS = 1800  # the longest answer a question allows: room for long bench runs


def _bench_job() -> tuple[User, Job]:
    unit = OrgUnit.objects.filter(code="bench").first() or orgunit_create(
        actor=None, name="压测 (bench)", code="bench", kind=UnitKind.HEADQUARTERS
    )
    hr, _new = User.objects.get_or_create(username="bench-hr")
    RoleGrant.objects.get_or_create(user=hr, role=Role.HR, org_unit=unit)
    question = question_create(
        actor=hr, org_unit=unit,
        data=QuestionInput(type="behavioural", text="压测题：请介绍一次团队合作的经历。",
                           prep_seconds=0, answer_seconds=ANSWER_SECONDS,
                           rubric=[RubricInput(1, "压测")]),
    )  # fmt: skip
    template = template_create(actor=hr, org_unit=unit, name="压测模板", question_ids=[question.pk])
    job = job_create(
        actor=hr, org_unit=unit,
        data={"title": f"压测岗位 {secrets.token_hex(3)}", "status": "open",
              "interview_template": template},
    )  # fmt: skip
    return hr, job


@transaction.atomic
def _recording_candidate(hr: User, job: Job, index: int) -> str:
    candidate = candidate_create(
        actor=hr, org_unit=job.org_unit, name=f"压测候选人{index}",
        phone=f"199{secrets.randbelow(10**8):08d}",
    )  # fmt: skip
    application = application_create(actor=hr, candidate=candidate, job=job)
    invitation, token = invitation_create(actor=hr, application=application)
    session = session_open(invitation=invitation)
    consent = ConsentInput(
        recording=True, ai_analysis=True, biometric=True, notice_version=NOTICE_VERSION
    )
    session_consent(session=session, data=consent, language="zh-hans")
    session_device_check(session=session, result={"camera": True, "microphone": True})
    answer_start(session=session, position=1)
    answer_record(session=session, position=1)
    return token


class Command(BaseCommand):
    help = "Create N candidates whose first answer is being recorded; print their tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        hr, job = _bench_job()
        tokens = [_recording_candidate(hr, job, i) for i in range(options["count"])]
        self.stdout.write(json.dumps({"tokens": tokens, "position": 1, "attempt": 1}))
