"""Decisions on an application after its interview (F-72).

A named, signed-in person decides; the service moves the application through the pipeline
and starts the decision's follow-up (next-round invitation, feedback e-mail, talent-pool tag)
in the same transaction, so a refusal anywhere leaves nothing behind. Messages leave after
the commit through Celery. There is no automatic path: AI scores inform, people decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import Stage, can_move, label
from mianshi.candidates.services import application_advance, candidate_tag_add
from mianshi.common.errors import Conflict, TransitionRefused
from mianshi.compliance.services import audit_record
from mianshi.events.services import event_emit
from mianshi.interviews.models import InterviewSession
from mianshi.invitations.models import InvitationKind
from mianshi.invitations.services import invitation_create, invitation_send
from mianshi.organisations.scoping import require_cap
from mianshi.reviews.models import (
    DECISION_STAGE,
    Decision,
    DecisionKind,
    FeedbackStatus,
    InterviewScore,
    Rating,
    RatingStatus,
)
from mianshi.reviews.services import feedback as fb
from mianshi.reviews.services.offers import OfferTerms, offer_propose

# The deployment-wide tag of pooled candidates (Tag names are data, shared by every unit).
TALENT_POOL_TAG = "人才库"
MAX_REASON = 2000
# candidates.services.application_advance keeps at most this much of a transition's reason.
MAX_TRANSITION_REASON = 500


@dataclass(frozen=True)
class Plan:
    """A decision checked in full before the first write."""

    kind: DecisionKind
    reason: str
    session: InterviewSession | None
    to_stage: Stage
    notify: bool
    subject: str = ""
    body: str = ""


def _require_person(actor: Actor, unit_id: int) -> None:
    """Only a signed-in person who manages the unit's candidates decides (no system actor)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Only a signed-in person can decide on an application."))
    message = _("You may not decide on applications of this organisation unit.")
    require_cap(actor, Cap.CANDIDATES_MANAGE, unit_id, message)


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("job__second_round_template", "candidate", "org_unit")
        .get(pk=application.pk)
    )


def _kind(kind: str) -> DecisionKind:
    if kind not in DecisionKind.values:
        raise ValidationError({"kind": _("Unknown kind of decision.")})
    return DecisionKind(kind)


def _reason(kind: DecisionKind, reason: str) -> str:
    text = (reason or "").strip()
    if kind == DecisionKind.REJECT and not text:
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    if len(text) > MAX_REASON:
        raise ValidationError({"reason": _("The reason has at most 2000 characters.")})
    return text


def latest_session(application: Application) -> InterviewSession | None:
    """The application's most recently completed interview, if any."""
    return (
        InterviewSession.objects.filter(application=application, finished_at__isnull=False)
        .order_by("-finished_at", "-id")
        .first()
    )


def _session(application: Application, session: InterviewSession | None) -> Any:
    if session is None:
        return latest_session(application)
    if session.application_id != application.pk:
        raise ValidationError({"session": _("This interview belongs to another application.")})
    return session


def _check_move(application: Application, kind: DecisionKind) -> Stage:
    to_stage = DECISION_STAGE[kind]
    if not can_move(application.stage, to_stage):
        raise TransitionRefused(
            _("“%(decision)s” is not possible while the application is in the stage “%(stage)s”.")
            % {"decision": kind.label, "stage": label(application.stage)}
        )
    return to_stage


def _check_offer(session: InterviewSession | None) -> None:
    rated = session is not None and (
        Rating.objects.filter(session=session, status=RatingStatus.SUBMITTED).exists()
    )
    if not rated:
        raise Conflict(
            _(
                "An offer needs at least one submitted human rating of the interview: "
                "the AI score alone is not enough."
            ),
            code="rating_required",
        )


def _plan(
    application: Application,
    *,
    kind: str,
    reason: str,
    session: InterviewSession | None,
    send_feedback: bool | None,
    subject: str | None,
    body: str | None,
) -> Plan:
    """Check everything about the decision; raise the first refusal, write nothing."""
    checked = _kind(kind)
    text = _reason(checked, reason)
    chosen = _session(application, session)
    to_stage = _check_move(application, checked)
    if checked == DecisionKind.OFFER:
        _check_offer(chosen)
    notify = fb.notifies(checked, application.job) and (
        fb.notify_default(checked) if send_feedback is None else bool(send_feedback)
    )
    plan = Plan(checked, text, chosen, to_stage, notify)
    if notify and fb.has_feedback(checked, application.job):
        draft = None
        if subject is None or body is None:
            draft = fb.feedback_compose(application=application, session=chosen, kind=checked)
        title, message = fb.feedback_text(draft, subject=subject, body=body)
        plan = Plan(checked, text, chosen, to_stage, notify, title, message)
    return plan


def _transition_reason(plan: Plan) -> str:
    text = f"{plan.kind.label}: {plan.reason}" if plan.reason else str(plan.kind.label)
    limit = MAX_TRANSITION_REASON
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _write(actor: Actor, application: Application, plan: Plan, from_stage: str) -> Decision:
    score = None
    if plan.session is not None:
        score = InterviewScore.objects.filter(session=plan.session).first()
    return Decision.objects.create(
        application=application,
        session=plan.session,
        org_unit_id=application.org_unit_id,
        kind=plan.kind,
        decided_by=actor,
        reason=plan.reason,
        from_stage=from_stage,
        to_stage=plan.to_stage,
        policy=score.policy if score else application.job.score_policy,
        ai_total=score.ai_total if score else None,
        human_total=score.human_total if score else None,
        final_total=score.final_total if score else None,
    )


def _invite_next_round(actor: Actor, decision: Decision, plan: Plan) -> None:
    """A second-round interview link, e-mailed unless HR chose not to message the candidate."""
    application = decision.application
    invitation, _token = invitation_create(
        actor=actor,
        application=application,
        kind=InvitationKind.NEXT_ROUND,
        reason=_transition_reason(plan),
    )
    decision.invitation = invitation
    decision.save(update_fields=["invitation"])
    # Without an address the link still exists: HR can copy it from the invitations page.
    if plan.notify and application.candidate.email:
        invitation_send(actor=actor, invitation=invitation, channels=("email",))


def _tag_pool(actor: Actor, decision: Decision) -> None:
    tag = candidate_tag_add(
        actor=actor, candidate=decision.application.candidate, name=TALENT_POOL_TAG
    )
    decision.tag = tag
    decision.save(update_fields=["tag"])


def _follow_up(actor: Actor, decision: Decision, plan: Plan) -> None:
    job = decision.application.job
    if plan.kind == DecisionKind.SECOND_ROUND and job.second_round_template_id:
        _invite_next_round(actor, decision, plan)
    if plan.kind == DecisionKind.TALENT_POOL:
        _tag_pool(actor, decision)
    if plan.subject and plan.body:
        decision.feedback_subject, decision.feedback_body = plan.subject, plan.body
        decision.feedback_status = FeedbackStatus.QUEUED
        decision.save(update_fields=["feedback_subject", "feedback_body", "feedback_status"])
        fb.feedback_enqueue(decision_id=decision.pk)


def _emit(decision: Decision) -> None:
    """decision.made: ids, stages and the scores decided on, no personal data."""
    data = {
        "decision_id": decision.pk,
        "application_id": decision.application_id,
        "session_id": decision.session_id,
        "kind": decision.kind,
        "from_stage": decision.from_stage,
        "to_stage": decision.to_stage,
        "ai_total": decision.ai_total,
        "human_total": decision.human_total,
        "final_total": decision.final_total,
    }
    event_emit(type="decision.made", data=data, org_unit_id=decision.org_unit_id)


def _audit(actor: Actor, decision: Decision) -> None:
    audit_record(
        actor=actor,
        action="decision.make",
        obj=decision,
        changed_fields=["kind", "reason", "from_stage", "to_stage", "feedback_status"],
        detail={
            "application": decision.application_id,
            "session": decision.session_id,
            "kind": decision.kind,
            "from": decision.from_stage,
            "to": decision.to_stage,
            "invitation": decision.invitation_id,
            "tag": decision.tag_id,
            "feedback": decision.feedback_status,
        },
    )


@transaction.atomic
def decision_make(
    *,
    actor: Actor,
    application: Application,
    kind: str,
    reason: str = "",
    session: InterviewSession | None = None,
    send_feedback: bool | None = None,
    feedback_subject: str | None = None,
    feedback_body: str | None = None,
    offer: OfferTerms | None = None,
) -> Decision:
    """Decide on `application` after its interview (default: the latest completed one).

    Moves the application to DECISION_STAGE[kind] and starts the follow-up. `send_feedback`
    (default: yes for a rejection or a second round, no for the talent pool; an offer never
    messages the candidate) sends the drafted message, or HR's edited subject and body.
    An offer with `offer` terms is proposed to its approver in the same transaction.
    """
    _require_person(actor, application.org_unit_id)
    locked = _lock(application)
    plan = _plan(
        locked,
        kind=kind,
        reason=reason,
        session=session,
        send_feedback=send_feedback,
        subject=feedback_subject,
        body=feedback_body,
    )
    from_stage = locked.stage
    reason_text = _transition_reason(plan)
    application_advance(actor=actor, application=locked, to_stage=plan.to_stage, reason=reason_text)
    decision = _write(actor, locked, plan, from_stage)
    _follow_up(actor, decision, plan)
    _audit(actor, decision)
    _emit(decision)
    if offer is not None and plan.kind == DecisionKind.OFFER:
        offer_propose(actor=actor, application=locked, terms=offer)
    application.stage = locked.stage
    return decision
