"""Invitation writes (typed, keyword-only, each owning its transaction and audit event)."""

from mianshi.invitations.services.common import (
    Gone,
    invitation_link,
    invitation_token,
    organisation_label,
    status_link,
)
from mianshi.invitations.services.invitations import (
    NotInvitable,
    invitation_bulk_create_send,
    invitation_create,
    invitation_reinvite,
    invitation_revoke,
)
from mianshi.invitations.services.sending import (
    deliveries_maintain,
    delivery_attempt,
    invitation_create_send,
    invitation_resend,
    invitation_send,
    message_for,
    resolve_channels,
)
from mianshi.invitations.services.tracking import (
    invitation_mark_completed,
    invitation_mark_opened,
    invitation_mark_started,
)

__all__ = [
    "Gone",
    "NotInvitable",
    "deliveries_maintain",
    "delivery_attempt",
    "invitation_bulk_create_send",
    "invitation_create",
    "invitation_create_send",
    "invitation_link",
    "invitation_mark_completed",
    "invitation_mark_opened",
    "invitation_mark_started",
    "invitation_reinvite",
    "invitation_resend",
    "invitation_revoke",
    "invitation_send",
    "invitation_token",
    "message_for",
    "organisation_label",
    "resolve_channels",
    "status_link",
]
