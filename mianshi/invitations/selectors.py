"""Invitation reads."""

from __future__ import annotations

from mianshi.invitations.models import Invitation
from mianshi.invitations.tokens import hash_token


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation behind a link, whatever its state (callers decide what it may open)."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related(
            "application__job", "application__candidate", "org_unit", "template_version"
        )
        .filter(token_hash=hash_token(token))
        .first()
    )
