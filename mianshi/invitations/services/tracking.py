"""Tracking what the candidate does with the link (F-31): opened, started, completed.

Each call is idempotent and moves the status only forward, with conditional UPDATEs so two
requests at once cannot move it back or stamp a time twice. The pipeline stage is moved by
the candidate flow (interviews), not here.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from mianshi.compliance.services import audit_record
from mianshi.events.services import event_emit
from mianshi.invitations.models import Invitation, InvitationStatus
from mianshi.invitations.services.common import FORWARD

ACTOR = "candidate"


def _forward(invitation: Invitation, to: InvitationStatus, stamp: str) -> bool:
    """Move to `to` from any earlier status; stamp the time once. True when it moved."""
    now = timezone.now()
    earlier = FORWARD[: FORWARD.index(to)]
    moved = Invitation.objects.filter(pk=invitation.pk, status__in=earlier).update(
        status=to, **{stamp: Coalesce(F(stamp), Value(now))}
    )
    invitation.refresh_from_db(fields=["status", stamp])
    if moved:
        audit_record(
            actor=ACTOR,
            action=f"invitation.{to.value}",
            obj=invitation,
            changed_fields=["status", stamp],
        )
        invitation_event(invitation, f"invitation.{to.value}")
    return bool(moved)


def invitation_event(invitation: Invitation, type: str, channel: str = "") -> None:
    """An invitation's event: ids, kind and channel (the candidate's address stays here)."""
    data = {"invitation_id": invitation.pk, "application_id": invitation.application_id,
            "kind": invitation.kind, "channel": channel}  # fmt: skip
    event_emit(type=type, data=data, org_unit_id=invitation.org_unit_id)


@transaction.atomic
def invitation_mark_opened(*, invitation: Invitation) -> Invitation:
    """The candidate opened the interview page: count it, stamp the first time."""
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(
        open_count=F("open_count") + 1, first_opened_at=Coalesce(F("first_opened_at"), Value(now))
    )
    invitation.refresh_from_db(fields=["open_count", "first_opened_at"])
    _forward(invitation, InvitationStatus.OPENED, "first_opened_at")
    return invitation


@transaction.atomic
def invitation_mark_started(*, invitation: Invitation) -> Invitation:
    """The candidate started the first question."""
    _forward(invitation, InvitationStatus.STARTED, "started_at")
    return invitation


@transaction.atomic
def invitation_mark_completed(*, invitation: Invitation) -> Invitation:
    """The candidate finished the interview; the link now opens the status page only."""
    _forward(invitation, InvitationStatus.COMPLETED, "completed_at")
    return invitation
