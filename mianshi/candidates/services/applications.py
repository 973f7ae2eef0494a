"""Application writes: create, move through the pipeline (F-23), score, assign interviewers."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor, SystemActor
from mianshi.accounts.models import User
from mianshi.candidates.models import (
    Application,
    ApplicationAssignment,
    ApplicationTransition,
    Candidate,
)
from mianshi.candidates.pipeline import CLOSED_STAGES, Stage, can_move, label
from mianshi.candidates.services.candidates import require_manage
from mianshi.common.errors import Conflict, TransitionRefused
from mianshi.common.external_refs import external_refs_set
from mianshi.compliance.services import audit_record
from mianshi.events.services import event_emit
from mianshi.jobs.models import Job, JobStatus

MAX_REASON = 500
MAX_SCORE = Decimal("100")


def _require_visible(actor: SystemActor, candidate: Candidate) -> None:
    from mianshi.candidates.selectors import visible_candidates

    if actor is not None and not visible_candidates(actor).filter(pk=candidate.pk).exists():
        raise PermissionDenied(_("You may not see this candidate."))


def _refuse_second_active(candidate_id: int, job_id: int, exclude: int | None = None) -> None:
    active = Application.objects.filter(candidate_id=candidate_id, job_id=job_id)
    if exclude is not None:
        active = active.exclude(pk=exclude)
    if active.exclude(stage__in=CLOSED_STAGES).exists():
        raise Conflict(_("This candidate already has an open application for this job."))


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("The reason has at most 500 characters.")})
    return reason


@transaction.atomic
def application_create(
    *,
    actor: Actor,
    candidate: Candidate,
    job: Job,
    reason: str = "",
    external_refs: Mapping[str, str | None] | None = None,
) -> Application:
    """Apply `candidate` to an open `job`; the first history row records "applied"."""
    require_manage(actor, job.org_unit_id)
    _require_visible(actor, candidate)
    if job.status != JobStatus.OPEN:
        raise ValidationError({"job": _("Applications can only be added to open jobs.")})
    _refuse_second_active(candidate.pk, job.pk)
    application = Application(
        candidate=candidate,
        job=job,
        org_unit_id=job.org_unit_id,
        stage=Stage.APPLIED,
        created_by=actor if actor else None,
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:  # a concurrent request created it first
        raise Conflict(_("This candidate already has an open application for this job.")) from exc
    ApplicationTransition.objects.create(
        application=application,
        from_stage="",
        to_stage=Stage.APPLIED,
        actor=actor if actor else None,
        reason=_check_reason(reason),
    )
    refs = ["external_refs"] if external_refs_set(obj=application, refs=external_refs or {}) else []
    audit_record(
        actor=actor,
        action="application.create",
        obj=application,
        changed_fields=["candidate", "job", "stage", *refs],
        detail={"job": job.pk},
    )
    event_emit(
        type="application.created",
        data={"application_id": application.pk, "candidate_id": candidate.pk, "job_id": job.pk,
              "stage": application.stage},
        org_unit_id=application.org_unit_id,
    )  # fmt: skip
    return application


def _refuse_move(from_stage: str, to_stage: str) -> TransitionRefused:
    return TransitionRefused(
        _("An application cannot move from “%(from)s” to “%(to)s”.")
        % {"from": label(from_stage), "to": label(to_stage)}
    )


def _refuse_public_hire(application: Application, to_stage: str, procedure: bool) -> None:
    """A public-recruitment post is hired only by its procedure (F-103, F-104): the move to
    "hired" by any other path (the board, the API, a bulk move, an offer) is refused."""
    if to_stage != Stage.HIRED or procedure:
        return
    if Job.objects.filter(pk=application.job_id, public_recruitment=True).exists():
        raise TransitionRefused(
            _("This job is a public-recruitment post: hire from its publication (公示) page, "
              "once the publication period has ended.")
        )  # fmt: skip


@transaction.atomic
def application_advance(
    *,
    actor: SystemActor,
    application: Application,
    to_stage: str,
    reason: str = "",
    procedure: bool = False,
) -> ApplicationTransition:
    """Move along the pipeline table; refused moves raise TransitionRefused, nothing saved.
    `procedure`: the public-recruitment hire, the one path to "hired" for its posts."""
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": _("Unknown pipeline stage.")})
    require_manage(actor, application.org_unit_id)
    reason = _check_reason(reason)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not can_move(locked.stage, to_stage):
        raise _refuse_move(locked.stage, to_stage)
    _refuse_public_hire(locked, to_stage, procedure)
    if locked.stage in CLOSED_STAGES and to_stage not in CLOSED_STAGES:
        _refuse_second_active(locked.candidate_id, locked.job_id, exclude=locked.pk)
    from_stage = locked.stage
    locked.stage = to_stage
    locked.save(update_fields=["stage", "updated_at"])
    transition = ApplicationTransition.objects.create(
        application=locked,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=actor if actor else None,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action="application.advance",
        obj=locked,
        changed_fields=["stage"],
        detail={"from": from_stage, "to": to_stage},
    )
    _stage_changed(locked, transition, actor)
    application.stage = to_stage
    return transition


def _stage_changed(
    application: Application, transition: ApplicationTransition, actor: SystemActor
) -> None:
    """Every move's event (the one place moves go through): transition actions, webhooks
    and connectors react to it after commit."""
    data = {
        "application_id": application.pk, "candidate_id": application.candidate_id,
        "job_id": application.job_id, "transition_id": transition.pk,
        "from_stage": transition.from_stage, "to_stage": transition.to_stage,
        "actor_id": actor.pk if actor else None,
    }  # fmt: skip
    event_emit(type="application.stage_changed", data=data, org_unit_id=application.org_unit_id)


@transaction.atomic
def application_update(
    *,
    actor: Actor,
    application: Application,
    overall_score: Decimal | None,
    external_refs: Mapping[str, str | None] | None = None,
) -> Application:
    """Set the overall score (0-100, or None) and external refs (a None id clears one); the
    stage changes only through transitions."""
    require_manage(actor, application.org_unit_id)
    if overall_score is not None and not Decimal(0) <= overall_score <= MAX_SCORE:
        raise ValidationError({"overall_score": _("The score must be between 0 and 100.")})
    changed = ["overall_score"] if application.overall_score != overall_score else []
    application.overall_score = overall_score
    application.full_clean(validate_constraints=False)
    application.save(update_fields=["overall_score", "updated_at"])
    if external_refs and external_refs_set(obj=application, refs=external_refs):
        changed.append("external_refs")
    audit_record(actor=actor, action="application.update", obj=application, changed_fields=changed)
    return application


@transaction.atomic
def application_delete(*, actor: Actor, application: Application) -> None:
    """Delete an application entered by mistake; once it has moved, reject it instead."""
    require_manage(actor, application.org_unit_id)
    if application.stage != Stage.APPLIED or application.transitions.count() > 1:
        raise Conflict(
            _("Only a new application can be deleted; move this one to “Rejected” instead.")
        )
    audit_record(
        actor=actor,
        action="application.delete",
        obj=application,
        detail={"candidate": application.candidate_id, "job": application.job_id},
    )
    application.delete()


@transaction.atomic
def application_assign(
    *, actor: Actor, application: Application, interviewer: User | None
) -> ApplicationAssignment:
    """Assign an interviewer (who must hold the interviewer role over the unit); idempotent."""
    from mianshi.candidates.selectors import interviewer_choices

    require_manage(actor, application.org_unit_id)
    if (
        interviewer is None
        or not interviewer_choices(application=application).filter(pk=interviewer.pk).exists()
    ):
        raise ValidationError(
            {"interviewer": _("This user is not an interviewer of the application's unit.")}
        )
    assignment, created = ApplicationAssignment.objects.get_or_create(
        application=application,
        interviewer=interviewer,
        defaults={"assigned_by": actor if actor else None},
    )
    if created:
        audit_record(
            actor=actor,
            action="application.assign",
            obj=application,
            changed_fields=["assignments"],
            detail={"interviewer": interviewer.pk},
        )
    return assignment


@transaction.atomic
def application_unassign(*, actor: Actor, application: Application, interviewer: User) -> None:
    """Remove an interviewer's assignment (they stop seeing the candidate)."""
    require_manage(actor, application.org_unit_id)
    deleted, _rows = ApplicationAssignment.objects.filter(
        application=application, interviewer=interviewer
    ).delete()
    if deleted:
        audit_record(
            actor=actor,
            action="application.unassign",
            obj=application,
            changed_fields=["assignments"],
            detail={"interviewer": interviewer.pk},
        )
