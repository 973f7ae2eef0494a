"""Human ratings (F-71): who may rate, drafts and submission, the override-reason rule, the
rating form built from the competency model, and ratings hidden until one's own is in."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mianshi.accounts.roles import Role
from mianshi.analysis.models import AnalysisResult
from mianshi.candidates.services import application_assign
from mianshi.compliance.models import AuditEvent
from mianshi.interviews.models import InterviewSession, SessionState
from mianshi.reviews.models import InterviewScore, Rating, RatingScore, RatingStatus
from mianshi.reviews.selectors.scores import can_rate, rating_form, ratings_visible
from mianshi.reviews.services.ratings import rating_decline, rating_save
from mianshi.reviews.tests.factories import ReviewWorld, analysed_interview

ALL_SIX = {"communication": 6, "customer_focus": 6, "problem_solving": 6}


@pytest.fixture
def session(world: ReviewWorld) -> InterviewSession:
    return analysed_interview(world)  # the AI gave 6.0 on every dimension


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- drafts, submission, finality ------------------------------------------------------------


def test_a_partial_draft_is_saved_and_not_counted(world: ReviewWorld, session: Any) -> None:
    rating = rating_save(
        actor=world.hr, session=session, scores={"communication": 7}, reasons={},
        comment="  听得很认真  ",
    )  # fmt: skip
    assert rating.status == RatingStatus.DRAFT and rating.submitted_at is None
    assert rating.comment == "听得很认真" and rating.total == 7.0
    assert [(s.code, s.score, s.ai_score) for s in rating.scores.all()] == [
        ("communication", 7, 6.0)
    ]
    score = InterviewScore.objects.get(session=session)
    assert (score.raters, score.human_total) == (0, None)  # drafts never count
    # A second draft replaces the first: a cleared dimension goes away.
    again = rating_save(
        actor=world.hr, session=session, scores={"communication": None, "problem_solving": 5},
        reasons={},
    )  # fmt: skip
    assert again.pk == rating.pk
    assert list(again.scores.values_list("code", "score")) == [("problem_solving", 5)]
    assert AuditEvent.objects.filter(action="rating.save").count() == 2


def test_submit_needs_every_dimension_and_saves_nothing_otherwise(
    world: ReviewWorld, session: Any
) -> None:
    with pytest.raises(ValidationError) as exc:
        rating_save(
            actor=world.hr, session=session, scores={"communication": 7}, reasons={}, submit=True
        )
    assert set(errors_of(exc)) == {"score_customer_focus", "score_problem_solving"}
    assert "Rate every dimension" in errors_of(exc)["score_problem_solving"][0]
    assert not Rating.objects.exists() and not RatingScore.objects.exists()


def test_submit_weights_by_the_model_and_refreshes(world: ReviewWorld, session: Any) -> None:
    rating = rating_save(
        actor=world.hr, session=session, reasons={},
        scores={"communication": 8, "customer_focus": 6, "problem_solving": 7}, submit=True,
    )  # fmt: skip
    assert rating.status == RatingStatus.SUBMITTED and rating.submitted_at
    assert rating.total == pytest.approx(7.0)  # .3×8 + .3×6 + .4×7
    score = InterviewScore.objects.get(session=session)
    assert (score.raters, score.human_total, score.final_total) == (1, 7.0, 6.5)
    event = AuditEvent.objects.get(action="rating.submit")
    assert event.actor == world.hr and event.detail["overrides"] == 0


def test_a_submitted_rating_is_final(world: ReviewWorld, session: Any) -> None:
    rating_save(actor=world.hr, session=session, scores=ALL_SIX, reasons={}, submit=True)
    for submit in (False, True):
        with pytest.raises(ValidationError) as exc:
            rating_save(
                actor=world.hr, session=session, scores={**ALL_SIX, "communication": 7},
                reasons={}, submit=submit,
            )  # fmt: skip
        assert "already submitted" in exc.value.messages[0]
    assert RatingScore.objects.get(code="communication").score == 6


# --- the override rule -----------------------------------------------------------------------


def test_an_override_needs_a_reason(world: ReviewWorld, session: Any) -> None:
    scores = {**ALL_SIX, "communication": 9, "problem_solving": 3}
    for reasons in ({}, {"communication": "   太好  ", "problem_solving": "no"}):
        with pytest.raises(ValidationError) as exc:
            rating_save(actor=world.hr, session=session, scores=scores, reasons=reasons)
        assert set(errors_of(exc)) == {"reason_communication", "reason_problem_solving"}
        assert "(6.0)" in errors_of(exc)["reason_communication"][0]
    assert not Rating.objects.exists()


def test_an_override_with_a_reason_is_kept(world: ReviewWorld, session: Any) -> None:
    reasons = {"communication": "回答里有三个具体数据，AI 低估了"}
    rating = rating_save(
        actor=world.hr, session=session, scores={**ALL_SIX, "communication": 10},
        reasons=reasons, submit=True,
    )  # fmt: skip
    kept = rating.scores.get(code="communication")
    assert (kept.score, kept.ai_score, kept.override_reason) == (10, 6.0, reasons["communication"])
    event = AuditEvent.objects.get(action="rating.submit")
    assert (event.detail["overrides"], event.detail["overridden"]) == (1, "communication")


def test_two_points_from_the_ai_is_no_override(world: ReviewWorld, session: Any) -> None:
    scores = {"communication": 8, "customer_focus": 4, "problem_solving": 6}
    rating = rating_save(actor=world.hr, session=session, scores=scores, reasons={}, submit=True)
    assert rating.status == RatingStatus.SUBMITTED


def test_no_ai_score_means_no_reason_needed(world: ReviewWorld) -> None:
    session = analysed_interview(world, "王五", analysed=False)
    scores = {"communication": 10, "customer_focus": 1, "problem_solving": 10}
    rating = rating_save(actor=world.hr, session=session, scores=scores, reasons={}, submit=True)
    assert {s.ai_score for s in rating.scores.all()} == {None}


def test_bad_scores_are_refused_readably(world: ReviewWorld, session: Any) -> None:
    for bad in (0, 11, -3, "x", 5.5, True, [7], "7.5", {"n": 1}):
        with pytest.raises(ValidationError) as exc:
            rating_save(actor=world.hr, session=session, scores={"communication": bad}, reasons={})
        assert errors_of(exc) == {"score_communication": ["Give a whole number from 1 to 10."]}
    assert not Rating.objects.exists()


def test_numeric_strings_are_accepted(world: ReviewWorld, session: Any) -> None:
    rating = rating_save(
        actor=world.hr, session=session, scores={"communication": " 7 ", "problem_solving": ""},
        reasons={},
    )  # fmt: skip
    assert list(rating.scores.values_list("code", "score")) == [("communication", 7)]


def test_unknown_dimension_and_long_texts(world: ReviewWorld, session: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        rating_save(
            actor=world.hr, session=session, scores={"leadership": 5, "communication": 6},
            reasons={"communication": "因" * 501}, comment="长" * 4001,
        )  # fmt: skip
    assert set(errors_of(exc)) == {"score_leadership", "reason_communication", "comment"}


# --- who may rate ----------------------------------------------------------------------------


def test_auditor_and_other_branch_may_not_rate(
    world: ReviewWorld, session: Any, org: Any, make_user: Any
) -> None:
    auditor = make_user("auditor_r", Role.AUDITOR, org.sh)
    sz_hr = make_user("sz_hr_r", Role.HR, org.sz)
    for user in (auditor, sz_hr, world.interviewer):  # the interviewer is not assigned
        assert not can_rate(user=user, session=session)
        with pytest.raises(PermissionDenied):
            rating_save(actor=user, session=session, scores=ALL_SIX, reasons={})
    assert not Rating.objects.exists()


def test_assigned_interviewer_and_manager_may_rate(world: ReviewWorld, session: Any) -> None:
    application_assign(
        actor=world.hr, application=session.application, interviewer=world.interviewer
    )
    for user in (world.interviewer, world.manager, world.hr):
        assert can_rate(user=user, session=session)
        rating_save(actor=user, session=session, scores=ALL_SIX, reasons={}, submit=True)
    assert InterviewScore.objects.get(session=session).raters == 3


def test_an_unfinished_interview_cannot_be_rated(world: ReviewWorld, session: Any) -> None:
    InterviewSession.objects.filter(pk=session.pk).update(state=SessionState.ANSWERING)
    session.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        rating_save(actor=world.hr, session=session, scores=ALL_SIX, reasons={})
    assert "not finished" in exc.value.messages[0]


# --- hidden until one's own is submitted -----------------------------------------------------


def test_ratings_hidden_until_own_submitted(world: ReviewWorld, session: Any) -> None:
    application_assign(
        actor=world.hr, application=session.application, interviewer=world.interviewer
    )
    hr_rating = rating_save(
        actor=world.hr, session=session, scores=ALL_SIX, reasons={}, submit=True
    )
    assert ratings_visible(user=world.hr, session=session) == [hr_rating]
    draft = rating_save(
        actor=world.interviewer, session=session, scores={"communication": 7}, reasons={}
    )
    # The interviewer sees only their own draft; HR never sees someone's draft.
    assert ratings_visible(user=world.interviewer, session=session) == [draft]
    assert ratings_visible(user=world.hr, session=session) == [hr_rating]
    done = rating_save(
        actor=world.interviewer, session=session, scores=ALL_SIX, reasons={}, submit=True
    )
    assert ratings_visible(user=world.interviewer, session=session) == [hr_rating, done]
    assert ratings_visible(user=world.hr, session=session) == [hr_rating, done]
    # A manager who has not rated reads only the aggregate.
    assert ratings_visible(user=world.manager, session=session) == []
    assert InterviewScore.objects.get(session=session).raters == 2


# --- the rating form -------------------------------------------------------------------------


def test_the_form_follows_the_model_and_the_questions(world: ReviewWorld, session: Any) -> None:
    rating_save(
        actor=world.hr, session=session, scores={"communication": 9},
        reasons={"communication": "具体、有数据"},
    )  # fmt: skip
    form = rating_form(user=world.hr, session=session)
    assert [d.name for d in form] == ["沟通能力", "问题解决", "客户导向"]
    assert [d.code for d in form] == ["communication", "problem_solving", "customer_focus"]
    comm, solving, _focus = form
    assert (comm.own_score, comm.own_reason, comm.ai_score) == (9, "具体、有数据", 6.0)
    assert (solving.own_score, solving.own_reason) == (None, "")
    assert comm.rubric[0] == "Question 1, level 3: 完整的关键行为事件：情境、行动、结果俱全"
    assert all(line.startswith("Question 2") for line in solving.rubric)
    # Evidence 7.5–12.0 s padded by 3 s and clamped at the answer's 12 s.
    answers = {s["position"]: s for s in comm.suggested}
    assert list(answers) == [1] and (answers[1]["start"], answers[1]["end"]) == (4.5, 12.0)
    assert [s["position"] for s in solving.suggested] == [2]


def test_suggested_moments_merge_and_fall_back(world: ReviewWorld, session: Any) -> None:
    result = AnalysisResult.objects.get(run__answer__session=session, run__answer__position=1)
    dims = result.score["dimensions"]
    dims[0]["evidence"] = [
        {"quote": "a", "element": "action", "start": 1.0, "end": 2.0},
        {"quote": "b", "element": "result", "start": 6.0, "end": 7.0},  # overlaps once padded
        {"quote": "c", "element": "number", "start": None, "end": None},  # no time: ignored
    ]
    dims[1]["evidence"] = []
    result.save()
    form = {d.code: d for d in rating_form(user=world.hr, session=session)}
    spans = [(s["start"], s["end"]) for s in form["communication"].suggested]
    assert spans == [(0.0, 10.0)]
    whole = form["customer_focus"].suggested
    assert [(s["position"], s["start"], s["end"]) for s in whole] == [(1, 0.0, 12.0)]


# --- not rating (回避, or deciding without rating) -------------------------------------------


def test_declining_drops_the_draft_shows_the_others_and_is_final(
    world: ReviewWorld, session: Any
) -> None:
    other = rating_save(
        actor=world.manager, session=session, scores=ALL_SIX, reasons={}, submit=True
    )
    rating_save(actor=world.hr, session=session, scores={"communication": 8}, reasons={})
    assert ratings_visible(user=world.hr, session=session)[0].status == RatingStatus.DRAFT
    declined = rating_decline(actor=world.hr, session=session, reason="我认识这位候选人")
    assert (declined.status, declined.total, declined.comment) == (
        RatingStatus.DECLINED,
        None,
        "我认识这位候选人",
    )
    assert not RatingScore.objects.filter(rating=declined).exists()
    assert ratings_visible(user=world.hr, session=session) == [other]
    assert InterviewScore.objects.get(session=session).raters == 1  # nothing of HR's counts
    assert AuditEvent.objects.filter(action="rating.decline", object_id=str(declined.pk)).exists()
    with pytest.raises(ValidationError, match="chose not to rate"):
        rating_save(actor=world.hr, session=session, scores=ALL_SIX, reasons={}, submit=True)
    with pytest.raises(ValidationError, match="chose not to rate"):
        rating_decline(actor=world.hr, session=session, reason="再说一次理由")


def test_declining_needs_a_reason_the_right_and_no_submitted_rating(
    world: ReviewWorld, session: Any
) -> None:
    for reason in ("", "  短  ", "x" * 501):
        with pytest.raises(ValidationError) as exc:
            rating_decline(actor=world.hr, session=session, reason=reason)
        assert list(errors_of(exc)) == ["decline_reason"]
    assert not Rating.objects.filter(session=session).exists()  # nothing half-saved
    with pytest.raises(PermissionDenied):
        rating_decline(
            actor=world.interviewer, session=session, reason="不参与本场评分"
        )  # unassigned
    rating_save(actor=world.hr, session=session, scores=ALL_SIX, reasons={}, submit=True)
    with pytest.raises(ValidationError, match="already submitted"):
        rating_decline(actor=world.hr, session=session, reason="不参与本场评分")
    assert Rating.objects.get(session=session, rater=world.hr).status == RatingStatus.SUBMITTED
