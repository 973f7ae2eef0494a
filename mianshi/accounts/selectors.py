"""Account reads: which users, grants and keys a manager may see (F-02).

Rule: a user is visible to a manager when at least one of the user's grants lies inside
the manager's ORG_MANAGE subtree; users without any grant are visible only to managers
of a root unit (headquarters). Account-wide changes (profile, password, second factor,
activation, grants, keys) need more (`can_administer`, 三员分立 F-03): on every unit the user
holds a grant on, the manager must hold all the power that grant carries. Otherwise a new
password or a switched-off second factor would hand the manager powers it was denied: a
system admin would read candidates as an HR admin, an HR admin the trail as an auditor.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from mianshi.accounts.actor import Actor, SystemActor
from mianshi.accounts.models import ApiKey, RoleGrant, User
from mianshi.accounts.roles import ROLE_CAPS, Cap, Role
from mianshi.organisations.scoping import scope, units_for
from mianshi.organisations.selectors import manages_root


def grants_in_scope(*, actor: Actor) -> QuerySet[RoleGrant]:
    """Grants on units the actor manages."""
    return scope(RoleGrant.objects.select_related("org_unit", "user"), actor, Cap.ORG_MANAGE)


def user_visible(*, actor: Actor) -> QuerySet[User]:
    """Users the actor may see in user management."""
    if not units_for(actor, Cap.ORG_MANAGE):
        return User.objects.none()
    visible = Q(pk__in=grants_in_scope(actor=actor).values("user_id"))
    if manages_root(actor):
        visible |= Q(grants__isnull=True)
    return User.objects.filter(visible).distinct()


def user_list(
    *,
    actor: Actor,
    q: str = "",
    is_active: bool | None = None,
    unit_id: int | None = None,
    role: str = "",
) -> QuerySet[User]:
    """Visible users, filtered by text, status, and a grant's unit or role."""
    qs = user_visible(actor=actor)
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    if unit_id is not None or role:
        grants = grants_in_scope(actor=actor)
        grants = grants.filter(org_unit_id=unit_id) if unit_id is not None else grants
        grants = grants.filter(role=role) if role else grants
        qs = qs.filter(pk__in=grants.values("user_id"))
    return qs.order_by("username")


def user_get(*, actor: Actor, pk: int) -> User:
    """A visible user, else 404."""
    return get_object_or_404(user_visible(actor=actor), pk=pk)


def caps_on(user: Actor, unit_id: int) -> frozenset[Cap]:
    """The capabilities `user` holds on one unit (through grants on it or above it)."""
    return frozenset(cap for cap in Cap if unit_id in units_for(user, cap))


def can_administer(*, actor: SystemActor, target: User) -> bool:
    """Whether account-wide changes to `target` are the actor's to make: the one rule.

    The actor manages every unit of the target's grants and holds there a superset of what
    each grant carries, so taking the account over could gain the actor nothing.
    """
    if actor is None:
        return True
    if target.is_superuser and not actor.is_superuser:
        return False
    grants = list(target.grants.values_list("role", "org_unit_id"))
    if not grants:
        return manages_root(actor)
    return all(
        ROLE_CAPS[Role(role)] | {Cap.ORG_MANAGE} <= caps_on(actor, unit_id)
        for role, unit_id in grants
    )


def user_grants(*, actor: Actor, user: User) -> QuerySet[RoleGrant]:
    """The user's grants the actor may see: those on units the actor manages."""
    return grants_in_scope(actor=actor).filter(user=user).order_by("org_unit__path", "role")


def grants_hidden_count(*, actor: Actor, user: User) -> int:
    """How many of the user's grants lie outside the actor's subtree (shown as a count only)."""
    return user.grants.count() - user_grants(actor=actor, user=user).count()


def grant_get(*, actor: Actor, pk: int) -> RoleGrant:
    """A grant on a unit the actor manages, else 404."""
    return get_object_or_404(grants_in_scope(actor=actor), pk=pk)


def user_api_keys(*, actor: Actor, user: User) -> QuerySet[ApiKey]:
    """API keys of a visible user (never the raw key: only the prefix is stored)."""
    return ApiKey.objects.filter(user=user).order_by("-created_at")


def apikey_get(*, actor: Actor, pk: int) -> ApiKey:
    """The actor's own key or one of a user visible to the actor, else 404."""
    mine_or_visible = Q(user=actor) | Q(user__in=user_visible(actor=actor))
    return get_object_or_404(ApiKey.objects.select_related("user").filter(mine_or_visible), pk=pk)


def my_api_keys(*, user: User) -> QuerySet[ApiKey]:
    """The caller's own keys, newest first (the self-service page)."""
    return ApiKey.objects.filter(user=user).order_by("-created_at")


def my_grants(*, user: User) -> QuerySet[RoleGrant]:
    """The caller's own grants (for /api/accounts/me)."""
    return user.grants.select_related("org_unit").order_by("org_unit__path", "role")
