"""Review API: an interview's combined score, the ratings the caller may see, and the
caller's own rating (GET score, GET ratings, PUT rating, POST rating/decline). An interview
outside the caller's scope answers 404."""

from __future__ import annotations

from typing import Any

from ninja import Router

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.compliance.services import audit_read
from mianshi.reviews.models import InterviewScore
from mianshi.reviews.schemas_ratings import (
    InterviewScoreOut,
    RatingDeclineIn,
    RatingIn,
    RatingOut,
)
from mianshi.reviews.selectors import scores as sel
from mianshi.reviews.selectors.blind import score_hidden, visible_flags
from mianshi.reviews.services.ratings import rating_decline, rating_save

router = Router(tags=["reviews"])
READ, WRITE = "candidates:read", "candidates:write"


def _score_body(session_id: int, score: InterviewScore | None, *, hidden: bool) -> dict[str, Any]:
    row = score or InterviewScore(session_id=session_id)
    return {
        "session_id": session_id, "policy": row.policy, "ai_total": row.ai_total,
        "ai_confidence": row.ai_confidence, "ai_dimensions": row.ai_dimensions,
        "answers_analysed": row.answers_analysed, "answers_pending": row.answers_pending,
        "human_total": None if hidden else row.human_total,
        "human_dimensions": [] if hidden else row.human_dimensions,
        "raters": row.raters, "final_total": None if hidden else row.final_total,
        "human_hidden": hidden, "provisional": sel.is_provisional(score),
        "note": sel.final_note(score), "needs_review": row.needs_review,
        "updated_at": row.updated_at,
        "anomalies": [
            {**f, "text": sel.anomaly_text(f)} for f in visible_flags(row.anomalies, hidden=hidden)
        ],
    }  # fmt: skip


@router.get("/interviews/{int:session_id}/score", response=InterviewScoreOut)
def get_score(request: ApiRequest, session_id: int) -> Any:
    require_scope(request, READ)
    session = sel.session_for_user(user=request.user, session_id=session_id)
    score = sel.interview_score(session=session)
    hidden = score_hidden(user=request.user, session=session, score=score)
    detail = {"page": "score"}
    audit_read(actor=request.user, action="interview_session.view", obj=session, detail=detail)
    return _score_body(session.pk, score, hidden=hidden)


@router.get("/interviews/{int:session_id}/ratings", response=list[RatingOut])
def list_ratings(request: ApiRequest, session_id: int) -> Any:
    require_scope(request, READ)
    session = sel.session_for_user(user=request.user, session_id=session_id)
    ratings = sel.ratings_visible(user=request.user, session=session)
    ids = [r.pk for r in ratings]
    audit_read(actor=request.user, action="rating.list", obj=session, ids=ids)
    return ratings


@router.put("/interviews/{int:session_id}/rating", response=RatingOut)
def put_rating(request: ApiRequest, session_id: int, payload: RatingIn) -> Any:
    require_scope(request, WRITE)
    session = sel.session_for_user(user=request.user, session_id=session_id)
    rating = rating_save(
        actor=request.user, session=session, scores=payload.scores, reasons=payload.reasons,
        comment=payload.comment, submit=payload.submit,
    )  # fmt: skip
    return sel.own_rating(user=request.user, session=session) or rating


@router.post("/interviews/{int:session_id}/rating/decline", response=RatingOut)
def decline_rating(request: ApiRequest, session_id: int, payload: RatingDeclineIn) -> Any:
    require_scope(request, WRITE)
    session = sel.session_for_user(user=request.user, session_id=session_id)
    rating_decline(actor=request.user, session=session, reason=payload.reason)
    return sel.own_rating(user=request.user, session=session)
