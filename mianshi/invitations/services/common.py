"""Helpers shared by the invitation services: permission, tokens, links, status order."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.common.crypto import decrypt_str, encrypt_str
from mianshi.common.errors import DomainError
from mianshi.invitations.models import Invitation, InvitationStatus
from mianshi.organisations.models import OrgUnit, UnitKind
from mianshi.organisations.scoping import require_cap

# Associated data of the encrypted token: a token copied into another column fails.
TOKEN_CONTEXT = "invitation.token"
# Statuses in the order an invitation lives through them; tracking only moves forward.
FORWARD = [
    InvitationStatus.CREATED,
    InvitationStatus.SENT,
    InvitationStatus.OPENED,
    InvitationStatus.STARTED,
    InvitationStatus.COMPLETED,
]


class Gone(DomainError):
    """The invitation can no longer be used (expired, revoked, replaced, completed)."""

    status = 410
    code = "gone"


def require_manage(actor: Actor, unit_id: int) -> None:
    """Refuse (403) unless `actor` manages candidates of the unit; None is system code."""
    require_cap(
        actor, Cap.CANDIDATES_MANAGE, unit_id, _("You may not invite candidates of this unit.")
    )


def seal_token(token: str) -> str:
    return encrypt_str(token, context=TOKEN_CONTEXT)


def invitation_token(invitation: Invitation) -> str:
    """The link secret of `invitation` (kept encrypted so HR can resend the same link)."""
    return decrypt_str(invitation.token_enc, context=TOKEN_CONTEXT)


def invitation_link(invitation: Invitation, token: str) -> str:
    """The absolute URL the candidate opens (settings.PUBLIC_URL + /i/<token>/)."""
    return settings.PUBLIC_URL + reverse("candidate:interview", args=[token])


def status_link(token: str) -> str:
    """The absolute URL of the candidate's status page (F-33)."""
    return settings.PUBLIC_URL + reverse("candidate:status", args=[token])


def organisation_label(unit: OrgUnit) -> str:
    """How a candidate knows the employer: branch and department names, e.g. 上海分公司 · 销售部."""
    ids = [int(i) for i in unit.path.strip("/").split("/") if i]
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids)}
    chain = [units[i] for i in ids if i in units]
    named = [u.name for u in chain if u.kind != UnitKind.HEADQUARTERS] or [unit.name]
    return " · ".join(named)


def require_usable(invitation: Invitation) -> None:
    """Refuse (410) to act on a link that no longer opens the interview."""
    if invitation.status in (InvitationStatus.REVOKED, InvitationStatus.SUPERSEDED):
        raise Gone(_("This invitation was withdrawn or replaced; send a new one instead."))
    if invitation.status == InvitationStatus.COMPLETED:
        raise Gone(_("The candidate has already completed this interview."))
    if invitation.is_expired:
        raise Gone(_("This invitation has expired; send a new one instead."))
