"""Users and role grants (F-02): who may change whom, and what may be granted."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor, SystemActor
from mianshi.accounts.models import RoleGrant, User
from mianshi.accounts.roles import ROLE_CAPS, Cap, Role
from mianshi.accounts.selectors import can_administer, caps_on, user_visible
from mianshi.common.errors import Conflict, DomainError
from mianshi.compliance.services import audit_record
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import forget_scopes, units_for
from mianshi.organisations.selectors import manages_root


def require_account(actor: User | None, user: User) -> None:
    """Refuse (403) account-wide changes to `user` unless the actor may administer them."""
    if not can_administer(actor=actor, target=user):
        raise PermissionDenied


def home_unit(user: User) -> int | None:
    """The unit an account event is filed under, so branch auditors see their own users."""
    first = user.grants.order_by("org_unit__path").values_list("org_unit_id", flat=True).first()
    return first


def _not_self(actor: User | None, user: User) -> None:
    if actor is not None and actor.pk == user.pk:
        raise DomainError(
            _("You cannot change your own role grants or deactivate yourself."), code="self"
        )


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
    if not ROLE_CAPS[Role(role)] <= caps_on(actor, unit.pk):
        raise ValidationError(
            {"role": _("You can only grant roles whose rights you hold yourself on that unit.")}
        )


@transaction.atomic
def user_create(
    *,
    actor: SystemActor,
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
    validated_password(user, password)
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


def validated_password(user: User, password: str) -> None:
    """Apply the password policy and set the hash (not saved); errors under "password"."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)


@transaction.atomic
def user_update(
    *,
    actor: Actor,
    user: User,
    username: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
) -> User:
    """Change profile fields; None leaves a field alone."""
    require_account(actor, user)
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
            org_unit_id=home_unit(fresh),
        )
    return fresh


@transaction.atomic
def user_deactivate(*, actor: SystemActor, user: User) -> User:
    """Disable login and API keys at once; grants stay for the record."""
    _not_self(actor, user)
    return _set_active(actor, user, active=False)


@transaction.atomic
def user_activate(*, actor: Actor, user: User) -> User:
    """Allow a deactivated user to log in again."""
    return _set_active(actor, user, active=True)


def _set_active(actor: User | None, user: User, *, active: bool) -> User:
    require_account(actor, user)
    if user.is_active != active:
        User.objects.filter(pk=user.pk).update(is_active=active)
        user.is_active = active
        verb = "activate" if active else "deactivate"
        audit_record(
            actor=actor,
            action=f"user.{verb}",
            obj=user,
            changed_fields=["is_active"],
            org_unit_id=home_unit(user),
        )
    return user


@transaction.atomic
def user_set_password(*, actor: Actor, user: User, password: str) -> User:
    """Set a new password (validated, Argon2) and lift any lockout."""
    require_account(actor, user)
    validated_password(user, password)
    user.failed_login_count = 0
    user.locked_until = None
    user.save(update_fields=["password", "failed_login_count", "locked_until"])
    audit_record(
        actor=actor,
        action="user.set_password",
        obj=user,
        changed_fields=["password", "locked_until"],
        org_unit_id=home_unit(user),
    )
    return user


@transaction.atomic
def user_unlock(*, actor: Actor, user: User) -> User:
    """Lift a lockout and reset the failure counter."""
    require_account(actor, user)
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
    user.failed_login_count, user.locked_until = 0, None
    audit_record(
        actor=actor,
        action="user.unlock",
        obj=user,
        changed_fields=["failed_login_count", "locked_until"],
        org_unit_id=home_unit(user),
    )
    return user


@transaction.atomic
def grant_create(*, actor: SystemActor, user: User, role: str, org_unit: OrgUnit) -> RoleGrant:
    """Grant `role` over `org_unit`'s subtree; never to oneself, never beyond one's own subtree."""
    _not_self(actor, user)
    if actor is not None and not user_visible(actor=actor).filter(pk=user.pk).exists():
        raise PermissionDenied
    require_account(actor, user)
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
def grant_revoke(*, actor: Actor, grant: RoleGrant) -> None:
    """Remove a grant: only of a user the actor may administer (F-03), never one's own."""
    _not_self(actor, grant.user)
    require_account(actor, grant.user)
    audit_record(
        actor=actor,
        action="rolegrant.revoke",
        obj=grant,
        changed_fields=["role", "org_unit"],
        detail={"user_id": grant.user_id, "role": grant.role},
    )
    grant.delete()
    forget_scopes(grant.user)
