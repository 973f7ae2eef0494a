"""Reads for decisions: what may be decided now, the drafted message, the history.

The callers pass an application they already loaded through candidates' scoped selectors
(visible_applications / application_for_write); nothing here widens that scope.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import can_move
from mianshi.interviews.models import InterviewSession
from mianshi.organisations.scoping import has_cap
from mianshi.reviews.models import DECISION_STAGE, Decision, DecisionKind
from mianshi.reviews.services import feedback as fb
from mianshi.reviews.services.decisions import latest_session


def decision_options(*, user: Actor, application: Application) -> list[tuple[str, str]]:
    """(kind, label) of the decisions `user` may take on `application` in its stage now."""
    if not getattr(user, "is_authenticated", False):
        return []
    if not has_cap(user, Cap.CANDIDATES_MANAGE, unit_id=application.org_unit_id):
        return []
    return [
        (kind.value, str(kind.label))
        for kind in DecisionKind
        if can_move(application.stage, DECISION_STAGE[kind])
    ]


def decision_session(*, application: Application, session_id: int | None) -> Any:
    """The application's interview `session_id` (None → None; another's → refused, 422)."""
    if session_id is None:
        return None
    session = InterviewSession.objects.filter(application=application, pk=session_id).first()
    if session is None:
        raise ValidationError({"session_id": _("Not an interview of this application.")})
    return session


def feedback_draft(
    *, application: Application, session: InterviewSession | None, kind: str
) -> tuple[str, str]:
    """The (subject, body) the decision would send; ("", "") when it sends no feedback
    (an offer, or a second round whose interview invitation is the message)."""
    if kind not in DecisionKind.values:
        raise ValidationError({"kind": _("Unknown kind of decision.")})
    if not fb.has_feedback(kind, application.job):
        return "", ""
    chosen = session if session is not None else latest_session(application)
    return fb.feedback_compose(application=application, session=chosen, kind=kind)


def decisions_for(*, application: Application) -> list[Decision]:
    """The application's decisions, newest first, with who decided and the follow-ups."""
    return list(
        Decision.objects.filter(application=application).select_related(
            "decided_by", "invitation", "tag", "session"
        )
    )
