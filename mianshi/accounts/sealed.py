"""Sealed material of the accounts app, for key rotation (common/sealed.py): TOTP secrets."""

from mianshi.accounts.models import User
from mianshi.accounts.services.login import totp_secret_context
from mianshi.common.sealed import register, sealed_text_field

register(
    sealed_text_field(
        name="accounts.totp_secret",
        model=User,
        field="totp_secret",
        context=lambda user: totp_secret_context(user.pk),
    )
)
