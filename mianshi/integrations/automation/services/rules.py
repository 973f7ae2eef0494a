"""Writing transition rules and notice templates (HR configures them: Cap.JOBS_MANAGE).

Rules belong to the job set-up like its interview template and invitation text, so the
people who manage a unit's jobs configure them. Every write is checked whole first
(`validation.rule_errors`), then saved and audited in one transaction: a refused rule
leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.actor import SystemActor
from mianshi.common.errors import Conflict
from mianshi.compliance.services import audit_record
from mianshi.integrations.automation.models import (
    ActionKind,
    NoticeTemplate,
    RecordKind,
    TransitionRule,
)
from mianshi.integrations.automation.placeholders import placeholder_errors
from mianshi.integrations.automation.selectors import CAP
from mianshi.integrations.automation.services.validation import Errors, rule_errors
from mianshi.invitations.models import InvitationKind
from mianshi.jobs.models import InterviewTemplate, Job
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import require_cap

RULE_FIELDS = (
    "to_stage",
    "from_stage",
    "action",
    "interview_template_id",
    "invitation_kind",
    "channels",
    "notice_id",
    "connector_id",
    "record_kind",
    "enabled",
    "order",
)
MAX_NAME, MAX_SUBJECT, MAX_BODY = 120, 200, 8000


def _require(actor: SystemActor, unit_id: int) -> None:
    require_cap(actor, CAP, unit_id, _("You may not configure the jobs of this unit."))


def _apply(rule: TransitionRule, data: Mapping[str, Any]) -> list[str]:
    """Set the given fields; return those that changed."""
    changed = []
    for name in RULE_FIELDS:
        if name in data and getattr(rule, name) != data[name]:
            setattr(rule, name, data[name])
            changed.append(name)
    _normalise(rule, given_channels="channels" in data)
    return changed


def _normalise(rule: TransitionRule, *, given_channels: bool) -> None:
    """Keep only the settings of the chosen action, with the invitation's defaults."""
    rule.from_stage = rule.from_stage or ""
    if rule.action == ActionKind.INVITE:
        rule.invitation_kind = rule.invitation_kind or InvitationKind.FIRST
        if not given_channels and not rule.channels:
            rule.channels = ["email"]
    else:
        rule.interview_template_id, rule.invitation_kind, rule.channels = None, "", []
    if rule.action != ActionKind.NOTIFY:
        rule.notice_id = None
    if rule.action != ActionKind.CONNECTOR:
        rule.connector_id, rule.record_kind = None, ""
    elif not rule.record_kind:
        rule.record_kind = RecordKind.ASSESSMENT


def _resolve(rule: TransitionRule) -> Errors:
    """Load what the ids name; an id that names nothing is an error on its field."""
    errors: Errors = {}
    for field, model in (("interview_template", InterviewTemplate), ("notice", NoticeTemplate)):
        pk = getattr(rule, f"{field}_id")
        found = model.objects.select_related("org_unit").filter(pk=pk).first() if pk else None
        if pk and found is None:
            errors[field] = [_("Choose one of this unit or of a unit above it.")]
        setattr(rule, field, found)
    return errors


def _check(rule: TransitionRule) -> None:
    errors = _resolve(rule)
    errors = {**rule_errors(rule), **errors}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def rule_create(
    *,
    actor: SystemActor,
    data: Mapping[str, Any],
    org_unit: OrgUnit | None = None,
    job: Job | None = None,
) -> TransitionRule:
    """A unit's default rule (`org_unit`) or a job's own rule (`job`), checked whole."""
    unit = job.org_unit if job is not None else org_unit
    if unit is None:
        raise ValidationError({"org_unit": _("Choose a unit or a job.")})
    _require(actor, unit.pk)
    rule = TransitionRule(org_unit=unit, job=job, created_by=actor)
    _apply(rule, data)
    _check(rule)
    rule.save()
    audit_record(
        actor=actor,
        action="transition_rule.create",
        obj=rule,
        changed_fields=[f for f in RULE_FIELDS if f in data],
        detail={"job": job.pk if job else None, "to": rule.to_stage, "action": rule.action},
    )
    return rule


@transaction.atomic
def rule_update(
    *, actor: SystemActor, rule: TransitionRule, data: Mapping[str, Any]
) -> TransitionRule:
    """Change a rule's settings (its unit and job stay); checked whole like a new one."""
    _require(actor, rule.org_unit_id)
    changed = _apply(rule, data)
    _check(rule)
    rule.save()
    audit_record(actor=actor, action="transition_rule.update", obj=rule, changed_fields=changed)
    return rule


@transaction.atomic
def rule_delete(*, actor: SystemActor, rule: TransitionRule) -> None:
    """Delete a rule (its pending runs go with it; the audit trail keeps what ran)."""
    _require(actor, rule.org_unit_id)
    audit_record(
        actor=actor,
        action="transition_rule.delete",
        obj=rule,
        detail={"job": rule.job_id, "to": rule.to_stage, "action": rule.action},
    )
    rule.delete()


def _check_notice(notice: NoticeTemplate) -> None:
    errors: Errors = {}
    limits = (("name", MAX_NAME), ("subject", MAX_SUBJECT), ("body", MAX_BODY))
    for field, limit in limits:
        value = getattr(notice, field)
        if not value.strip():
            errors[field] = [_("This field is required.")]
        elif len(value) > limit:
            errors[field] = [_("At most %(n)s characters.") % {"n": limit}]
        elif field != "name" and placeholder_errors(value):
            errors[field] = placeholder_errors(value)
    if errors:
        raise ValidationError(errors)


def _notice_apply(notice: NoticeTemplate, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in ("name", "subject", "body"):
        if name in data and getattr(notice, name) != data[name]:
            setattr(notice, name, str(data[name] or "").replace("\r\n", "\n").strip())
            changed.append(name)
    return changed


@transaction.atomic
def notice_create(
    *, actor: SystemActor, org_unit: OrgUnit, data: Mapping[str, Any]
) -> NoticeTemplate:
    """A notice template of `org_unit` (its placeholders checked)."""
    _require(actor, org_unit.pk)
    notice = NoticeTemplate(org_unit=org_unit, name="", subject="", body="")
    changed = _notice_apply(notice, data)
    _check_notice(notice)
    notice.save()
    audit_record(actor=actor, action="notice_template.create", obj=notice, changed_fields=changed)
    return notice


@transaction.atomic
def notice_update(
    *, actor: SystemActor, notice: NoticeTemplate, data: Mapping[str, Any]
) -> NoticeTemplate:
    """Change a notice template; rules that use it send the new text from now on."""
    _require(actor, notice.org_unit_id)
    changed = _notice_apply(notice, data)
    _check_notice(notice)
    notice.save()
    audit_record(actor=actor, action="notice_template.update", obj=notice, changed_fields=changed)
    return notice


@transaction.atomic
def notice_delete(*, actor: SystemActor, notice: NoticeTemplate) -> None:
    """Delete a notice template no rule uses (a rule that does keeps it: 409)."""
    _require(actor, notice.org_unit_id)
    if notice.rules.exists():
        raise Conflict(_("Rules still send this notice: change or delete them first."))
    audit_record(actor=actor, action="notice_template.delete", obj=notice)
    notice.delete()
