"""Invitation writes (F-30): create, bulk-create, revoke, re-invite for a re-recording.

An application has at most one usable invitation: a new one supersedes the older ones, whose
links then explain that a newer e-mail was sent. Every check runs before the first write,
so a refusal leaves nothing behind (and the bulk variant refuses the whole batch).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import Stage, can_move, label
from mianshi.common.errors import Conflict, DomainError
from mianshi.compliance.services import audit_record
from mianshi.invitations.models import (
    CLOSED_STATUSES,
    Invitation,
    InvitationKind,
    InvitationStatus,
)
from mianshi.invitations.services.common import require_manage, seal_token
from mianshi.invitations.tokens import new_token
from mianshi.jobs.models import InterviewTemplate, Job, TemplateVersion
from mianshi.jobs.selectors import template_current_version
from mianshi.jobs.services import template_version_lock
from mianshi.jobs.services.common import split_list

MIN_HOURS, MAX_HOURS = 1, 60 * 24
MAX_INSTRUCTIONS = 4000
MAX_BULK = 1000


class NotInvitable(Conflict):
    """The application cannot be invited now (stage, job set-up, questions)."""

    code = "not_invitable"


@dataclass(frozen=True)
class Plan:
    """Everything an invitation will be made of, checked before anything is written."""

    version: TemplateVersion
    hours: int
    instructions: str
    positions: list[int]


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("job", "candidate")
        .get(pk=application.pk)
    )


def _current_version(job: Job, template: InterviewTemplate | None = None) -> TemplateVersion:
    # A transition rule may name its own template; otherwise the job's.
    template = template or job.interview_template
    if template is None:
        raise NotInvitable(
            _("The job “%(job)s” has no interview template: choose one in the job's settings.")
            % {"job": job.title}
        )
    version = template_current_version(template)
    if not version.items.exists():
        raise NotInvitable(
            _("The interview template of “%(job)s” has no questions.") % {"job": job.title}
        )
    return version


def _next_round_version(job: Job) -> TemplateVersion:
    """The current version of the job's second-round template (refused when unset or empty)."""
    template = job.second_round_template
    if template is None:
        raise NotInvitable(
            _("The job “%(job)s” has no second-round interview template.") % {"job": job.title}
        )
    version = template_current_version(template)
    if not version.items.exists():
        raise NotInvitable(
            _("The second-round interview template of “%(job)s” has no questions.")
            % {"job": job.title}
        )
    return version


def _check_stage(application: Application, kind: str) -> None:
    if kind == InvitationKind.NEXT_ROUND:
        # A second-round interview follows the decision: the application stays where it is.
        if application.stage != Stage.SECOND_ROUND:
            raise NotInvitable(
                _("Only an application in the second round can be invited to its interview.")
            )
        return
    if application.stage != Stage.INVITED and not can_move(application.stage, Stage.INVITED):
        raise NotInvitable(
            _("An application in the stage “%(stage)s” cannot be invited to an interview.")
            % {"stage": label(application.stage)}
        )


def _hours(value: int | None, job: Job) -> int:
    hours = job.invitation_hours if value is None else value
    if not isinstance(hours, int) or not MIN_HOURS <= hours <= MAX_HOURS:
        raise ValidationError(
            {"expires_hours": _("The link must stay valid between 1 hour and 60 days (1440 h).")}
        )
    return hours


def _instructions(value: str | None, job: Job) -> str:
    text = (job.invitation_instructions if value is None else value or "").strip()
    if len(text) > MAX_INSTRUCTIONS:
        raise ValidationError({"instructions": _("Instructions have at most 4000 characters.")})
    return text


def _positions(value: Sequence[int] | None, version: TemplateVersion) -> list[int]:
    chosen = sorted({int(p) for p in value or ()})
    known = set(version.items.values_list("position", flat=True))
    unknown = [str(p) for p in chosen if p not in known]
    if unknown:
        raise ValidationError(
            {"positions": _("Not questions of this interview: %(p)s.") % {"p": ", ".join(unknown)}}
        )
    # Every question is the same as listing none: keep the record simple.
    return [] if set(chosen) == known else chosen


def _plan(
    application: Application,
    *,
    kind: str,
    replaces: Invitation | None,
    expires_hours: int | None,
    instructions: str | None,
    positions: Sequence[int] | None,
    template: InterviewTemplate | None = None,
) -> Plan:
    """Check everything about one invitation; raise the first refusal, write nothing."""
    if kind not in InvitationKind.values:
        raise ValidationError({"kind": _("Unknown kind of invitation.")})
    _check_stage(application, kind)
    if replaces is not None and replaces.application_id != application.pk:
        raise ValidationError({"replaces": _("That invitation belongs to another application.")})
    if kind == InvitationKind.RE_RECORD and replaces is not None:
        # A re-recording answers the questions of the interview it repairs.
        version = replaces.template_version
    elif kind == InvitationKind.NEXT_ROUND:
        version = _next_round_version(application.job)
    else:
        version = _current_version(application.job, template)
    return Plan(
        version=version,
        hours=_hours(expires_hours, application.job),
        instructions=_instructions(instructions, application.job),
        positions=_positions(positions, version),
    )


def _supersede(application: Application, actor: Actor) -> Invitation | None:
    """Close the application's open invitations; return the newest of them."""
    open_ones = list(
        Invitation.objects.filter(application=application)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("-created_at", "-id")
    )
    for old in open_ones:
        old.status = InvitationStatus.SUPERSEDED
        old.save(update_fields=["status"])
        audit_record(actor=actor, action="invitation.supersede", obj=old, changed_fields=["status"])
    return open_ones[0] if open_ones else None


def _move_to_invited(actor: Actor, application: Application, reason: str) -> None:
    from mianshi.candidates.services import application_advance

    if application.stage != Stage.INVITED:
        application_advance(
            actor=actor, application=application, to_stage=Stage.INVITED, reason=reason
        )


def _write(
    actor: Actor,
    application: Application,
    plan: Plan,
    kind: str,
    replaces: Invitation | None,
    reason: str,
) -> tuple[Invitation, str]:
    previous = _supersede(application, actor)
    token, token_hash = new_token()
    invitation = Invitation.objects.create(
        application=application,
        org_unit_id=application.org_unit_id,
        template_version=plan.version,
        kind=kind,
        token_hash=token_hash,
        token_enc=seal_token(token),
        expires_at=timezone.now() + dt.timedelta(hours=plan.hours),
        instructions=plan.instructions,
        required_materials=split_list(application.job.required_materials),
        positions=plan.positions,
        replaces=replaces or previous,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    template_version_lock(version=plan.version, actor=actor)
    if kind != InvitationKind.NEXT_ROUND:
        _move_to_invited(actor, application, reason)
    audit_record(
        actor=actor,
        action="invitation.create",
        obj=invitation,
        changed_fields=["application", "kind", "expires_at", "instructions", "positions"],
        detail={"application": application.pk, "kind": kind, "hours": plan.hours},
    )
    return invitation, token


@transaction.atomic
def invitation_create(
    *,
    actor: Actor,
    application: Application,
    expires_hours: int | None = None,
    instructions: str | None = None,
    kind: str = InvitationKind.FIRST,
    positions: Sequence[int] | None = None,
    replaces: Invitation | None = None,
    reason: str = "",
    template: InterviewTemplate | None = None,
) -> tuple[Invitation, str]:
    """Create the application's invitation (superseding older ones); returns the raw token once.

    Locks the template version, moves the application to "invited" when it is not there yet
    (a NEXT_ROUND invitation instead needs the "second round" stage, keeps it, and asks the
    questions of the job's second-round template).
    Expiry defaults to the job's `invitation_hours`; instructions to the job's text;
    `template` (a first invitation's questions) to the job's interview template.
    """
    require_manage(actor, application.org_unit_id)
    locked = _lock(application)
    plan = _plan(
        locked,
        kind=kind,
        replaces=replaces,
        expires_hours=expires_hours,
        instructions=instructions,
        positions=positions,
        template=template,
    )
    invitation, token = _write(actor, locked, plan, kind, replaces, reason)
    application.stage = locked.stage
    return invitation, token


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation: Invitation) -> Invitation:
    """Withdraw a link so it no longer opens the interview (idempotent once closed)."""
    require_manage(actor, invitation.org_unit_id)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.status == InvitationStatus.COMPLETED:
        raise Conflict(_("The candidate has already completed this interview."))
    if locked.status in CLOSED_STATUSES:
        return locked
    locked.status = InvitationStatus.REVOKED
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["status", "revoked_at"])
    audit_record(
        actor=actor, action="invitation.revoke", obj=locked, changed_fields=["status", "revoked_at"]
    )
    invitation.status, invitation.revoked_at = locked.status, locked.revoked_at
    return locked


def _failed_positions(invitation: Invitation) -> list[int]:
    """Positions whose answer failed (upload, verification or quality) in `invitation`'s session."""
    from django.db.models import Q

    from mianshi.interviews.models import Answer, AnswerStatus, QualityStatus

    failed = Answer.objects.filter(session__invitation=invitation).filter(
        Q(status=AnswerStatus.FAILED) | Q(quality_status=QualityStatus.FAIL)
    )
    return sorted(set(failed.values_list("position", flat=True)))


@transaction.atomic
def invitation_reinvite(
    *,
    actor: Actor,
    application: Application,
    positions: Sequence[int] | None = None,
    reason: str = "",
    channels: Sequence[str] = ("email",),
) -> Invitation:
    """The one click of F-32: supersede the last invitation, invite to re-record, send it.

    Without `positions`, the questions whose answers failed are asked again (all of them
    when none is recorded as failed, e.g. the link expired before the candidate started).
    """
    from mianshi.invitations.services.sending import invitation_send

    require_manage(actor, application.org_unit_id)
    last = Invitation.objects.filter(application=application).order_by("-created_at", "-id")
    previous = last.first()
    if previous is None:
        raise Conflict(_("This application has no invitation to renew; send an invitation."))
    chosen = _failed_positions(previous) if positions is None else positions
    invitation, _token = invitation_create(
        actor=actor,
        application=application,
        kind=InvitationKind.RE_RECORD,
        positions=chosen,
        replaces=previous,
        reason=reason or _("Re-record invitation"),
    )
    invitation_send(actor=actor, invitation=invitation, channels=channels)
    return invitation


def _load_for_bulk(actor: Actor, applications: Sequence[Application | int]) -> list[Application]:
    """The selected applications the actor manages, locked; refuses the batch otherwise."""
    from mianshi.candidates.selectors import manageable_applications
    from mianshi.candidates.services import BulkRefused

    ids = sorted({a.pk if isinstance(a, Application) else int(a) for a in applications})
    if not ids:
        raise ValidationError({"application_ids": _("Select at least one application.")})
    if len(ids) > MAX_BULK:
        raise ValidationError({"application_ids": _("Select at most 1000 applications.")})
    qs = manageable_applications(actor).select_related("job", "candidate")
    found = {a.pk: a for a in qs.filter(pk__in=ids).select_for_update(of=("self",))}
    missing = [f"#{i}: " + _("not found or not permitted") for i in ids if i not in found]
    if missing:
        raise BulkRefused(missing)
    return [found[i] for i in ids]


def _refusal(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    raise exc


@transaction.atomic
def invitation_bulk_create_send(
    *,
    actor: Actor,
    applications: Sequence[Application | int],
    expires_hours: int | None = None,
    instructions: str | None = None,
    channels: Sequence[str] = ("email",),
) -> list[tuple[Invitation, str]]:
    """Invite and notify every selected application (objects or ids), or none.

    Scope and every rule are checked for all items first; each refusal names its item.
    Returns (invitation, raw token) pairs in id order.
    """
    from mianshi.candidates.services import BulkRefused
    from mianshi.invitations.services.sending import invitation_send, resolve_channels

    apps = _load_for_bulk(actor, applications)
    failures, plans = [], {}
    for app in apps:
        try:
            plans[app.pk] = _plan(
                app,
                kind=InvitationKind.FIRST,
                replaces=None,
                expires_hours=expires_hours,
                instructions=instructions,
                positions=None,
            )
            resolve_channels(channels, app.candidate)
        except (DomainError, ValidationError) as exc:
            failures.append(f"#{app.pk} {app.candidate.name}: {_refusal(exc)}")
    if failures:
        raise BulkRefused(failures)
    created = []
    for app in apps:
        invitation, token = _write(actor, app, plans[app.pk], InvitationKind.FIRST, None, "")
        invitation_send(actor=actor, invitation=invitation, channels=channels)
        created.append((invitation, token))
    return created
