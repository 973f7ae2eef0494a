"""Account writes: login with lockout, users, role grants, API keys (F-02, F-04).

Every write is audited with field names only: never a password, e-mail or name value.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.api_auth import API_SCOPES, hash_key, new_raw_key
from mianshi.accounts.models import ApiKey, RoleGrant, User
from mianshi.accounts.roles import ROLE_CAPS, Cap, Role
from mianshi.accounts.selectors import fully_manages, user_visible
from mianshi.common.errors import Conflict, DomainError
from mianshi.compliance.services import audit_record
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import forget_scopes, units_for
from mianshi.organisations.selectors import manages_root


class AccountLocked(DomainError):
    status = 403
    code = "locked"


# ---------------------------------------------------------------- login


def user_login(*, request: HttpRequest | None, username: str, password: str) -> User | None:
    """Check a password, counting failures; raise AccountLocked while a lock lasts."""
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
        audit_record(actor=username, action="login.failed", obj=user)


# ---------------------------------------------------------------- checks


def _require_account(actor: User | None, user: User) -> None:
    """Account-wide changes need every grant of `user` inside the actor's subtree."""
    if not fully_manages(actor=actor, user=user):
        raise PermissionDenied


def _home_unit(user: User) -> int | None:
    """The unit an account event is filed under, so branch auditors see their own users."""
    first = user.grants.order_by("org_unit__path").values_list("org_unit_id", flat=True).first()
    return first


def _not_self(actor: User | None, user: User) -> None:
    if actor is not None and actor.pk == user.pk:
        raise DomainError(
            _("You cannot change your own role grants or deactivate yourself."), code="self"
        )


def _caps_on(actor: User, unit_id: int) -> set[Cap]:
    return {cap for cap in Cap if unit_id in units_for(actor, cap)}


def _check_grantable(actor: User | None, role: str, unit: OrgUnit) -> None:
    """The unit must be in the actor's subtree; the role may carry no power the actor lacks."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if not OrgUnit.objects.filter(pk=unit.pk, is_active=True).exists():
        raise ValidationError({"org_unit": _("Choose an active unit you manage.")})
    if actor is None or actor.is_superuser:
        return
    if unit.pk not in units_for(actor, Cap.ORG_MANAGE):
        raise ValidationError({"org_unit": _("Choose an active unit you manage.")})
    if not ROLE_CAPS[Role(role)] <= _caps_on(actor, unit.pk):
        raise ValidationError(
            {"role": _("You can only grant roles whose rights you hold yourself on that unit.")}
        )


# ---------------------------------------------------------------- users


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    display_name: str = "",
    email: str = "",
    role: str = "",
    org_unit: OrgUnit | None = None,
) -> User:
    """Create a user (Argon2 password) with a first grant, so the creator keeps sight of them."""
    if (not role) != (org_unit is None):
        raise ValidationError({"role": _("Give both a role and a unit, or neither.")})
    if org_unit is None and actor is not None and not manages_root(actor):
        raise ValidationError({"org_unit": _("Choose the unit the new user works in.")})
    user = User(username=username, display_name=display_name, email=email)
    user.full_clean(exclude=["password"])
    _validated_password(user, password)
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        changed_fields=["username", "display_name", "email", "password"],
        org_unit_id=org_unit.pk if org_unit else None,
    )
    if org_unit is not None:
        _grant(actor=actor, user=user, role=role, org_unit=org_unit)
    return user


def _validated_password(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)


@transaction.atomic
def user_update(
    *,
    actor: Any,
    user: User,
    username: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
) -> User:
    """Change profile fields; None leaves a field alone."""
    _require_account(actor, user)
    fresh = User.objects.select_for_update().get(pk=user.pk)
    wanted = {"username": username, "display_name": display_name, "email": email}
    changed = [f for f, v in wanted.items() if v is not None and getattr(fresh, f) != v]
    for field in changed:
        setattr(fresh, field, wanted[field])
    if changed:
        fresh.full_clean(exclude=["password"])
        fresh.save(update_fields=changed)
        audit_record(
            actor=actor,
            action="user.update",
            obj=fresh,
            changed_fields=changed,
            org_unit_id=_home_unit(fresh),
        )
    return fresh


@transaction.atomic
def user_deactivate(*, actor: Any, user: User) -> User:
    """Disable login and API keys at once; grants stay for the record."""
    _not_self(actor, user)
    return _set_active(actor, user, active=False)


@transaction.atomic
def user_activate(*, actor: Any, user: User) -> User:
    """Allow a deactivated user to log in again."""
    return _set_active(actor, user, active=True)


def _set_active(actor: User | None, user: User, *, active: bool) -> User:
    _require_account(actor, user)
    if user.is_active != active:
        User.objects.filter(pk=user.pk).update(is_active=active)
        user.is_active = active
        verb = "activate" if active else "deactivate"
        audit_record(
            actor=actor,
            action=f"user.{verb}",
            obj=user,
            changed_fields=["is_active"],
            org_unit_id=_home_unit(user),
        )
    return user


@transaction.atomic
def user_set_password(*, actor: Any, user: User, password: str) -> User:
    """Set a new password (validated, Argon2) and lift any lockout."""
    _require_account(actor, user)
    _validated_password(user, password)
    user.failed_login_count = 0
    user.locked_until = None
    user.save(update_fields=["password", "failed_login_count", "locked_until"])
    audit_record(
        actor=actor,
        action="user.set_password",
        obj=user,
        changed_fields=["password", "locked_until"],
        org_unit_id=_home_unit(user),
    )
    return user


@transaction.atomic
def user_unlock(*, actor: Any, user: User) -> User:
    """Lift a lockout and reset the failure counter."""
    _require_account(actor, user)
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
    user.failed_login_count, user.locked_until = 0, None
    audit_record(
        actor=actor,
        action="user.unlock",
        obj=user,
        changed_fields=["failed_login_count", "locked_until"],
        org_unit_id=_home_unit(user),
    )
    return user


# ---------------------------------------------------------------- grants


@transaction.atomic
def grant_create(*, actor: Any, user: User, role: str, org_unit: OrgUnit) -> RoleGrant:
    """Grant `role` over `org_unit`'s subtree; never to oneself, never beyond one's own subtree."""
    _not_self(actor, user)
    if actor is not None and not user_visible(actor=actor).filter(pk=user.pk).exists():
        raise PermissionDenied
    return _grant(actor=actor, user=user, role=role, org_unit=org_unit)


def _grant(*, actor: User | None, user: User, role: str, org_unit: OrgUnit) -> RoleGrant:
    _check_grantable(actor, role, org_unit)
    if RoleGrant.objects.filter(user=user, role=role, org_unit=org_unit).exists():
        raise Conflict(_("This user already holds that role on that unit."))
    grant = RoleGrant.objects.create(
        user=user,
        role=role,
        org_unit=org_unit,
        granted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    forget_scopes(user)
    audit_record(
        actor=actor,
        action="rolegrant.create",
        obj=grant,
        changed_fields=["role", "org_unit"],
        detail={"user_id": user.pk, "role": role},
    )
    return grant


@transaction.atomic
def grant_revoke(*, actor: Any, grant: RoleGrant) -> None:
    """Remove a grant; only on a unit the actor manages, never one's own."""
    _not_self(actor, grant.user)
    if actor is not None and grant.org_unit_id not in units_for(actor, Cap.ORG_MANAGE):
        raise PermissionDenied
    audit_record(
        actor=actor,
        action="rolegrant.revoke",
        obj=grant,
        changed_fields=["role", "org_unit"],
        detail={"user_id": grant.user_id, "role": grant.role},
    )
    grant.delete()
    forget_scopes(grant.user)


# ---------------------------------------------------------------- API keys


def _check_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(API_SCOPES))
    if unknown or not scopes:
        raise ValidationError(
            {"scopes": _("Unknown or missing scopes: %(s)s") % {"s": ", ".join(unknown) or "-"}}
        )
    return sorted(set(scopes))


@transaction.atomic
def apikey_create(
    *, actor: Any, user: User, scopes: list[str], name: str = ""
) -> tuple[ApiKey, str]:
    """Create a key; returns (row, raw key). The raw key cannot be recovered later."""
    if actor is not None and actor.pk != user.pk:
        _require_account(actor, user)
    clean_scopes = _check_scopes(scopes)
    if len(name) > 80:
        raise ValidationError({"name": _("At most 80 characters.")})
    raw, prefix = new_raw_key()
    key = ApiKey.objects.create(
        user=user, name=name, prefix=prefix, key_hash=hash_key(raw), scopes=clean_scopes
    )
    audit_record(
        actor=actor,
        action="apikey.create",
        obj=key,
        changed_fields=["scopes"],
        org_unit_id=_home_unit(user),
        detail={"user_id": user.pk},
    )
    return key, raw


@transaction.atomic
def apikey_revoke(*, actor: Any, key: ApiKey) -> None:
    """Revoke a key at once."""
    if actor is not None and actor.pk != key.user_id:
        _require_account(actor, key.user)
    if key.revoked_at is None:
        ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
        audit_record(
            actor=actor,
            action="apikey.revoke",
            obj=key,
            changed_fields=["revoked_at"],
            org_unit_id=_home_unit(key.user),
            detail={"user_id": key.user_id},
        )
