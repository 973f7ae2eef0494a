"""The ratings API (/api/reviews/interviews/{id}/score, /ratings, /rating): happy paths
and the ugly ones — bad bodies, a final rating, scopes, other branches, auditors."""

from __future__ import annotations

from typing import Any

import pytest

from mianshi.accounts.roles import Role
from mianshi.interviews.models import InterviewSession
from mianshi.reviews.models import Rating
from mianshi.reviews.tests.factories import ReviewWorld, analysed_interview

SIX = {"communication": 6, "customer_focus": 6, "problem_solving": 6}


@pytest.fixture
def session(world: ReviewWorld) -> InterviewSession:
    return analysed_interview(
        world, scores={"communication": 9.0, "customer_focus": 5.0, "problem_solving": 5.0}
    )


def url(session: InterviewSession, what: str) -> str:
    return f"/reviews/interviews/{session.pk}/{what}"


def test_score_reads_the_aggregate_with_flags_in_words(
    world: ReviewWorld, session: Any, api_for: Any
) -> None:
    response = api_for(world.manager).get(url(session, "score"))
    assert response.status_code == 200
    body = response.json()
    assert body["session_id"] == session.pk and body["policy"] == "average"
    assert body["ai_total"] == pytest.approx(6.2)  # .3×9 + .3×5 + .4×5
    assert body["final_total"] == pytest.approx(6.2) and body["provisional"] is True
    assert body["note"].startswith("Provisional")
    assert [d["code"] for d in body["ai_dimensions"]] == [
        "communication", "customer_focus", "problem_solving"
    ]  # fmt: skip
    assert body["anomalies"] == [
        {"code": "dimension_outlier", "dimension": "communication", "value": 4.0,
         "text": "沟通能力 is far from the other dimensions."}
    ]  # fmt: skip
    assert body["needs_review"] is True and body["raters"] == 0


def test_put_draft_then_submit_then_refused(world: ReviewWorld, session: Any, api_for: Any) -> None:
    api = api_for(world.hr)
    draft = api.put(url(session, "rating"), {"scores": {"communication": 8}, "comment": "好"})
    assert draft.status_code == 200, draft.content
    assert draft.json()["status"] == "draft" and draft.json()["scores"] == [
        {"code": "communication", "score": 8, "ai_score": 9.0, "override_reason": ""}
    ]
    body = {"scores": {**SIX, "communication": 3}, "submit": True}
    refused = api.put(url(session, "rating"), body)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["reason_communication"]
    body["reasons"] = {"communication": "举例空泛，没有结果"}
    done = api.put(url(session, "rating"), body)
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    assert done.json()["total"] == pytest.approx(5.1)  # .3×3 + .3×6 + .4×6
    assert done.json()["rater"] == "hr_review"
    again = api.put(url(session, "rating"), {"scores": SIX})
    assert again.status_code == 422 and "already submitted" in again.json()["detail"][0]["msg"]
    score = api.get(url(session, "score")).json()
    assert (score["raters"], score["human_total"]) == (1, 5.1)
    assert [r["status"] for r in api.get(url(session, "ratings")).json()] == ["submitted"]


def test_ratings_hidden_from_a_rater_who_has_not_submitted(
    world: ReviewWorld, session: Any, api_for: Any
) -> None:
    reasons = {"communication": "倾听到位，但表达一般"}
    body = {"scores": {**SIX, "communication": 6}, "reasons": reasons, "submit": True}
    assert api_for(world.hr).put(url(session, "rating"), body).status_code == 200
    manager = api_for(world.manager)
    assert manager.get(url(session, "ratings")).json() == []
    manager.put(url(session, "rating"), {"scores": SIX, "reasons": reasons, "submit": True})
    assert [r["rater"] for r in manager.get(url(session, "ratings")).json()] == [
        "hr_review", "mgr_review"
    ]  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        {"scores": {"communication": "eight"}},
        {"scores": {"communication": 5.5}},
        {"scores": ["communication"]},
        {"comment": "长" * 4001},
        {"submit": "maybe"},
    ],
)
def test_malformed_bodies_are_422(
    world: ReviewWorld, session: Any, api_for: Any, body: dict[str, Any]
) -> None:
    response = api_for(world.hr).put(url(session, "rating"), body)
    assert response.status_code == 422
    assert not Rating.objects.exists()


def test_out_of_range_and_unknown_scores_are_422(
    world: ReviewWorld, session: Any, api_for: Any
) -> None:
    response = api_for(world.hr).put(
        url(session, "rating"), {"scores": {"communication": 11, "leadership": 5}}
    )
    assert response.status_code == 422
    locs = sorted(d["loc"][0] for d in response.json()["detail"])
    assert locs == ["score_communication", "score_leadership"]


def test_other_branch_auditor_and_unassigned_interviewer_get_404(
    world: ReviewWorld, session: Any, api_for: Any, org: Any, make_user: Any
) -> None:
    outsiders = [
        make_user("sz_hr_api", Role.HR, org.sz),
        make_user("auditor_api", Role.AUDITOR, org.hq),
        world.interviewer,
    ]
    for user in outsiders:
        api = api_for(user)
        assert api.get(url(session, "score")).status_code == 404
        assert api.get(url(session, "ratings")).status_code == 404
        assert api.put(url(session, "rating"), {"scores": SIX}).status_code == 404
    assert api_for(world.hr).get("/reviews/interviews/999999/score").status_code == 404
    assert not Rating.objects.exists()


def test_scopes_are_required(world: ReviewWorld, session: Any, api_for: Any) -> None:
    reader = api_for(world.hr, scopes=["candidates:read"])
    assert reader.get(url(session, "score")).status_code == 200
    assert reader.put(url(session, "rating"), {"scores": SIX}).status_code == 403
    jobs_only = api_for(world.hr, scopes=["jobs:read"])
    assert jobs_only.get(url(session, "ratings")).status_code == 403
    assert not Rating.objects.exists()


def test_score_before_any_refresh_is_empty(world: ReviewWorld, session: Any, api_for: Any) -> None:
    session.score.delete()
    body = api_for(world.hr).get(url(session, "score")).json()
    assert (body["final_total"], body["anomalies"], body["updated_at"]) == (None, [], None)
    assert body["note"] == "No final score yet."


def test_decline_then_the_others_are_listed(world: ReviewWorld, session: Any, api_for: Any) -> None:
    body = {"scores": {**SIX, "communication": 8}, "submit": True}
    assert api_for(world.manager).put(url(session, "rating"), body).status_code == 200
    hr = api_for(world.hr)
    assert hr.get(url(session, "ratings")).json() == []
    short = hr.post(url(session, "rating/decline"), {"reason": "短"})
    assert short.status_code == 422 and short.json()["detail"][0]["loc"] == ["decline_reason"]
    response = hr.post(url(session, "rating/decline"), {"reason": "与候选人相识"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "declined" and response.json()["scores"] == []
    assert [r["status"] for r in hr.get(url(session, "ratings")).json()] == ["submitted"]
    again = hr.put(url(session, "rating"), {"scores": SIX})
    assert again.status_code == 422 and "chose not to rate" in again.json()["detail"][0]["msg"]
    stranger = api_for(world.interviewer)  # not assigned to this application
    assert (
        stranger.post(url(session, "rating/decline"), {"reason": "不参与评分"}).status_code == 404
    )
