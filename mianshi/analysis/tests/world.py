"""The analysis tests' world: an English video question, a candidate who answered it through
the real services and tus upload, and the checks a done run must pass."""

from __future__ import annotations

from typing import Any

from django.test import Client

from mianshi.accounts.roles import Role
from mianshi.analysis.models import AnalysisResult, AnalysisRun, RunStatus
from mianshi.interviews.models import Answer, AnswerStatus, Recording
from mianshi.interviews.notices import NOTICE_VERSION
from mianshi.interviews.services import (
    ConsentInput,
    ReportedRecording,
    answer_finish,
    session_consent,
    session_device_check,
)
from mianshi.interviews.tests import upload_world as uw
from mianshi.jobs.services import job_update
from mianshi.jobs.services.questions import RubricInput
from mianshi.jobs.tests.factories import make_job, make_question, make_template


def english_world(org: Any, make_user: Any) -> uw.World:
    """A job whose template asks one English video question."""
    hr = make_user("hr_analysis", Role.HR, org.sh)
    rubric = [
        RubricInput(3, "A full story: situation, action, result", ["customer", "result"]),
        RubricInput(2, "Part of a story", ["customer"]),
        RubricInput(1, "No concrete example"),
    ]
    question = make_question(
        org.sh, hr, answer_type="video", language="en", prep_seconds=0, answer_seconds=120,
        max_retakes=0, text="Tell us about a difficult customer you won over.", rubric=rubric,
    )  # fmt: skip
    job = make_job(org_unit=org.sh_sales, title="Sales")
    job_update(
        actor=hr, job=job, data={"interview_template": make_template(org.sh, [question], hr)}
    )
    return uw.World(hr=hr, org=org, job=job)


def answered(
    world: uw.World,
    capture: Any,
    segments: list[bytes],
    *,
    ai: bool = True,
    biometric: bool = True,
) -> Answer:
    """A candidate records `segments` (one upload each, as after a reload) for question 1
    and finishes it (tasks run on commit)."""
    take = uw.invite(world)
    consent = ConsentInput(
        recording=True, ai_analysis=ai, biometric=biometric, notice_version=NOTICE_VERSION
    )
    with capture(execute=True):
        session_consent(session=take.session, data=consent, language="en")
        session_device_check(session=take.session, result={"camera": True, "microphone": True})
        uw.start_recording(take, 1)
        urls = [uw.upload(Client(), take, data, segment=n) for n, data in enumerate(segments)]
    reports = [
        ReportedRecording(id=Recording.objects.get(pk=url.rsplit("/", 1)[-1]).pk, duration_ms=5000)
        for url in urls
    ]
    with capture(execute=True):
        answer_finish(session=take.session, position=1, attempt=1, recordings=reports)
    answer = take.answer(1)
    assert answer.status == AnswerStatus.COMPLETE
    return answer


def check_done(
    run: AnalysisRun, words: tuple[str, ...] = ("customer", "contract")
) -> AnalysisResult:
    """The run is done with one result whose transcript holds `words`, a score and timings."""
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    result = AnalysisResult.objects.get(run=run)
    heard = result.transcript.lower()
    assert all(w in heard for w in words), result.transcript
    assert result.total is not None and 0 <= result.total <= 10 and result.level
    assert result.segments and result.segments[0]["end"] > result.segments[0]["start"]
    assert run.timings["total"] > 0 and run.model_name.startswith("whisper-")
    return result
