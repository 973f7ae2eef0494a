"""The analysis run on a real recorded answer: real tus upload, real tasks, real Whisper."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.utils import timezone

from mianshi.accounts.roles import Role
from mianshi.analysis.models import AnalysisResult, AnalysisRun, RunStatus
from mianshi.analysis.selectors import interview_scores
from mianshi.analysis.services import (
    MAX_CLAIMS,
    analysis_enqueue,
    analysis_maintain,
    analysis_run,
)
from mianshi.compliance.models import AuditEvent
from mianshi.interviews.models import Answer, AnswerStatus, InterviewSession, Recording
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

pytestmark = pytest.mark.usefixtures("upload_env", "whisper_models")


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


@pytest.fixture
def world(org: Any, make_user: Any) -> uw.World:
    return english_world(org, make_user)


@pytest.fixture
def unanalysed(
    world: uw.World, spoken_webm: bytes, django_capture_on_commit_callbacks: Any
) -> Answer:
    """A recorded, verified answer of a candidate who refused AI analysis: nothing ran yet."""
    return answered(world, django_capture_on_commit_callbacks, spoken_webm, ai=False)


def answered(
    world: uw.World, capture: Any, data: bytes, *, ai: bool = True, biometric: bool = True
) -> Answer:
    """A candidate records `data` for question 1 and finishes it (tasks run on commit)."""
    take = uw.invite(world)
    consent = ConsentInput(
        recording=True, ai_analysis=ai, biometric=biometric, notice_version=NOTICE_VERSION
    )
    with capture(execute=True):
        session_consent(session=take.session, data=consent, language="en")
        session_device_check(session=take.session, result={"camera": True, "microphone": True})
        uw.start_recording(take, 1)
        url = uw.upload(Client(), take, data)
    recording = Recording.objects.get(pk=url.rsplit("/", 1)[-1])
    report = ReportedRecording(id=recording.pk, duration_ms=5000)
    with capture(execute=True):
        answer_finish(session=take.session, position=1, attempt=1, recordings=[report])
    answer = take.answer(1)
    assert answer.status == AnswerStatus.COMPLETE
    return answer


def check_done(run: AnalysisRun) -> AnalysisResult:
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    result = AnalysisResult.objects.get(run=run)
    words = result.transcript.lower()
    assert "customer" in words and "contract" in words, result.transcript
    assert result.total is not None and 0 <= result.total <= 10 and result.level
    assert result.segments and result.segments[0]["end"] > result.segments[0]["start"]
    assert run.timings["total"] > 0 and run.model_name.startswith("whisper-")
    return result


@pytest.mark.django_db
def test_a_quality_checked_answer_is_analysed(
    org: Any, make_user: Any, spoken_webm: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    world = english_world(org, make_user)
    answer = answered(world, django_capture_on_commit_callbacks, spoken_webm)
    run = AnalysisRun.objects.get(answer=answer)
    result = check_done(run)
    assert result.language == "en" and result.speech["answer_units"] >= 10
    assert result.video["frames_analysed"] > 0 and result.score["dimensions"]
    scores = interview_scores(InterviewSession.objects.get(pk=answer.session_id))
    assert {d["code"] for d in scores["dimensions"]} == {
        d["name"] for d in result.score["dimensions"]
    }
    assert scores["total"] is not None and 0 <= scores["total"] <= 10


@pytest.mark.django_db
def test_without_ai_consent_the_answer_is_skipped(unanalysed: Answer) -> None:
    answer = unanalysed
    run = AnalysisRun.objects.get(answer=answer)
    assert run.status == RunStatus.SKIPPED and "AI" in run.error
    assert not AnalysisResult.objects.exists()


@pytest.mark.django_db
def test_hr_without_the_capability_cannot_rerun(
    org: Any, make_user: Any, spoken_webm: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    world = english_world(org, make_user)
    answer = answered(world, django_capture_on_commit_callbacks, spoken_webm, ai=False)
    outsider = make_user("hr_elsewhere", Role.HR, org.sz)
    with pytest.raises(PermissionDenied):
        analysis_enqueue(answer=answer, actor=outsider, reason="re-run")
    assert AnalysisRun.objects.filter(answer=answer).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        rerun = analysis_enqueue(answer=answer, actor=world.hr, reason="re-run")
    runs = AnalysisRun.objects.filter(answer=answer)
    assert runs.count() == 2 and list(runs.filter(is_current=True)) == [rerun]
    assert AuditEvent.objects.filter(action="analysis.enqueue", object_id=str(rerun.pk)).exists()


@pytest.mark.django_db
def test_without_biometric_consent_no_face_is_searched(
    org: Any, make_user: Any, spoken_webm: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    world = english_world(org, make_user)
    capture = django_capture_on_commit_callbacks
    answer = answered(world, capture, spoken_webm, biometric=False)
    run = AnalysisRun.objects.get(answer=answer)
    result = check_done(run)
    assert not run.face_analysis and result.video["face_present_ratio"] == 0
    assert result.video["frames_analysed"] > 0  # lighting and sharpness are still measured


@pytest.mark.django_db(transaction=True)
def test_the_same_run_twice_concurrently_gives_one_result(unanalysed: Answer) -> None:
    answer = unanalysed
    run = AnalysisRun.objects.create(answer=answer, attempt=answer.attempt)
    outcomes: list[str] = []

    def work() -> None:
        try:
            outcomes.append(analysis_run(run_id=run.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert sorted(outcomes) == ["done", "not_claimed"]
    assert AnalysisResult.objects.filter(run=run).count() == 1
    check_done(run)


@pytest.mark.django_db
def test_a_corrupt_recording_fails_readably_and_flags(unanalysed: Answer) -> None:
    answer = unanalysed
    recording = Recording.objects.get(answer=answer)
    Path(default_storage.path(recording.storage_path)).write_bytes(b"\x00garbage" * 500)
    run = AnalysisRun.objects.create(answer=answer, attempt=answer.attempt)
    assert analysis_run(run_id=run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.finished_at
    assert run.error == "无法读取录像。"  # readable, in the primary UI language
    session = InterviewSession.objects.get(pk=answer.session_id)
    assert session.flagged and "1" in session.flag_reason
    assert not AnalysisResult.objects.exists()


@pytest.mark.django_db
def test_a_stale_running_claim_is_requeued_and_completes(
    unanalysed: Answer, django_capture_on_commit_callbacks: Any
) -> None:
    answer = unanalysed
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    run = AnalysisRun.objects.create(answer=answer, attempt=answer.attempt)
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, claimed_at=an_hour_ago, queued_at=an_hour_ago
    )
    fresh = AnalysisRun.objects.create(answer=answer, attempt=answer.attempt)
    with django_capture_on_commit_callbacks(execute=True):
        counts = analysis_maintain()
    assert counts == {"returned": 1, "requeued": 1, "given_up": 0}
    check_done(run)
    assert AnalysisRun.objects.get(pk=fresh.pk).status == RunStatus.QUEUED  # not stale yet


@pytest.mark.django_db
def test_a_run_that_keeps_crashing_is_given_up(
    unanalysed: Answer, django_capture_on_commit_callbacks: Any
) -> None:
    answer = unanalysed
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    run = AnalysisRun.objects.create(answer=answer, attempt=answer.attempt)
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, claimed_at=an_hour_ago, claims=MAX_CLAIMS
    )
    with django_capture_on_commit_callbacks(execute=True):
        counts = analysis_maintain()
    assert counts == {"returned": 0, "requeued": 0, "given_up": 1}
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "人工" in run.error


@pytest.mark.django_db
def test_interview_scores_weigh_dimensions_by_the_model(unanalysed: Answer) -> None:
    answer = unanalysed
    version = answer.template_question.version
    version.model_snapshot = {"dimensions": [
        {"code": "communication", "weight": "3", "children": []},
        {"code": "customer_focus", "weight": "1", "children": []},
    ]}  # fmt: skip
    version.save(update_fields=["model_snapshot"])
    for score_c, score_f, current in ((8.0, 4.0, True), (0.0, 0.0, False)):
        run = AnalysisRun.objects.create(
            answer=answer, attempt=1, status=RunStatus.DONE, is_current=current
        )
        dims = [
            {"name": "communication", "score": score_c},
            {"name": "customer_focus", "score": score_f},
        ]
        AnalysisResult.objects.create(run=run, score={"dimensions": dims})
    scores = interview_scores(InterviewSession.objects.get(pk=answer.session_id))
    assert scores["dimensions"] == [
        {"code": "communication", "score": 8.0, "weight": 0.75, "answers": 1},
        {"code": "customer_focus", "score": 4.0, "weight": 0.25, "answers": 1},
    ]
    assert scores["total"] == 7.0  # the superseded run counts for nothing
