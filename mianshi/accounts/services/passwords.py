"""A signed-in user changes their own password (F-04).

An open session is not the password, so the current one is asked again. A wrong one counts
as a failed login towards the lockout: otherwise a borrowed or stolen session could guess
it without limit. A locked account cannot change it (the lock is what a guesser triggers;
an administrator sets a password instead). Changing the password changes Django's session
auth hash, so every other session of the user ends; the view keeps the current one.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.models import User
from mianshi.accounts.services.login import AccountLocked, claim_attempt, login_failed
from mianshi.accounts.services.users import home_unit, validated_password
from mianshi.compliance.services import audit_record


def user_change_own_password(*, user: User, old_password: str, new_password: str) -> User:
    """Set `user`'s own password after checking the current one (counted like a login)."""
    if not claim_attempt(user):
        raise AccountLocked(
            _("Your account is locked for a while after repeated failures; try again later.")
        )
    if not user.check_password(old_password):
        login_failed(user, user.get_username(), action="user.change_own_password_failed")
        raise ValidationError({"old_password": _("Your current password is not correct.")})
    return _password_save(user, new_password)


@transaction.atomic
def _password_save(user: User, new_password: str) -> User:
    try:
        validated_password(user, new_password)
    except ValidationError:
        User.objects.filter(pk=user.pk).update(failed_login_count=0)  # the old one was right
        raise
    user.failed_login_count = 0
    user.save(update_fields=["password", "failed_login_count"])
    audit_record(
        actor=user, action="user.change_own_password", obj=user, changed_fields=["password"],
        org_unit_id=home_unit(user),
    )  # fmt: skip
    return user
