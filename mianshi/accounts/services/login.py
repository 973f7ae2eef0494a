"""Login with lockout and the optional TOTP second factor (F-04)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from mianshi.accounts import totp
from mianshi.accounts.actor import SystemActor
from mianshi.accounts.models import User
from mianshi.accounts.services.users import home_unit, require_account
from mianshi.common import crypto
from mianshi.common.errors import Conflict, DomainError
from mianshi.compliance.services import audit_record

# One answer for every failed sign-in (L3): a locked account, an unknown name, a wrong
# password and a missing or wrong code look alike, so no answer confirms a password or
# an account. The code is asked on the same form, so nothing needs a second step.
FAILED = _lazy(
    "Wrong username, password or authenticator code. After repeated failures an account "
    "is locked for a while."
)


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
    if user is not None and not claim_attempt(user):
        audit_record(actor=username, action="login.refused_locked", obj=user)
        raise AccountLocked(str(FAILED))
    # For an unknown name too: Django hashes a dummy password, so timing reveals nothing.
    authed = authenticate(request, username=username, password=password)
    if authed is None:
        login_failed(user, username)
        return None
    if not _second_factor_ok(authed, otp):
        login_failed(user, username, action="login.failed_otp")
        raise SecondFactorRequired(str(FAILED))
    User.objects.filter(pk=authed.pk).update(failed_login_count=0, locked_until=None)
    audit_record(actor=authed, action="login.success", obj=authed)
    return authed


def claim_attempt(user: User) -> bool:
    """Count the attempt before the slow password check, in one conditional UPDATE.

    Reading the lock and then checking let N parallel guesses all through; now at most
    LOGIN_MAX_FAILURES attempts are in flight or failed before the lock.
    """
    open_now = Q(locked_until__isnull=True) | Q(locked_until__lte=timezone.now())
    claimed = User.objects.filter(
        open_now, pk=user.pk, failed_login_count__lt=settings.LOGIN_MAX_FAILURES
    ).update(failed_login_count=F("failed_login_count") + 1)
    return bool(claimed)


def _second_factor_ok(user: User, otp: str) -> bool:
    """True without TOTP; with it, a fresh code of a step not used before (no replay)."""
    if not user.totp_enabled:
        return True
    step = totp.matching_step(totp_secret_of(user), otp)
    if step is None:
        return False
    # Conditional update: two logins racing with the same code cannot both win.
    return bool(
        User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(totp_last_step=step)
    )


def totp_secret_context(user_id: int) -> str:
    """Bound into the sealed secret: a value copied onto another user does not open."""
    return f"accounts.totp_secret:{user_id}"


def totp_secret_of(user: User) -> str:
    """The user's TOTP secret in clear, for checking a code ('' when none)."""
    return crypto.decrypt_str(user.totp_secret, context=totp_secret_context(user.pk))


def unknown_user_label(username: str) -> str:
    """A keyed hash of an unknown typed name: repeats correlate, the text (often a password)
    is not kept in the immutable chain."""
    digest = salted_hmac("mianshi.login.unknown_user", username.strip().lower()).hexdigest()
    return f"unknown:{digest[:16]}"


@transaction.atomic
def login_failed(user: User | None, username: str, action: str = "login.failed") -> None:
    """The attempt was counted when claimed; the failure that reaches the limit locks."""
    if user is None:
        audit_record(
            actor=unknown_user_label(username),
            action="login.failed_unknown_user",
            object_type="accounts.user",
        )
        return
    until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
    locked = User.objects.filter(
        pk=user.pk, failed_login_count__gte=settings.LOGIN_MAX_FAILURES
    ).update(locked_until=until, failed_login_count=0)
    audit_record(actor=username, action="login.locked" if locked else action, obj=user)


@transaction.atomic
def totp_begin(*, user: User) -> str:
    """Start enrolment: a new secret, not yet required at login until confirmed."""
    if user.totp_enabled:
        raise Conflict(_("The second factor is already on; turn it off first."))
    secret = totp.new_secret()
    user.totp_secret = crypto.encrypt_str(secret, context=totp_secret_context(user.pk))
    user.save(update_fields=["totp_secret"])
    audit_record(actor=user, action="user.totp_begin", obj=user, changed_fields=["totp_secret"])
    return secret


@transaction.atomic
def totp_enable(*, user: User, code: str) -> User:
    """Finish enrolment with a code from the app, proving it holds the secret."""
    step = totp.matching_step(totp_secret_of(user), code) if user.totp_secret else None
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
def totp_disable(*, actor: SystemActor, user: User) -> User:
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
