"""The demo's recorded interviews: two candidates answer on camera through the real path.

`prepare()` writes, through the services, the demo job with its English video questions,
the candidates, their applications (assigned to 面试官 赵磊) and invitations (mailed to the
outbox). `record()` then plays the candidate against the running server over HTTP (page,
candidate API, tus chunks); the demo's Celery worker verifies the uploads, checks their
quality and analyses them, exactly as for a real candidate; the first, once analysed and
rated, is hired (`hire()`, demo/employees.py). Everything is idempotent: an interview
already recorded is left alone, so a second `make demo` duplicates nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from mianshi.accounts.models import User
from mianshi.analysis.models import AnalysisRun, RunStatus
from mianshi.candidates.models import Application
from mianshi.candidates.services import application_assign, application_create, candidate_create
from mianshi.demo import data as D
from mianshi.demo import employees as demo_employees
from mianshi.demo import media as demo_media
from mianshi.demo.candidate import Answer, DemoCandidate
from mianshi.employees.models import Employee
from mianshi.interviews.models import AnswerStatus, InterviewSession, SessionState
from mianshi.invitations.models import Invitation, InvitationStatus
from mianshi.invitations.services import invitation_create_send, invitation_token
from mianshi.jobs.models import CompetencyModel, Job
from mianshi.jobs.services import (
    QuestionInput,
    RubricInput,
    job_create,
    job_update,
    question_create,
    template_create,
)
from mianshi.organisations.models import OrgUnit

FINISHED = {RunStatus.DONE, RunStatus.FAILED, RunStatus.SKIPPED}


@dataclass
class DemoInterview:
    """One demo candidate's invitation and what they will say."""

    name: str
    invitation: Invitation
    answers: list[str]
    split: list[int]  # positions answered in two recordings
    sway: float

    @property
    def session(self) -> InterviewSession | None:
        return InterviewSession.objects.filter(invitation=self.invitation).first()

    def progress(self) -> str:
        """new (nothing recorded), done, or partial (an earlier run stopped half-way)."""
        self.invitation.refresh_from_db()
        session = self.session
        if self.invitation.status == InvitationStatus.COMPLETED or (
            session is not None and session.state == SessionState.DONE
        ):
            return "done"
        if session is None or not (
            session.consents.exists()
            or session.answers.exclude(status=AnswerStatus.PENDING).exists()
        ):
            return "new" if self.invitation.status in _OPEN else "partial"
        return "partial"


_OPEN = {InvitationStatus.CREATED, InvitationStatus.SENT, InvitationStatus.OPENED}


# --- setting up --------------------------------------------------------------------------


def _question(row: tuple[Any, ...], owner: OrgUnit) -> Any:
    _key, qtype, lang, text, prep, answer, retakes, dims, rubric = row
    data = QuestionInput(
        type=qtype, text=text, answer_type="video", choices=[], language=lang,
        prep_seconds=prep, answer_seconds=answer, max_retakes=retakes, screen_share=False,
        dimension_codes=dims,
        rubric=[RubricInput(level, desc, kws) for level, (desc, kws) in rubric.items()],
    )  # fmt: skip
    return question_create(actor=None, org_unit=owner, data=data)


def demo_job() -> Job:
    """The job the demo interviews are for, with its English template (made once)."""
    title, unit_code, model, headcount, education, years, description = D.INTERVIEW_JOB
    job = Job.objects.filter(title=title, org_unit__code=unit_code).first()
    if job is not None:
        return job
    unit = OrgUnit.objects.get(code=unit_code)
    data = {"title": title, "description": description, "education": education,
            "min_years": years, "headcount": headcount, "status": "open",
            "competency_model": CompetencyModel.objects.get(name=model)}  # fmt: skip
    job = job_create(actor=None, org_unit=unit, data=data)
    questions = [_question(row, OrgUnit.objects.get(code="hq")) for row in D.INTERVIEW_QUESTIONS]
    template = template_create(
        actor=None, org_unit=unit, name=D.INTERVIEW_TEMPLATE, job=job,
        competency_model=job.competency_model, question_ids=[q.pk for q in questions],
    )  # fmt: skip
    return job_update(actor=None, job=job, data={"interview_template": template})


def _person(n: int, name: str, gender: str) -> dict[str, Any]:
    female = gender == "female"
    return {
        "name": name,
        "id_number": D.id_number("310104", f"1995{n + 3:02d}1{n + 1}", 40 + n, female),
        "phone": f"1380021{n:04d}",
        "email": f"demo.interview{n}@example.com",
        "gender": gender,
        "tags": ["社招"],
    }


def _application(job: Job, n: int, name: str, gender: str, hr: User) -> Application:
    found = Application.objects.filter(job=job, candidate__name=name).first()
    if found is not None:
        return found
    candidate = candidate_create(actor=hr, org_unit=job.org_unit, **_person(n, name, gender))
    application = application_create(actor=hr, candidate=candidate, job=job)
    application_assign(actor=hr, application=application, interviewer=_user("int_sh_1"))
    return application


def _invitation(application: Application, hr: User) -> Invitation:
    found = Invitation.objects.filter(application=application).order_by("-id").first()
    if found is not None:
        return found
    return invitation_create_send(actor=hr, application=application, expires_hours=24 * 30)[0]


def _user(username: str) -> User:
    return User.objects.get(username=username)


@transaction.atomic
def prepare() -> list[DemoInterview]:
    """The demo job, candidates, applications and invitations (existing ones are reused)."""
    job, hr = demo_job(), _user("hr_sh")
    interviews = []
    for n, (name, gender, answers, split) in enumerate(D.INTERVIEW_CANDIDATES):
        invitation = _invitation(_application(job, n, name, gender, hr), hr)
        interviews.append(DemoInterview(name, invitation, answers, split, sway=4.0 * n))
    return interviews


# --- recording and waiting ---------------------------------------------------------------


def recordings(interview: DemoInterview) -> list[Answer]:
    """The interview's answers as media files (generated once, cached)."""
    return [
        Answer(
            position=position,
            files=[
                demo_media.recording(part, sway=interview.sway)
                for part in demo_media.parts(text, 2 if position in interview.split else 1)
            ],
        )
        for position, text in enumerate(interview.answers, start=1)
    ]


def record(interview: DemoInterview, server: str, answers: list[Answer]) -> None:
    """The candidate takes the interview against the running server."""
    DemoCandidate(server, invitation_token(interview.invitation)).take_interview(answers)


def workbench_url(interview: DemoInterview) -> str:
    session = interview.session
    path = reverse("reviews:workbench", args=[session.pk]) if session else "/reviews/"
    return settings.PUBLIC_URL + path


def runs(interviews: list[DemoInterview]) -> list[AnalysisRun]:
    """The current analysis runs of the interviews' answers."""
    return list(
        AnalysisRun.objects.filter(
            answer__session__invitation__in=[i.invitation for i in interviews], is_current=True
        ).select_related("answer__session__application__candidate")
    )


def wait_analysed(
    interviews: list[DemoInterview], *, expected: int, timeout: float, every: float = 2.0
) -> list[AnalysisRun]:
    """Poll until `expected` current runs have finished (or the time is up)."""
    deadline = time.monotonic() + timeout
    while True:
        found = runs(interviews)
        finished = [r for r in found if r.status in FINISHED]
        if len(finished) >= expected or time.monotonic() > deadline:
            return found
        time.sleep(every)


def answer_count(interviews: list[DemoInterview]) -> int:
    return sum(len(i.answers) for i in interviews)


def rate(interview: DemoInterview) -> bool:
    """面试官 赵磊 submits a rating close to the AI's scores (False when there is already one
    or nothing to rate)."""
    from mianshi.reviews.models import Rating
    from mianshi.reviews.selectors.scores import ai_dimension_scores
    from mianshi.reviews.services.ratings import rating_save

    session, rater = interview.session, _user("int_sh_1")
    if session is None or Rating.objects.filter(session=session, rater=rater).exists():
        return False
    ai = ai_dimension_scores(session)
    if not ai:
        return False
    scores = {code: max(1, min(10, round(value))) for code, value in ai.items()}
    reasons = {code: "" for code in scores}
    comment = "回答结构完整，行动具体，结果可量化。"
    rating_save(
        actor=rater, session=session, scores=scores, reasons=reasons, comment=comment, submit=True
    )
    return True


def hire(interview: DemoInterview) -> Employee | None:
    """The candidate, analysed and rated, is offered the job and hired (demo/employees.py)."""
    return demo_employees.hire(interview.invitation.application)


def employee_url(employee: Employee) -> str:
    return settings.PUBLIC_URL + reverse("employees:employee_detail", args=[employee.pk])
