"""API schemas of decisions (typed; unknown fields are refused with 422)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from mianshi.common.pagination import DbId
from mianshi.reviews.models import Decision, DecisionKind

KINDS = ", ".join(DecisionKind.values)


class DecisionIn(Schema):
    """A decision; the kind and texts are checked by the service (translated 422s)."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(max_length=20, description=f"one of: {KINDS}")
    reason: str = Field("", max_length=4000, description="required for a rejection")
    session_id: DbId | None = Field(
        None, description="the interview decided on; default: the latest completed one"
    )
    send_feedback: bool | None = Field(
        None,
        description="message the candidate (default: yes for reject and second_round, "
        "no for talent_pool; an offer never messages the candidate)",
    )
    feedback_subject: str | None = Field(None, max_length=1000, description="default: draft")
    feedback_body: str | None = Field(None, max_length=20000, description="default: draft")


class DecisionOut(Schema):
    id: int
    application_id: int
    session_id: int | None
    kind: str
    kind_label: str
    reason: str
    from_stage: str
    to_stage: str
    decided_by_id: int
    decided_by: str
    policy: str
    ai_total: float | None
    human_total: float | None
    final_total: float | None
    invitation_id: int | None
    tag: str | None
    feedback_status: str
    feedback_subject: str
    feedback_body: str
    feedback_sent_at: dt.datetime | None
    feedback_error: str
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj: Decision) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_decided_by(obj: Decision) -> str:
        user = obj.decided_by
        return str(user.get_full_name() or user.get_username())

    @staticmethod
    def resolve_tag(obj: Decision) -> str | None:
        return obj.tag.name if obj.tag_id and obj.tag else None


class FeedbackDraftOut(Schema):
    kind: str
    subject: str = Field(description="empty when the decision sends no feedback e-mail")
    body: str
