"""The analysis run on a real recorded answer: real tus upload, real tasks, real Whisper."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mianshi.accounts.roles import Role
from mianshi.analysis.models import AnalysisResult, AnalysisRun, RunStatus
from mianshi.analysis.selectors import interview_scores
from mianshi.analysis.services import MAX_CLAIMS, analysis_enqueue, analysis_maintain
from mianshi.analysis.tests.world import answered, check_done, english_world
from mianshi.compliance.models import AuditEvent
from mianshi.interviews.models import Answer, InterviewSession, Recording
from mianshi.interviews.tests import upload_world as uw

pytestmark = pytest.mark.usefixtures("upload_env", "whisper_models")


@pytest.mark.django_db
def test_a_quality_checked_answer_is_analysed(
    org: Any, make_user: Any, spoken_webm: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    world = english_world(org, make_user)
    answer = answered(world, django_capture_on_commit_callbacks, [spoken_webm])
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
def test_an_answer_cut_by_a_reload_is_analysed_as_one(
    world: uw.World, spoken_halves: list[bytes], django_capture_on_commit_callbacks: Any
) -> None:
    answer = answered(world, django_capture_on_commit_callbacks, spoken_halves)
    run = AnalysisRun.objects.get(answer=answer)
    # "customer" is said in the first recording only, "contract" in the second only.
    result = check_done(run, words=("customer", "complaints", "agreed", "contract"))
    recordings = Recording.objects.filter(answer=answer).order_by("segment")
    first, second = ((r.duration_ms or 0) / 1000 for r in recordings)
    starts = [s["start"] for s in result.segments]
    assert starts == sorted(starts) and starts[0] < first <= starts[-1]
    spoken_late = next(s for s in result.segments if "contract" in s["text"].lower())
    assert spoken_late["start"] >= first  # on the answer's timeline, after the first part
    assert result.quality["duration_s"] == pytest.approx(first + second, abs=0.1)
    # The audio track of each clip ends 0.3 s before its picture (see spoken_video).
    assert result.speech["duration_s"] == pytest.approx(first + second - 0.6, abs=0.2)
    assert run.timings["segments"] == 2 and len(result.score["dimensions"]) >= 1


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
    answer = answered(world, django_capture_on_commit_callbacks, [spoken_webm], ai=False)
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
    answer = answered(world, capture, [spoken_webm], biometric=False)
    run = AnalysisRun.objects.get(answer=answer)
    result = check_done(run)
    assert not run.face_analysis and result.video["face_present_ratio"] == 0
    assert result.video["frames_analysed"] > 0  # lighting and sharpness are still measured


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
