"""Account writes: login with lockout, API keys."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from mianshi.accounts.api_auth import API_SCOPES, hash_key, new_raw_key
from mianshi.accounts.models import ApiKey, User
from mianshi.common.errors import DomainError
from mianshi.compliance.services import audit_record


class AccountLocked(DomainError):
    status = 403
    code = "locked"


def user_login(*, request: HttpRequest | None, username: str, password: str) -> User | None:
    """Check a password, counting failures; raise AccountLocked while a lock lasts."""
    from django.utils.translation import gettext as _

    user = User.objects.filter(username=username).first()
    if user and user.locked_until and user.locked_until > timezone.now():
        audit_record(actor=username, action="login.refused_locked", obj=user)
        raise AccountLocked(_("Too many failed attempts: this account is locked for a while."))
    authed = authenticate(request, username=username, password=password)
    if authed is None:
        _login_failed(user, username)
        return None
    User.objects.filter(pk=authed.pk).update(failed_login_count=0, locked_until=None)
    audit_record(actor=authed, action="login.success", obj=authed)
    return authed  # type: ignore[return-value]


@transaction.atomic
def _login_failed(user: User | None, username: str) -> None:
    if user is None:
        audit_record(actor=username[:150], action="login.failed_unknown_user", object_type="accounts.user")
        return
    User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
    user.refresh_from_db(fields=["failed_login_count"])
    if user.failed_login_count >= settings.LOGIN_MAX_FAILURES:
        until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)
        audit_record(actor=username, action="login.locked", obj=user)
    else:
        audit_record(actor=username, action="login.failed", obj=user)


@transaction.atomic
def apikey_create(*, actor: Any, user: User, scopes: list[str], name: str = "") -> tuple[ApiKey, str]:
    """Create a key; returns (row, raw key). The raw key cannot be recovered later."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    unknown = sorted(set(scopes) - set(API_SCOPES))
    if unknown or not scopes:
        raise ValidationError(
            {"scopes": _("Unknown or missing scopes: %(s)s") % {"s": ", ".join(unknown) or "-"}}
        )
    raw, prefix = new_raw_key()
    key = ApiKey.objects.create(
        user=user, name=name, prefix=prefix, key_hash=hash_key(raw), scopes=sorted(set(scopes))
    )
    audit_record(actor=actor, action="apikey.create", obj=key, changed_fields=["scopes"])
    return key, raw


@transaction.atomic
def apikey_revoke(*, actor: Any, key: ApiKey) -> None:
    """Revoke a key at once."""
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
    audit_record(actor=actor, action="apikey.revoke", obj=key)
