"""A world built like the demo's analysed interviews (mianshi.demo.interviews): the demo's
competency model, English job and questions, its two candidates with their spoken answers
(one answered in two recordings), each answer scored by the real offline scorer on its
sentences, and 面试官 赵磊's rating — without recording over HTTP or running a worker, so a
test gets the same workbench in a second instead of minutes.

    world = demo_world(org, make_user)
    session = world.sessions[0]          # 林晓东: the strong answers
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from interview_analysis.scorer.model import GeneralScorer
from interview_analysis.types import Segment, Transcript
from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.analysis.models import AnalysisResult, AnalysisRun, RunStatus
from mianshi.analysis.services import engine_question
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import application_advance
from mianshi.demo import data as D
from mianshi.demo import interviews as demo
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
from mianshi.jobs.services import DimensionInput, competency_model_create
from mianshi.reviews.services.scores import session_scores_refresh
from mianshi.reviews.tests.factories import result_fields

SECONDS_PER_SENTENCE = 4.5  # espeak-ng's English, as the demo's recordings speak it


@dataclass
class DemoWorld:
    """The demo's HR user and interviewer, and the two analysed interviews."""

    hr: User
    interviewer: User
    sessions: list[InterviewSession]


def demo_world(org: Any, make_user: Any) -> DemoWorld:
    hr = make_user("hr_sh", Role.HR, org.sh)
    interviewer = make_user("int_sh_1", Role.INTERVIEWER, org.sh)
    name = D.INTERVIEW_JOB[2]
    dims = [
        DimensionInput(dim, Decimal(weight), children=[DimensionInput(sub) for sub in subs])
        for dim, weight, subs in D.MODELS[name]
    ]
    competency_model_create(actor=None, org_unit=org.hq, name=name, dimensions=dims)
    sessions = [_interview(i) for i in demo.prepare()]
    for interview in demo.prepare():
        demo.rate(interview)
    return DemoWorld(hr, interviewer, [InterviewSession.objects.get(pk=s.pk) for s in sessions])


def _interview(interview: demo.DemoInterview) -> InterviewSession:
    session = session_open(invitation=interview.invitation)
    consent = ConsentInput(
        recording=True, ai_analysis=True, biometric=True, notice_version=NOTICE_VERSION
    )
    session_consent(session=session, data=consent, language="en")
    answers = Answer.objects.filter(session=session).select_related("template_question")
    for answer in answers.order_by("position"):
        said = interview.answers[answer.position - 1]
        parts = 2 if answer.position in interview.split else 1
        _record(answer, said, parts)
        _analyse(answer, said)
    InterviewSession.objects.filter(pk=session.pk).update(
        state=SessionState.DONE, finished_at=timezone.now()
    )
    application = session.application
    for stage in (Stage.INTERVIEWING, Stage.INTERVIEW_DONE):
        application_advance(actor=None, application=application, to_stage=stage)
    session_scores_refresh(session_id=session.pk)
    return session


def _sentences(said: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", said) if s]


def _record(answer: Answer, said: str, parts: int) -> None:
    now = timezone.now()
    seconds = len(_sentences(said)) * SECONDS_PER_SENTENCE
    answer.status, answer.attempt, answer.measured_ms = AnswerStatus.COMPLETE, 1, int(seconds)
    answer.quality_status, answer.finished_at = QualityStatus.OK, now
    answer.save()
    for segment in range(1, parts + 1):
        Recording.objects.create(
            session=answer.session, answer=answer, attempt=1, segment=segment,
            content_type="video/webm", length=1000, offset=1000,
            status=RecordingStatus.VERIFIED, expires_at=now + timedelta(days=1),
            duration_ms=int(seconds * 1000 / parts),
        )  # fmt: skip


def _analyse(answer: Answer, said: str) -> None:
    """A done run whose result is the offline scorer's, stored as the analysis app stores it."""
    sentences = _sentences(said)
    step = SECONDS_PER_SENTENCE
    segments = tuple(Segment(i * step, (i + 1) * step, s) for i, s in enumerate(sentences))
    transcript = Transcript("en", said, segments)
    score = GeneralScorer().score(engine_question(answer), transcript)
    codes = list(answer.template_question.snapshot.get("dimension_codes") or [])
    fields = result_fields(codes, {}, score.confidence)
    seconds = segments[-1].end if segments else 0.0
    fields["speech"] = {**fields["speech"], "duration_s": seconds, "speech_s": seconds * 0.9}
    fields["quality"] = {**fields["quality"], "duration_s": seconds}
    fields.update(
        language="en", transcript=said, segments=[asdict(s) for s in segments],
        score=asdict(score), level=score.level, total=score.score,
        needs_human_review=bool(score.review_flags), review_reasons=list(score.review_flags),
    )  # fmt: skip
    run = AnalysisRun.objects.create(
        answer=answer, attempt=1, status=RunStatus.DONE, started_at=timezone.now(),
        finished_at=timezone.now(), pipeline_version="demo-like", model_name="small.en",
    )  # fmt: skip
    AnalysisResult.objects.create(run=run, **fields)
