"""The interview's combined score: AI and human per dimension, the final score by the job's
policy, the F-66 anomaly flags (each shown present and absent), the application's overall
score and stage, idempotent and concurrency-safe refresh."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from mianshi.analysis.models import AnalysisResult, AnalysisRun, RunStatus
from mianshi.candidates.models import ApplicationTransition
from mianshi.candidates.pipeline import Stage
from mianshi.interviews.models import Answer, EventKind, InterviewSession, QualityStatus
from mianshi.interviews.models import SessionEvent as Event
from mianshi.jobs.models import ScorePolicy
from mianshi.reviews.models import InterviewScore
from mianshi.reviews.selectors.scores import anomaly_text, final_note, is_provisional
from mianshi.reviews.services.ratings import rating_save
from mianshi.reviews.services.scores import final_score, session_scores_refresh
from mianshi.reviews.tests.factories import ReviewWorld, analyse, analysed_interview, review_world

SIX = {"communication": 6.0, "customer_focus": 6.0, "problem_solving": 6.0}


def world_with(org: Any, make_user: Any, policy: str = ScorePolicy.AVERAGE) -> ReviewWorld:
    return review_world(org, make_user, policy=policy)


def rate(user: Any, session: InterviewSession, value: int, **extra: int) -> None:
    scores = {"communication": value, "customer_focus": value, "problem_solving": value}
    scores.update(extra)
    reasons = {code: "the answer shows otherwise" for code in scores}
    rating_save(actor=user, session=session, scores=scores, reasons=reasons, submit=True)


def score_of(session: InterviewSession) -> InterviewScore:
    return InterviewScore.objects.get(session=session)


def codes(score: InterviewScore) -> list[str]:
    return [flag["code"] for flag in score.anomalies]


# --- AI, human and final by policy -----------------------------------------------------------


def test_ai_dimensions_named_and_weighted_from_the_model(org: Any, make_user: Any) -> None:
    world = world_with(org, make_user)
    session = analysed_interview(
        world, scores={"communication": 8.0, "customer_focus": 6.0, "problem_solving": 5.0}
    )
    score = score_of(session)
    # Weights 30/30/40 (the model's): 8×.3 + 6×.3 + 5×.4 = 6.2
    assert score.ai_total == pytest.approx(6.2)
    by_code = {d["code"]: d for d in score.ai_dimensions}
    assert by_code["communication"]["name"] == "沟通能力"
    assert by_code["problem_solving"]["weight"] == pytest.approx(0.4)
    assert score.ai_confidence == pytest.approx(0.8)
    assert (score.answers_analysed, score.answers_pending) == (2, 0)
    assert score.policy == ScorePolicy.AVERAGE
    assert (score.human_total, score.raters, score.final_total) == (None, 0, 6.2)
    assert is_provisional(score) and "Provisional" in final_note(score)
    session.application.refresh_from_db()
    assert session.application.overall_score == Decimal("6.20")


def test_average_policy_means_ai_and_human(org: Any, make_user: Any) -> None:
    world = world_with(org, make_user)
    session = analysed_interview(world, scores=SIX)
    rate(world.hr, session, 8)
    rate(world.manager, session, 6, communication=10)
    score = score_of(session)
    # Human per dimension: communication (8+10)/2 = 9, the others 7 → .3×9+.3×7+.4×7 = 7.6
    human = {d["code"]: d["score"] for d in score.human_dimensions}
    assert human == {"communication": 9.0, "customer_focus": 7.0, "problem_solving": 7.0}
    assert (score.raters, score.human_total, score.ai_total) == (2, 7.6, 6.0)
    assert score.final_total == pytest.approx(6.8)  # (6.0 + 7.6) / 2
    assert not is_provisional(score)
    session.application.refresh_from_db()
    assert session.application.overall_score == Decimal("6.80")


def test_human_only_policy_ignores_the_ai(org: Any, make_user: Any) -> None:
    world = world_with(org, make_user, ScorePolicy.HUMAN_ONLY)
    session = analysed_interview(world, scores=SIX)
    before = score_of(session)
    assert before.ai_total == 6.0 and before.final_total is None
    assert "needs a human rating" in final_note(before)
    session.application.refresh_from_db()
    assert session.application.overall_score is None
    rate(world.hr, session, 8)
    after = score_of(session)
    assert (after.policy, after.final_total) == (ScorePolicy.HUMAN_ONLY, 8.0)
    assert final_note(after) == "Human ratings only."


def test_ai_second_opinion_final_is_human_with_ai_beside(org: Any, make_user: Any) -> None:
    world = world_with(org, make_user, ScorePolicy.AI_SECOND_OPINION)
    session = analysed_interview(world, scores=SIX)
    rate(world.hr, session, 9)
    score = score_of(session)
    assert (score.final_total, score.ai_total, score.human_total) == (9.0, 6.0, 9.0)
    assert "second opinion" in final_note(score)
    # 9 vs 6 is a disagreement, flagged on the total and on every dimension.
    flags = [f for f in score.anomalies if f["code"] == "ai_human_disagreement"]
    assert {f.get("dimension") for f in flags} == {
        None, "communication", "customer_focus", "problem_solving"
    }  # fmt: skip


def test_average_without_ai_uses_the_human_provisionally(org: Any, make_user: Any) -> None:
    world = world_with(org, make_user)
    session = analysed_interview(world, analysed=False)
    rate(world.hr, session, 7)
    score = score_of(session)
    assert (score.ai_total, score.human_total, score.final_total) == (None, 7.0, 7.0)
    assert is_provisional(score) and "until the AI analysis is done" in final_note(score)


@pytest.mark.parametrize(
    ("policy", "ai", "human", "final"),
    [
        (ScorePolicy.AVERAGE, 6.0, 8.0, 7.0),
        (ScorePolicy.AVERAGE, 6.0, None, 6.0),
        (ScorePolicy.AVERAGE, None, 8.0, 8.0),
        (ScorePolicy.AVERAGE, None, None, None),
        (ScorePolicy.HUMAN_ONLY, 6.0, None, None),
        (ScorePolicy.HUMAN_ONLY, 6.0, 8.5, 8.5),
        (ScorePolicy.AI_SECOND_OPINION, 9.0, None, None),
        (ScorePolicy.AI_SECOND_OPINION, 9.0, 4.0, 4.0),
    ],
)
def test_final_score_table(policy: str, ai: float, human: float, final: float) -> None:
    assert final_score(policy, ai, human) == final


# --- anomalies (F-66), each present and absent ----------------------------------------------


def test_a_plain_interview_has_no_anomaly(org: Any, make_user: Any) -> None:
    session = analysed_interview(world_with(org, make_user), scores=SIX)
    score = score_of(session)
    assert score.anomalies == [] and not score.needs_review


def test_dimension_outlier(org: Any, make_user: Any) -> None:
    world = world_with(org, make_user)
    far = analysed_interview(
        world, "甲", scores={"communication": 9.0, "customer_focus": 5.0, "problem_solving": 5.0}
    )
    near = analysed_interview(
        world, "乙", scores={"communication": 7.5, "customer_focus": 5.0, "problem_solving": 5.0}
    )
    flags = score_of(far).anomalies
    assert flags == [
        {"code": "dimension_outlier", "dimension": "communication", "name": "沟通能力",
         "value": 4.0}
    ]  # fmt: skip
    assert anomaly_text(flags[0]) == "沟通能力 is far from the other dimensions."
    assert score_of(far).needs_review
    assert score_of(near).anomalies == []  # 2.5 from the others' mean: within bounds


def test_no_outlier_with_two_dimensions(org: Any, make_user: Any) -> None:
    world = world_with(org, make_user)
    session = analysed_interview(world, scores=SIX)
    # Only the first question's answer analysed: two dimensions, far apart.
    AnalysisRun.objects.filter(answer__session=session, answer__position=2).update(
        status=RunStatus.FAILED
    )
    result = AnalysisResult.objects.get(run__answer__session=session, run__answer__position=1)
    result.score["dimensions"][0]["score"] = 10.0
    result.score["dimensions"][1]["score"] = 1.0
    result.save()
    score = session_scores_refresh(session_id=session.pk)
    assert score is not None and len(score.ai_dimensions) == 2
    assert "dimension_outlier" not in codes(score)
    assert codes(score) == ["analysis_failed"]


def test_low_confidence(org: Any, make_user: Any) -> None:
    world = world_with(org, make_user)
    unsure = score_of(analysed_interview(world, "甲", scores=SIX, confidence=0.4))
    sure = score_of(analysed_interview(world, "乙", scores=SIX, confidence=0.6))
    assert codes(unsure) == ["low_confidence"] and unsure.needs_review
    assert unsure.anomalies[0]["value"] == pytest.approx(0.4)
    assert "not confident" in anomaly_text(unsure.anomalies[0])
    assert codes(sure) == [] and not sure.needs_review


def test_low_confidence_when_a_result_asks_for_a_person(org: Any, make_user: Any) -> None:
    session = analysed_interview(world_with(org, make_user), scores=SIX, confidence=0.9)
    AnalysisResult.objects.filter(run__answer__session=session, run__answer__position=1).update(
        needs_human_review=True, review_reasons=["short_answer"]
    )
    score = session_scores_refresh(session_id=session.pk)
    assert score is not None and codes(score) == ["low_confidence"] and score.needs_review


def test_integrity_counts_result_signals_and_browser_events(org: Any, make_user: Any) -> None:
    session = analysed_interview(world_with(org, make_user), scores=SIX)
    answer = Answer.objects.get(session=session, position=1)
    for kind in (EventKind.TAB_HIDDEN, EventKind.PASTE, EventKind.MARK, EventKind.OFFLINE):
        Event.objects.create(session=session, answer=answer, kind=kind, offset_ms=1000)
    clean = session_scores_refresh(session_id=session.pk)
    assert clean is not None and codes(clean) == ["integrity"]
    assert clean.anomalies[0]["value"] == 2  # a mark or a lost network is no signal
    AnalysisResult.objects.filter(run__answer=answer).update(
        integrity=[{"code": "multiple_faces", "start": 2.0, "end": 4.0, "detail": ""}]
    )
    score = session_scores_refresh(session_id=session.pk)
    assert score is not None and score.anomalies == [{"code": "integrity", "value": 3}]
    assert anomaly_text(score.anomalies[0]).startswith("3 integrity signals")


def test_no_integrity_flag_for_marks_only(org: Any, make_user: Any) -> None:
    session = analysed_interview(world_with(org, make_user), scores=SIX)
    Event.objects.create(session=session, kind=EventKind.MARK, offset_ms=5)
    score = session_scores_refresh(session_id=session.pk)
    assert score is not None and score.anomalies == []


def test_ai_human_disagreement_on_total_and_dimension(org: Any, make_user: Any) -> None:
    world = world_with(org, make_user)
    agree = analysed_interview(world, "甲", scores=SIX)
    differ = analysed_interview(world, "乙", scores=SIX)
    rate(world.hr, agree, 8)  # 2 points: within bounds
    rate(world.hr, differ, 6, problem_solving=9)  # one dimension 3 points off, total 7.2
    assert score_of(agree).anomalies == []
    flags = score_of(differ).anomalies
    assert flags == [
        {"code": "ai_human_disagreement", "dimension": "problem_solving", "name": "问题解决",
         "value": 3.0}
    ]  # fmt: skip
    assert anomaly_text(flags[0]) == "The AI and the raters disagree on 问题解决."


def test_analysis_failed_and_skipped(org: Any, make_user: Any) -> None:
    world = world_with(org, make_user)
    session = analysed_interview(world, scores=SIX)
    assert "analysis_failed" not in codes(score_of(session))
    AnalysisRun.objects.filter(answer__session=session, answer__position=1).update(
        status=RunStatus.FAILED
    )
    AnalysisRun.objects.filter(answer__session=session, answer__position=2).update(
        status=RunStatus.SKIPPED
    )
    score = session_scores_refresh(session_id=session.pk)
    assert score is not None
    assert score.anomalies == [{"code": "analysis_failed", "value": 2}]
    assert (score.answers_analysed, score.answers_pending, score.ai_total) == (0, 0, None)


def test_recording_quality(org: Any, make_user: Any) -> None:
    session = analysed_interview(world_with(org, make_user), scores=SIX)
    Answer.objects.filter(session=session, position=2).update(quality_status=QualityStatus.WARN)
    score = session_scores_refresh(session_id=session.pk)
    assert score is not None and score.anomalies == [{"code": "quality", "value": 1}]
    assert anomaly_text(score.anomalies[0]) == "1 answers have recording quality problems."
    Answer.objects.filter(session=session).update(quality_status=QualityStatus.OK)
    cleared = session_scores_refresh(session_id=session.pk)
    assert cleared is not None and cleared.anomalies == [] and not cleared.needs_review


def test_unknown_flag_code_still_reads() -> None:
    with translation.override("en"):
        assert anomaly_text({"code": "new_kind"}) == "Unusual result: new_kind"


# --- pending answers, the stage, idempotence -------------------------------------------------


def test_pending_answers_keep_the_stage_until_all_analysed(org: Any, make_user: Any) -> None:
    world = world_with(org, make_user)
    session = analysed_interview(world, analysed=False)
    score = score_of(session)
    assert (score.answers_analysed, score.answers_pending, score.final_total) == (0, 2, None)
    first = Answer.objects.get(session=session, position=1)
    AnalysisRun.objects.create(answer=first, attempt=1, status=RunStatus.RUNNING)
    assert session_scores_refresh(session_id=session.pk).answers_pending == 2  # type: ignore[union-attr]
    session.application.refresh_from_db()
    assert session.application.stage == Stage.INTERVIEW_DONE
    AnalysisRun.objects.all().delete()
    analyse(session, SIX, 0.8)
    score = session_scores_refresh(session_id=session.pk)  # type: ignore[assignment]
    assert (score.answers_analysed, score.answers_pending) == (2, 0)
    session.application.refresh_from_db()
    assert session.application.stage == Stage.AI_SCORED
    move = ApplicationTransition.objects.filter(application=session.application).latest("id")
    assert (move.from_stage, move.to_stage, move.actor) == (
        Stage.INTERVIEW_DONE, Stage.AI_SCORED, None
    )  # fmt: skip
    assert move.reason


def test_failed_quality_is_not_pending(org: Any, make_user: Any) -> None:
    session = analysed_interview(world_with(org, make_user), analysed=False)
    Answer.objects.filter(session=session).update(quality_status=QualityStatus.FAIL)
    score = session_scores_refresh(session_id=session.pk)
    assert score is not None and score.answers_pending == 0
    session.application.refresh_from_db()
    assert session.application.stage == Stage.INTERVIEW_DONE  # nothing analysed: no move


def test_a_later_stage_is_left_alone(org: Any, make_user: Any) -> None:
    from mianshi.candidates.services import application_advance

    world = world_with(org, make_user)
    session = analysed_interview(world, scores=SIX)
    application_advance(actor=world.hr, application=session.application, to_stage=Stage.REJECTED)
    session_scores_refresh(session_id=session.pk)
    session.application.refresh_from_db()
    assert session.application.stage == Stage.REJECTED


def test_refresh_is_idempotent_and_cheap(org: Any, make_user: Any) -> None:
    session = analysed_interview(world_with(org, make_user), scores=SIX)
    first = score_of(session)
    with CaptureQueriesContext(connection) as ctx:
        again = session_scores_refresh(session_id=session.pk)
    # Savepoints are the test's transaction showing through; the work is 8 statements.
    work = [q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(work) <= 8, [q["sql"][:80] for q in work]
    assert again is not None and again.pk == first.pk
    assert InterviewScore.objects.filter(session=session).count() == 1
    assert (again.ai_total, again.anomalies) == (first.ai_total, first.anomalies)


def test_refresh_of_a_missing_session_is_none(db: Any) -> None:
    assert session_scores_refresh(session_id=987654) is None


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_make_one_row(org: Any, make_user: Any) -> None:
    session = analysed_interview(world_with(org, make_user), scores=SIX)
    InterviewScore.objects.all().delete()
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work() -> None:
        try:
            start.wait(timeout=10)
            session_scores_refresh(session_id=session.pk)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert InterviewScore.objects.filter(session=session).count() == 1
    assert score_of(session).ai_total == 6.0
