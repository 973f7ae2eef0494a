"""Sending invitations over channels (F-31): queue Delivery rows, deliver them in a task.

The task (`invitations.deliver`) calls `delivery_attempt`, which claims the row with a
conditional UPDATE and sends outside any transaction: a slow mail server must not hold a
database lock (SQLite has one writer), and a second run of the same delivery finds nothing
to claim.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.common.claims import claim
from mianshi.compliance.services import audit_record
from mianshi.invitations.channels import Channel, ChannelError, Message, registry
from mianshi.invitations.models import Delivery, DeliveryStatus, Invitation, InvitationStatus
from mianshi.invitations.services.common import (
    invitation_link,
    invitation_token,
    organisation_label,
    require_manage,
    require_usable,
    status_link,
)
from mianshi.invitations.services.tracking import invitation_event

log = logging.getLogger(__name__)
Outcome = Literal["sent", "failed", "retry", "skipped"]


def resolve_channels(names: Sequence[str], candidate: Any) -> list[Channel]:
    """The enabled channels named, each able to reach `candidate`; refuses otherwise."""
    enabled = registry()
    chosen = list(dict.fromkeys(names))
    if not chosen:
        raise ValidationError({"channels": _("Choose at least one channel.")})
    unknown = [n for n in chosen if n not in enabled]
    if unknown:
        raise ValidationError(
            {"channels": _("Unknown channel: %(names)s.") % {"names": ", ".join(unknown)}}
        )
    for name in chosen:
        if not enabled[name].available_for(candidate):
            raise ValidationError(
                {
                    "channels": _("The candidate cannot be reached by %(channel)s: no address.")
                    % {"channel": enabled[name].label}
                }
            )
    return [enabled[n] for n in chosen]


def _enqueue(delivery_id: int) -> None:
    from mianshi.invitations.tasks import deliver

    deliver.delay(delivery_id)


def _queue(invitation: Invitation, channels: list[Channel], purpose: str) -> list[Delivery]:
    deliveries = [
        Delivery.objects.create(invitation=invitation, channel=ch.name, purpose=purpose)
        for ch in channels
    ]
    for delivery in deliveries:
        # robust: a broker hiccup after commit must not turn the HR request into a 500.
        transaction.on_commit(partial(_enqueue, delivery.pk), robust=True)
    return deliveries


@transaction.atomic
def invitation_send(
    *,
    actor: Actor,
    invitation: Invitation,
    channels: Sequence[str] = ("email",),
    purpose: str = "invitation",
) -> list[Delivery]:
    """Queue one Delivery per channel; the task sends each after the transaction commits."""
    require_manage(actor, invitation.org_unit_id)
    require_usable(invitation)
    chosen = resolve_channels(channels, invitation.application.candidate)
    deliveries = _queue(invitation, chosen, purpose)
    audit_record(
        actor=actor,
        action="invitation.send",
        obj=invitation,
        detail={"channels": ",".join(ch.name for ch in chosen), "purpose": purpose},
    )
    return deliveries


@transaction.atomic
def invitation_resend(
    *, actor: Actor, invitation: Invitation, channels: Sequence[str] = ("email",)
) -> str:
    """Send the same link again (a new Delivery); returns the raw token for HR to copy."""
    require_manage(actor, invitation.org_unit_id)
    require_usable(invitation)
    chosen = resolve_channels(channels, invitation.application.candidate)
    _queue(invitation, chosen, "invitation")
    audit_record(
        actor=actor,
        action="invitation.resend",
        obj=invitation,
        detail={"channels": ",".join(ch.name for ch in chosen)},
    )
    return invitation_token(invitation)


@transaction.atomic
def invitation_create_send(
    *,
    actor: Actor,
    application: Any,
    expires_hours: int | None = None,
    instructions: str | None = None,
    channels: Sequence[str] = ("email",),
) -> tuple[Invitation, str]:
    """Invite one application and send the link; the channels are checked before writing."""
    from mianshi.invitations.services.invitations import invitation_create

    require_manage(actor, application.org_unit_id)
    resolve_channels(channels, application.candidate)
    invitation, token = invitation_create(
        actor=actor, application=application, expires_hours=expires_hours, instructions=instructions
    )
    invitation_send(actor=actor, invitation=invitation, channels=channels)
    return invitation, token


def message_for(invitation: Invitation, purpose: str) -> Message:
    """The facts a channel tells the candidate about `invitation`."""
    token = invitation_token(invitation)
    application = invitation.application
    total = len(invitation.positions) or invitation.template_version.items.count()
    return Message(
        invitation_id=invitation.pk,
        candidate=application.candidate,
        kind=invitation.kind,
        purpose=purpose,
        job_title=application.job.title,
        org_name=organisation_label(invitation.org_unit),
        expires_at=invitation.expires_at,
        link=invitation_link(invitation, token),
        status_link=status_link(token),
        instructions=invitation.instructions,
        materials=list(invitation.required_materials),
        question_count=total,
        positions=list(invitation.positions),
    )


def _claim(delivery_id: int) -> bool:
    sending = {"status": DeliveryStatus.SENDING, "claimed_at": timezone.now()}
    queued = {"status": DeliveryStatus.QUEUED}
    return claim(Delivery.objects, pk=delivery_id, expect=queued, to=sending, count="attempts")


# A send takes seconds; a claim older than this belongs to a worker that died mid-send.
STALE_CLAIM = timedelta(minutes=15)
# Queued rows this old without a claim lost their message (broker down at commit time).
LOST_MESSAGE = timedelta(minutes=30)


def deliveries_maintain(*, now: datetime | None = None) -> dict[str, int]:
    """Give stuck deliveries back to the queue and send them again (run periodically)."""
    now = now or timezone.now()
    stale = Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)
    released = stale.update(status=DeliveryStatus.QUEUED)
    lost = Delivery.objects.filter(
        status=DeliveryStatus.QUEUED, created_at__lt=now - LOST_MESSAGE
    ).exclude(claimed_at__gt=now - LOST_MESSAGE)
    ids = list(lost.values_list("pk", flat=True)[:500])
    for pk in ids:
        _enqueue(pk)
    return {"released": released, "requeued": len(ids)}


@transaction.atomic
def _settle(delivery: Delivery, status: str, *, error: str = "", provider_id: str = "") -> None:
    now = timezone.now()
    fields: dict[str, Any] = {
        "status": status,
        "error": error[:500],
        "provider_id": provider_id[:200],
    }
    if status == DeliveryStatus.SENT:
        fields["sent_at"] = now
        invitation = Invitation.objects.filter(pk=delivery.invitation_id)
        first = invitation.filter(status=InvitationStatus.CREATED).update(
            status=InvitationStatus.SENT
        )
        invitation.filter(sent_at__isnull=True).update(sent_at=now)
        if first:  # the first delivery that reached the candidate: sent, once
            invitation_event(delivery.invitation, "invitation.sent", delivery.channel)
    Delivery.objects.filter(pk=delivery.pk).update(**fields)
    if status != DeliveryStatus.QUEUED:
        audit_record(
            actor=None,
            action=f"delivery.{status}",
            obj=delivery,
            org_unit_id=delivery.invitation.org_unit_id,
            changed_fields=["status"],
            detail={"channel": delivery.channel, "attempts": delivery.attempts},
        )


def _send(delivery: Delivery) -> str:
    channel = registry().get(delivery.channel)
    if channel is None:
        raise ChannelError(_("The channel “%(c)s” is not enabled.") % {"c": delivery.channel})
    return channel.send(message_for(delivery.invitation, delivery.purpose))


def delivery_attempt(*, delivery_id: int, final: bool = True) -> Outcome:
    """Claim and send one queued delivery; temporary failures go back to the queue unless final."""
    if not _claim(delivery_id):
        return "skipped"
    delivery = Delivery.objects.select_related(
        "invitation__application__candidate", "invitation__application__job", "invitation__org_unit"
    ).get(pk=delivery_id)
    if not delivery.invitation.is_usable:
        _settle(delivery, DeliveryStatus.FAILED, error=_("The invitation is no longer valid."))
        return "failed"
    try:
        provider_id = _send(delivery)
    except ChannelError as exc:
        retry = exc.temporary and not final
        _settle(
            delivery, DeliveryStatus.QUEUED if retry else DeliveryStatus.FAILED, error=exc.message
        )
        log.warning(
            "delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, exc.message
        )
        return "retry" if retry else "failed"
    except Exception:
        # A bug must not leave the row SENDING forever (nor crash the worker loop).
        log.exception("delivery %s crashed", delivery.pk)
        _settle(delivery, DeliveryStatus.FAILED, error=_("Unexpected error; see the server log."))
        return "failed"
    _settle(delivery, DeliveryStatus.SENT, provider_id=provider_id)
    return "sent"
