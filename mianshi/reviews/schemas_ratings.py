"""Request and response bodies of the ratings API (/api/reviews/interviews/…)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class DimensionScoreOut(Schema):
    code: str
    name: str = ""
    score: float
    weight: float | None = None


class ScoreAnomalyOut(Schema):
    code: str
    dimension: str | None = None
    value: float | None = None
    text: str = Field(description="the flag in words, in the request's language")


class InterviewScoreOut(Schema):
    """The interview's aggregate scores (0–10); per-rater detail is in /ratings."""

    session_id: int
    policy: str
    ai_total: float | None
    ai_confidence: float | None
    ai_dimensions: list[DimensionScoreOut]
    answers_analysed: int
    answers_pending: int
    human_total: float | None
    human_dimensions: list[DimensionScoreOut]
    raters: int
    final_total: float | None
    human_hidden: bool = Field(
        False, description="human and final scores withheld until the caller rates (F-71)"
    )
    provisional: bool = Field(description="the final score still waits for the AI or a rater")
    note: str = Field(description="what the final score is made of, in words")
    needs_review: bool
    anomalies: list[ScoreAnomalyOut]
    updated_at: datetime | None


class RatingScoreOut(Schema):
    code: str
    score: int
    ai_score: float | None
    override_reason: str


class RatingOut(Schema):
    id: int
    rater: str
    status: str
    comment: str
    total: float | None
    submitted_at: datetime | None
    updated_at: datetime
    scores: list[RatingScoreOut]

    @staticmethod
    def resolve_rater(obj: Any) -> str:
        return str(obj.rater.get_full_name() or obj.rater.get_username())

    @staticmethod
    def resolve_scores(obj: Any) -> list[Any]:
        return list(obj.scores.all())


class RatingIn(Schema):
    """A draft (partial allowed) or, with submit=true, the final rating (every dimension)."""

    scores: dict[str, int | None] = Field(
        default_factory=dict, description="dimension code → 1–10 (null: not rated yet)"
    )
    reasons: dict[str, str] = Field(
        default_factory=dict,
        description="dimension code → why the score departs from the AI's by more than 2",
    )
    comment: str = Field("", max_length=4000)
    submit: bool = False


class RatingDeclineIn(Schema):
    """Not rating this interview (a conflict of interest, or deciding without rating): final;
    the caller's draft is dropped and the other raters' ratings become visible."""

    reason: str = Field(..., max_length=500, description="why, 5–500 characters")
