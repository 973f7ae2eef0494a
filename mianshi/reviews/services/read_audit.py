"""Reads of review data recorded in the audit trail (F-100), where the page and the API share
the shape of what was read (the ranking's rows, a drafted feedback message)."""

from __future__ import annotations

from typing import Any

from mianshi.accounts.actor import Actor
from mianshi.candidates.models import Application
from mianshi.compliance.services import audit_read
from mianshi.interviews.models import InterviewSession
from mianshi.reviews.selectors.ranking import RankingPage


def job_ranking_audit(*, actor: Actor, page: RankingPage) -> None:
    """A ranking page (UI or API) is one read of the interviews on it."""
    ids = [row.session_id for row in page.rows]
    detail = {"page": page.number}
    audit_read(actor=actor, action="job_ranking.view", obj=page.job, ids=ids, detail=detail)


def feedback_draft_audit(
    *, actor: Actor, application: Application, session: InterviewSession | None, drafted: bool
) -> None:
    """A drafted feedback message (UI partial or API) quotes the candidate's name and the
    interview's advice: one read of the application. No message drafted, nothing read."""
    if not drafted:
        return
    detail: dict[str, Any] = {"page": "feedback_draft"}
    if session is not None:
        detail["session"] = session.pk
    audit_read(actor=actor, action="application.view", obj=application, detail=detail)
