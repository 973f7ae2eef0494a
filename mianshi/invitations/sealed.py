"""What invitations seal with ENCRYPTION_KEYS, registered for key rotation (common.sealed):
the link token, kept so HR can resend the same link."""

from mianshi.common.sealed import register, sealed_text_field
from mianshi.invitations.models import Invitation
from mianshi.invitations.services.common import TOKEN_CONTEXT

register(
    sealed_text_field(
        name="invitations.token", model=Invitation, field="token_enc", context=TOKEN_CONTEXT
    )
)
