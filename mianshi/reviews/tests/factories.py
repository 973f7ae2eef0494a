"""Test data for the review app: analysed interviews built through the real services, with
analysis results written as the analysis app stores them (no model run: fast and exact).

    world = review_world(org, make_user)
    session = analysed_interview(world, name="李雷", scores={"communication": 8.0})
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.analysis.models import AnalysisResult, AnalysisRun, RunStatus
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import application_advance
from mianshi.candidates.tests.factories import make_application, make_candidate
from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    InterviewSession,
    QualityStatus,
    Recording,
    RecordingStatus,
    SessionState,
)
from mianshi.interviews.notices import NOTICE_VERSION
from mianshi.interviews.services import ConsentInput, session_consent, session_open
from mianshi.invitations.services import invitation_create
from mianshi.jobs.models import Job
from mianshi.jobs.services import job_update
from mianshi.jobs.tests.factories import make_job, make_model, make_question, make_template

# The dimensions the world's two questions score (see make_model: weights 30/40/30).
CODES = ("communication", "customer_focus", "problem_solving")
SENTENCES = (
    (0.0, 3.2, "我负责华东区一个重要客户的续约。"),
    (3.2, 7.5, "客户一开始很犹豫，我先倾听了他的顾虑。"),
    (7.5, 12.0, "然后我提出了分阶段交付的方案，结果客户签了合同。"),
)


@dataclass
class ReviewWorld:
    """HR, an interviewer and a manager of the Shanghai branch, and a job to review."""

    org: Any
    hr: User
    interviewer: User
    manager: User
    job: Job
    sessions: list[InterviewSession] = field(default_factory=list)


def review_world(org: Any, make_user: Any, *, policy: str = "average") -> ReviewWorld:
    hr = make_user("hr_review", Role.HR, org.sh)
    model = make_model(org.sh, actor=hr)
    q1 = make_question(org.sh, hr, dimension_codes=["communication", "customer_focus"])
    q2 = make_question(
        org.sh, hr, text="请讲一次你解决复杂问题的经历。", dimension_codes=["problem_solving"]
    )
    template = make_template(org.sh, [q1, q2], hr, competency_model=model)
    job = make_job(org_unit=org.sh_sales, title="销售代表")
    job = job_update(
        actor=hr, job=job, data={"interview_template": template, "score_policy": policy}
    )
    return ReviewWorld(
        org=org,
        hr=hr,
        interviewer=make_user("int_review", Role.INTERVIEWER, org.sh),
        manager=make_user("mgr_review", Role.DEPT_MANAGER, org.sh),
        job=job,
    )


def _evidence(start: float, end: float, quote: str, element: str) -> dict[str, Any]:
    return {"quote": quote, "element": element, "start": start, "end": end}


def result_fields(codes: list[str], scores: dict[str, float], confidence: float) -> dict[str, Any]:
    """An AnalysisResult's fields for one answer scoring `codes`, as analysis stores them."""
    dims = [
        {
            "name": code,
            "weight": 1.0,
            "score": scores.get(code, 6.0),
            "evidence": [_evidence(*SENTENCES[2], "result")],
        }
        for code in codes
    ]
    values = [scores.get(code, 6.0) for code in codes]
    total = round(sum(values) / len(values), 2)
    return {
        "language": "zh",
        "transcript": "".join(s[2] for s in SENTENCES),
        "segments": [{"start": s, "end": e, "text": t, "words": []} for s, e, t in SENTENCES],
        "speech": {"duration_s": 12.0, "speech_s": 10.5, "speaking_rate": 210.0},
        "video": {"face_present_ratio": 0.97, "frames_analysed": 60},
        "integrity": [],
        "quality": {"verdict": "ok", "issues": [], "duration_s": 12.0},
        "score": {
            "level": 3,
            "score": total,
            "confidence": confidence,
            "dimensions": dims,
            "evidence": [_evidence(*SENTENCES[1], "action"), _evidence(*SENTENCES[2], "result")],
            "found": ["situation", "action", "result"],
            "missing": ["reflection"],
            "suggestions": ["多谈谈你从这次经历中学到了什么。"],
            "scorer": "rubric",
        },
        "level": 3,
        "total": total,
        "confidence": confidence,
        "needs_human_review": confidence < 0.5,
        "review_reasons": ["low_confidence"] if confidence < 0.5 else [],
    }


def _record(session: InterviewSession) -> None:
    """Every answer recorded, verified and analysed."""
    now = timezone.now()
    for answer in Answer.objects.filter(session=session).select_related("template_question"):
        answer.status, answer.attempt, answer.measured_ms = AnswerStatus.COMPLETE, 1, 12000
        answer.quality_status, answer.finished_at = QualityStatus.OK, now
        answer.save()
        Recording.objects.create(
            session=session, answer=answer, attempt=1, content_type="video/webm",
            length=1000, offset=1000, status=RecordingStatus.VERIFIED,
            expires_at=now + timedelta(days=1), duration_ms=12000,
        )  # fmt: skip


def analyse(session: InterviewSession, scores: dict[str, float], confidence: float) -> None:
    """A done, current analysis run with a result for every answer of `session`."""
    for answer in Answer.objects.filter(session=session).select_related("template_question"):
        codes = list(answer.template_question.snapshot.get("dimension_codes") or [])
        run = AnalysisRun.objects.create(
            answer=answer, attempt=1, status=RunStatus.DONE, started_at=timezone.now(),
            finished_at=timezone.now(), pipeline_version="test", model_name="test",
        )  # fmt: skip
        AnalysisResult.objects.create(run=run, **result_fields(codes, scores, confidence))


def analysed_interview(
    world: ReviewWorld,
    name: str = "李雷",
    *,
    scores: dict[str, float] | None = None,
    confidence: float = 0.8,
    analysed: bool = True,
) -> InterviewSession:
    """A candidate who consented to everything, recorded every answer, and whose answers
    were analysed (unless analysed=False); the score refresh then moves the application
    to "AI scored" (at "interview done" while unanalysed)."""
    candidate = make_candidate(world.hr, world.org.sh, name=name)
    application = make_application(world.hr, candidate, world.job)
    invitation, _token = invitation_create(actor=world.hr, application=application)
    session = session_open(invitation=invitation)
    consent = ConsentInput(
        recording=True, ai_analysis=True, biometric=True, notice_version=NOTICE_VERSION
    )
    session_consent(session=session, data=consent, language="zh-hans")
    _record(session)
    InterviewSession.objects.filter(pk=session.pk).update(
        state=SessionState.DONE, finished_at=timezone.now()
    )
    for stage in (Stage.INTERVIEWING, Stage.INTERVIEW_DONE):
        application_advance(actor=world.hr, application=application, to_stage=stage)
    if analysed:
        analyse(session, scores or {}, confidence)
    _refresh(session)
    session.refresh_from_db()
    world.sessions.append(session)
    return session


def _refresh(session: InterviewSession) -> None:
    from mianshi.reviews.services.scores import session_scores_refresh

    session_scores_refresh(session_id=session.pk)
