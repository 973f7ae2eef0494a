"""Login with lockout and the optional TOTP second factor (F-04)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts import totp
from mianshi.accounts.models import User
from mianshi.accounts.services.users import home_unit, require_account
from mianshi.common.errors import Conflict, DomainError
from mianshi.compliance.services import audit_record


class AccountLocked(DomainError):
    status = 403
    code = "locked"


class SecondFactorRequired(DomainError):
    status = 403
    code = "otp_required"


def user_login(
    *, request: HttpRequest | None, username: str, password: str, otp: str = ""
) -> User | None:
    """Check a password (and the TOTP code when enabled), counting failures; locks raise."""
    user = User.objects.filter(username=username).first()
    if user and user.locked_until and user.locked_until > timezone.now():
        audit_record(actor=username, action="login.refused_locked", obj=user)
        raise AccountLocked(_("Too many failed attempts: this account is locked for a while."))
    authed = authenticate(request, username=username, password=password)
    if authed is None:
        _login_failed(user, username)
        return None
    if not _second_factor_ok(authed, otp):  # type: ignore[arg-type]
        _login_failed(user, username, action="login.failed_otp")
        raise SecondFactorRequired(_("Enter the current code from your authenticator app."))
    User.objects.filter(pk=authed.pk).update(failed_login_count=0, locked_until=None)
    audit_record(actor=authed, action="login.success", obj=authed)
    return authed  # type: ignore[return-value]


def _second_factor_ok(user: User, otp: str) -> bool:
    """True without TOTP; with it, a fresh code of a step not used before (no replay)."""
    if not user.totp_enabled:
        return True
    step = totp.matching_step(user.totp_secret, otp)
    if step is None:
        return False
    # Conditional update: two logins racing with the same code cannot both win.
    return bool(
        User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(totp_last_step=step)
    )


@transaction.atomic
def _login_failed(user: User | None, username: str, action: str = "login.failed") -> None:
    if user is None:
        audit_record(
            actor=username[:150], action="login.failed_unknown_user", object_type="accounts.user"
        )
        return
    User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
    user.refresh_from_db(fields=["failed_login_count"])
    if user.failed_login_count >= settings.LOGIN_MAX_FAILURES:
        until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)
        audit_record(actor=username, action="login.locked", obj=user)
    else:
        audit_record(actor=username, action=action, obj=user)


@transaction.atomic
def totp_begin(*, user: User) -> str:
    """Start enrolment: a new secret, not yet required at login until confirmed."""
    if user.totp_enabled:
        raise Conflict(_("The second factor is already on; turn it off first."))
    user.totp_secret = totp.new_secret()
    user.save(update_fields=["totp_secret"])
    audit_record(actor=user, action="user.totp_begin", obj=user, changed_fields=["totp_secret"])
    return user.totp_secret


@transaction.atomic
def totp_enable(*, user: User, code: str) -> User:
    """Finish enrolment with a code from the app, proving it holds the secret."""
    step = totp.matching_step(user.totp_secret, code) if user.totp_secret else None
    if step is None:
        raise ValidationError({"code": _("This code is not valid. Check the time on your phone.")})
    user.totp_enabled, user.totp_last_step = True, step
    user.save(update_fields=["totp_enabled", "totp_last_step"])
    audit_record(
        actor=user,
        action="user.totp_enable",
        obj=user,
        changed_fields=["totp_enabled"],
        org_unit_id=home_unit(user),
    )
    return user


@transaction.atomic
def totp_disable(*, actor: Any, user: User) -> User:
    """Turn the second factor off: the user themselves, or a manager when a phone is lost."""
    if actor is not None and actor.pk != user.pk:
        require_account(actor, user)
    user.totp_enabled, user.totp_secret, user.totp_last_step = False, "", 0
    user.save(update_fields=["totp_enabled", "totp_secret", "totp_last_step"])
    audit_record(
        actor=actor,
        action="user.totp_disable",
        obj=user,
        changed_fields=["totp_enabled", "totp_secret"],
        org_unit_id=home_unit(user),
    )
    return user
