"""Checks of a transition rule before it is saved: every refusal names its field.

A rule that can never act (a move the pipeline does not allow, an invitation from a stage
that cannot be invited, a template of another branch) is refused when HR saves it, with a
message beside the field, instead of failing silently on the first candidate.
A template or connector that does not exist and one of another branch get the same
answer, so the refusal leaks nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from mianshi.candidates.pipeline import Stage, can_move, label
from mianshi.integrations.automation.models import (
    ActionKind,
    NoticeTemplate,
    RecordKind,
    TransitionRule,
)
from mianshi.integrations.connectors.models import Connector
from mianshi.invitations.channels import registry
from mianshi.invitations.models import InvitationKind
from mianshi.jobs.models import InterviewTemplate
from mianshi.organisations.models import OrgUnit

Errors = dict[str, list[str]]
MAX_ORDER = 1000
INVITE_KINDS = (InvitationKind.FIRST, InvitationKind.NEXT_ROUND)


def readable_from(owner: OrgUnit, unit: OrgUnit) -> bool:
    """An object owned by `unit` itself or one of its ancestors serves `unit`'s rules."""
    return bool(owner.path) and unit.path.startswith(owner.path)


def rule_errors(rule: TransitionRule) -> Errors:
    """Every problem of `rule` by field (empty: it can be saved)."""
    errors: Errors = {}
    _check_stages(rule, errors)
    if rule.order > MAX_ORDER:
        errors["order"] = [_("The order is a number from 0 to 1000.")]
    if rule.action == ActionKind.INVITE:
        _check_invite(rule, errors)
    elif rule.action == ActionKind.NOTIFY:
        _check_notice(rule, errors)
    elif rule.action == ActionKind.CONNECTOR:
        _check_connector(rule, errors)
    else:
        errors["action"] = [_("Choose an action.")]
    return errors


def _check_stages(rule: TransitionRule, errors: Errors) -> None:
    if rule.to_stage not in Stage.values:
        errors["to_stage"] = [_("Unknown pipeline stage.")]
        return
    if rule.from_stage and rule.from_stage not in Stage.values:
        errors["from_stage"] = [_("Unknown pipeline stage.")]
    elif rule.from_stage and not can_move(rule.from_stage, rule.to_stage):
        errors["from_stage"] = [
            _("An application never moves from “%(from)s” to “%(to)s”.")
            % {"from": label(rule.from_stage), "to": label(rule.to_stage)}
        ]


def _check_invite(rule: TransitionRule, errors: Errors) -> None:
    kind = rule.invitation_kind
    if kind not in INVITE_KINDS:
        errors["invitation_kind"] = [_("Choose a first or a second-round invitation.")]
    elif rule.to_stage in Stage.values and not _invitable(rule.to_stage, kind):
        errors["to_stage"] = [
            _("An application entering “%(stage)s” cannot be invited to this interview.")
            % {"stage": label(rule.to_stage)}
        ]
    _check_channels(rule, errors)
    _check_template(rule, errors)


def _invitable(stage: str, kind: str) -> bool:
    if kind == InvitationKind.NEXT_ROUND:
        return stage == Stage.SECOND_ROUND
    return stage == Stage.INVITED or can_move(stage, Stage.INVITED)


def _check_channels(rule: TransitionRule, errors: Errors) -> None:
    names = rule.channels if isinstance(rule.channels, list) else None
    enabled = registry()
    if not names or not all(isinstance(n, str) and n in enabled for n in names):
        errors["channels"] = [
            _("Choose one or more of the enabled channels: %(names)s.")
            % {"names": ", ".join(enabled)}
        ]


def _check_template(rule: TransitionRule, errors: Errors) -> None:
    template: InterviewTemplate | None = rule.interview_template
    if template is not None:
        if rule.invitation_kind == InvitationKind.NEXT_ROUND:
            errors["interview_template"] = [
                _("A second-round invitation asks the job's second-round template.")
            ]
        elif not readable_from(template.org_unit, rule.org_unit):
            errors["interview_template"] = [_not_usable()]
    elif _job_lacks_template(rule):
        errors["interview_template"] = [
            _("The job has no interview template: choose one here or in the job's settings.")
        ]


def _job_lacks_template(rule: TransitionRule) -> bool:
    job = rule.job
    first = rule.invitation_kind == InvitationKind.FIRST
    return job is not None and first and job.interview_template_id is None


def _not_usable() -> str:
    return _("Choose one of this unit or of a unit above it.")


def _check_notice(rule: TransitionRule, errors: Errors) -> None:
    notice: NoticeTemplate | None = rule.notice
    if notice is None:
        errors["notice"] = [_("Choose the notice to send.")]
    elif not readable_from(notice.org_unit, rule.org_unit):
        errors["notice"] = [_not_usable()]


def _check_connector(rule: TransitionRule, errors: Errors) -> None:
    pk = rule.connector_id
    found = Connector.objects.filter(pk=pk).select_related("org_unit").first() if pk else None
    if found is None:
        errors["connector_id"] = [_("Choose the connector to run.")]
    elif not readable_from(found.org_unit, rule.org_unit):
        errors["connector_id"] = [_not_usable()]
    if rule.record_kind not in RecordKind.values:
        errors["record_kind"] = [_("Choose what the connector sends.")]
