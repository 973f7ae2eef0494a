"""Review API: decisions on an application (POST, list) and the drafted feedback message.

An application outside the caller's scope answers 404; one the caller only sees, 403; a
move the pipeline refuses, 409; bad input, 422 with a translated message.
"""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Schema, Status

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.candidates.selectors import application_for_write, application_get
from mianshi.common.pagination import DbId
from mianshi.compliance.services import audit_read
from mianshi.reviews.schemas_decisions import DecisionIn, DecisionOut, FeedbackDraftOut
from mianshi.reviews.selectors import decisions as sel
from mianshi.reviews.services.decisions import decision_make
from mianshi.reviews.services.read_audit import feedback_draft_audit

router = Router(tags=["reviews"])
READ, WRITE = "candidates:read", "candidates:write"


@router.post("/applications/{int:application_id}/decisions", response={201: DecisionOut})
def post_decision(request: ApiRequest, application_id: int, payload: DecisionIn) -> Any:
    require_scope(request, WRITE)
    application = application_for_write(user=request.user, pk=application_id)
    session = sel.decision_session(application=application, session_id=payload.session_id)
    decision = decision_make(
        actor=request.user, application=application, kind=payload.kind, reason=payload.reason,
        session=session, send_feedback=payload.send_feedback,
        feedback_subject=payload.feedback_subject, feedback_body=payload.feedback_body,
    )  # fmt: skip
    return Status(201, decision)


@router.get("/applications/{int:application_id}/decisions", response=list[DecisionOut])
def list_decisions(request: ApiRequest, application_id: int) -> Any:
    require_scope(request, READ)
    application = application_get(user=request.user, pk=application_id)
    decisions = sel.decisions_for(application=application)
    ids = [d.pk for d in decisions]
    audit_read(actor=request.user, action="decision.list", obj=application, ids=ids)
    return decisions


class DraftQuery(Schema):
    kind: str = "reject"
    session_id: DbId | None = None


@router.get("/applications/{int:application_id}/feedback-draft", response=FeedbackDraftOut)
def feedback_draft(request: ApiRequest, application_id: int, query: Query[DraftQuery]) -> Any:
    require_scope(request, WRITE)
    application = application_for_write(user=request.user, pk=application_id)
    session = sel.decision_session(application=application, session_id=query.session_id)
    subject, body = sel.feedback_draft(application=application, session=session, kind=query.kind)
    feedback_draft_audit(
        actor=request.user, application=application, session=session, drafted=bool(subject or body)
    )
    return {"kind": query.kind, "subject": subject, "body": body}
