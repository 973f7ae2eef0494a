"""Scoping: the only way tenant data is queried (ARCHITECTURE rule 3).

A user's role grants name org units; a grant covers the unit's whole subtree. Each
capability is held through some roles only, so `units_for(user, cap)` is the set of units
where the user may exercise that capability. Selectors filter every tenant queryset
through `scope()`; anything outside answers 404, never a leak.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from mianshi.accounts.actor import Actor, SystemActor, Viewer
from mianshi.accounts.models import User
from mianshi.accounts.roles import Cap, Role, roles_with
from mianshi.organisations.models import OrgUnit

M = TypeVar("M", bound=Model)
_CACHE_ATTR = "_mianshi_scope_cache"


def units_for(user: Viewer, cap: Cap, *, roles: set[Role] | None = None) -> frozenset[int]:
    """Ids of the org units (grant subtrees) where `user` holds `cap`, optionally via `roles`."""
    # An anonymous user (a public page's request) or None holds nothing.
    if not isinstance(user, User) or not user.is_active:
        return frozenset()
    allowed = roles_with(cap) if roles is None else roles_with(cap) & roles
    key = (cap, frozenset(allowed))
    cache: dict[Any, Any] = user.__dict__.setdefault(_CACHE_ATTR, {})
    if key not in cache:
        cache[key] = _subtree_ids(cache, user, allowed)
    return cache[key]


def _subtree_ids(cache: dict[Any, Any], user: User, roles: set[Role]) -> frozenset[int]:
    # A page asks for several capabilities (its own, the navigation's): read the user's
    # grants and the units under them once per request, then select per role in Python.
    if "grants" not in cache:
        grants = list(
            user.grants.filter(org_unit__is_active=True).values_list("role", "org_unit__path")
        )
        cache["grants"] = (grants, _units_with_paths([path for _role, path in grants]))
    grants, units = cache["grants"]
    wanted = {str(role) for role in roles}  # the column holds the choices' values
    # An empty path (a unit saved before paths were always set) would prefix every path.
    paths = tuple({path for role, path in grants if role in wanted and path})
    return frozenset(pk for pk, path in units if path.startswith(paths)) if paths else frozenset()


def _units_with_paths(paths: list[str]) -> list[tuple[int, str]]:
    wanted = set(paths) - {""}
    if not wanted:
        return []
    prefix_q = Q()
    for path in wanted:
        prefix_q |= Q(path__startswith=path)
    return list(OrgUnit.objects.filter(prefix_q).order_by().values_list("id", "path"))


def _units_under(paths: list[str]) -> frozenset[int]:
    """Ids of every unit inside the subtrees rooted at `paths`."""
    if not paths:
        return frozenset()
    prefix_q = Q()
    for path in paths:
        prefix_q |= Q(path__startswith=path)
    return frozenset(OrgUnit.objects.filter(prefix_q).values_list("id", flat=True))


def subtree_ids(unit_id: int) -> frozenset[int]:
    """Ids of `unit_id` and every unit below it (empty when it does not exist)."""
    path = OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    return _units_under([path] if path else [])


def has_cap(user: Viewer, cap: Cap, *, unit_id: int | None = None) -> bool:
    """Whether `user` holds `cap` anywhere, or on `unit_id` when one is given."""
    units = units_for(user, cap)
    return bool(units) if unit_id is None else unit_id in units


def require_cap(actor: SystemActor, cap: Cap, unit_id: int, message: str = "") -> None:
    """Refuse (403) unless `actor` holds `cap` on the unit; actor None is trusted system code."""
    if actor is not None and unit_id not in units_for(actor, cap):
        raise PermissionDenied(message)


def scope(qs: QuerySet[M], user: Viewer, cap: Cap, *, field: str = "org_unit") -> QuerySet[M]:
    """Restrict `qs` to rows whose `field` (an OrgUnit foreign key) lies in the user's units."""
    return qs.filter(**{f"{field}__in": units_for(user, cap)})


def forget_scopes(user: Actor) -> None:
    """Drop the per-request cache after a grant changes."""
    user.__dict__.pop(_CACHE_ATTR, None)
