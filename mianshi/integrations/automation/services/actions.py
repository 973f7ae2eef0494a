"""What each kind of action does for one run: invite, send a notice, run a connector.

Each returns what it produced (kept on the run) and the pipeline move it made itself, if
any (for the loop guard). `Skip` says the action has nothing to do; `ActionFailed` is a
refusal a person must look at (not retried); a temporary `DeliveryError` is retried.
The invitation runs inside the run's transaction, so it happens exactly once; the notice
is e-mailed outside any transaction (a slow mail server must not hold a database lock).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.candidates.models import Application, ApplicationTransition
from mianshi.candidates.pipeline import label
from mianshi.common.mail import mail_build, mail_send
from mianshi.common.zoned import zoned
from mianshi.integrations.automation.models import ActionKind, ActionRun, RecordKind
from mianshi.integrations.automation.placeholders import fill
from mianshi.integrations.connectors.models import Connector
from mianshi.integrations.connectors.services.requests import connector_sync_now
from mianshi.invitations.models import CLOSED_STATUSES, Invitation, InvitationKind
from mianshi.invitations.services import (
    invitation_create,
    invitation_link,
    invitation_send,
    invitation_token,
    organisation_label,
)

# Rules act as the system: the audit trail says "system" and names the rule. The
# invitation services treat None as trusted system code (require_cap lets it through).
SYSTEM = cast(Actor, None)


class Skip(Exception):
    """Nothing to do (already invited, the application moved on); the reason is shown."""


class ActionFailed(Exception):
    """A refusal a person must resolve; retrying would not help."""


@dataclass
class Outcome:
    result: dict[str, Any] = field(default_factory=dict)
    caused: ApplicationTransition | None = None


def _open_invitation(application: Application, kind: str = "") -> Invitation | None:
    qs = Invitation.objects.filter(application=application).exclude(status__in=CLOSED_STATUSES)
    if kind:
        qs = qs.filter(kind=kind)
    return next((i for i in qs.order_by("-created_at", "-id") if i.is_usable), None)


def _require_still_there(run: ActionRun) -> None:
    if run.application.stage != run.transition.to_stage:
        raise Skip(_("The application has moved on since."))


def invite(run: ActionRun) -> Outcome:
    """Invite with the rule's template and kind and send the link, unless a valid
    invitation of that kind exists (the one HR just sent, or a rule's before)."""
    _require_still_there(run)
    rule, application = run.rule, run.application
    # A first interview is never forced over any valid link (a re-record invitation HR just
    # sent included); a second round only over a valid second-round one.
    same = rule.invitation_kind if rule.invitation_kind == InvitationKind.NEXT_ROUND else ""
    if _open_invitation(application, same) is not None:
        raise Skip(_("The candidate already has a valid invitation."))
    before = application.stage
    invitation, _token = invitation_create(
        actor=SYSTEM,
        application=application,
        kind=rule.invitation_kind,
        template=rule.interview_template,
        reason=_("Transition rule #%(id)s") % {"id": rule.pk},
    )
    invitation_send(actor=SYSTEM, invitation=invitation, channels=list(rule.channels))
    caused = None
    if application.stage != before:
        caused = ApplicationTransition.objects.filter(application=application).last()
    return Outcome({"invitation_id": invitation.pk}, caused)


def notice_values(application: Application) -> dict[str, str]:
    """What the placeholders of a notice stand for, for this application now."""
    invitation = _open_invitation(application)
    values = {
        "candidate_name": application.candidate.name,
        "job_title": application.job.title,
        "org_name": organisation_label(application.org_unit),
        "stage": label(application.stage),
    }
    if invitation is not None:
        values["deadline"] = zoned(invitation.expires_at)  # with its zone, as in the invitation
        values["interview_link"] = invitation_link(invitation, invitation_token(invitation))
    return values


def notify(run: ActionRun) -> Outcome:
    """E-mail the rule's notice, its placeholders filled in, to the candidate."""
    _require_still_there(run)
    address = run.application.candidate.email
    if not address:
        raise ActionFailed(_("The candidate has no e-mail address."))
    notice, values = run.rule.notice, notice_values(run.application)
    if notice is None:
        raise ActionFailed(_("The rule has no notice template."))
    subject = " ".join(fill(notice.subject, values).split())
    body = fill(notice.body, values)
    html = render_to_string("automation/email/notice.html", {"subject": subject, "body": body})
    message_id = mail_send(mail_build(to=address, subject=subject, text=body, html=html))
    return Outcome({"message_id": message_id, "notice_id": notice.pk})


def connector(run: ActionRun) -> Outcome:
    """Ask the connectors app to send the rule's record of this application now; the sync
    is a row of the connectors app, sent, retried and shown on its health page."""
    rule = run.rule
    if rule.connector_id is None or not Connector.objects.filter(pk=rule.connector_id).exists():
        raise ActionFailed(_("The rule's connector no longer exists."))
    is_candidate = rule.record_kind == RecordKind.CANDIDATE
    object_id = run.application.candidate_id if is_candidate else run.application_id
    sync = connector_sync_now(
        actor=None, connector_id=rule.connector_id, kind=rule.record_kind, object_id=object_id
    )
    return Outcome({"sync_id": sync.pk, "connector_id": rule.connector_id})


ACTIONS: dict[str, Callable[[ActionRun], Outcome]] = {
    ActionKind.INVITE: invite,
    ActionKind.NOTIFY: notify,
    ActionKind.CONNECTOR: connector,
}
# Actions whose whole effect is database rows: they run inside the run's transaction.
IN_TRANSACTION = frozenset({ActionKind.INVITE, ActionKind.CONNECTOR})
