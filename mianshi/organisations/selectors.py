"""Org tree reads, always through scoping (F-01)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import scope, units_for


def orgunit_list(
    *,
    user: Actor,
    cap: Cap = Cap.ORG_VIEW,
    kind: str = "",
    is_active: bool | None = None,
    q: str = "",
) -> QuerySet[OrgUnit]:
    """Units where `user` holds `cap`, optionally filtered."""
    qs = scope(OrgUnit.objects.select_related("parent"), user, cap, field="pk")
    if kind:
        qs = qs.filter(kind=kind)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return qs.order_by("path")


def orgunit_get(*, user: Actor, pk: int, cap: Cap = Cap.ORG_VIEW) -> OrgUnit:
    """One unit inside the user's scope for `cap`, else 404."""
    return get_object_or_404(
        scope(OrgUnit.objects.select_related("parent"), user, cap, field="pk"), pk=pk
    )


def orgunits_usable(*, user: Actor, cap: Cap) -> QuerySet[OrgUnit]:
    """Active units where `user` holds `cap`: what a form offers and what an id may name."""
    return OrgUnit.objects.filter(pk__in=units_for(user, cap), is_active=True)


def orgunit_resolve(
    *, user: Actor, pk: int, cap: Cap, field: str | None = None, message: str = ""
) -> OrgUnit:
    """Resolve a unit id from input within the user's units for `cap`.

    A unit that does not exist, is closed or lies outside those units gets one answer — a
    404, or with `field` a field error — so the answer leaks nothing about other branches.
    """
    unit = orgunits_usable(user=user, cap=cap).filter(pk=pk).first()
    if unit is not None:
        return unit
    if field is None:
        raise Http404
    raise ValidationError({field: message or _("Unknown organisation unit.")})


def orgunit_choices(*, user: Actor) -> QuerySet[OrgUnit]:
    """Active units `user` manages: the valid parents and grant targets in forms."""
    return orgunit_list(user=user, cap=Cap.ORG_MANAGE, is_active=True)


def orgunit_pick(*, user: Actor, pk: int | None, field: str = "org_unit") -> OrgUnit | None:
    """Resolve a unit id from input: one the user manages, else a field error.

    The message is the same for a unit that does not exist and one outside the user's
    subtree, so the answer leaks nothing about other branches.
    """
    if pk is None:
        return None
    message = _("Choose an active unit you manage.")
    return orgunit_resolve(user=user, pk=pk, cap=Cap.ORG_MANAGE, field=field, message=message)


def manages_root(user: Actor) -> bool:
    """Whether `user` manages a root unit (headquarters): the whole organisation."""
    return _covers_root(user, Cap.ORG_MANAGE)


def _covers_root(user: Actor, cap: Cap) -> bool:
    units = units_for(user, cap)
    return bool(units) and OrgUnit.objects.filter(pk__in=units, parent__isnull=True).exists()


def audits_root(user: Actor) -> bool:
    """Whether `user` audits from a root unit, and so sees events without a unit too."""
    return _covers_root(user, Cap.AUDIT_VIEW)


@dataclass
class TreeNode:
    """A unit with its visible children, for the tree view and the API."""

    unit: OrgUnit
    depth: int = 0
    can_manage: bool = False
    children: list[TreeNode] = field(default_factory=list)


def orgunit_tree(*, user: Actor, include_inactive: bool = True) -> list[TreeNode]:
    """The visible part of the tree as nested nodes; a unit whose parent is hidden is a root."""
    units = list(orgunit_list(user=user, is_active=None if include_inactive else True))
    managed = units_for(user, Cap.ORG_MANAGE)
    nodes = {u.pk: TreeNode(unit=u, can_manage=u.pk in managed) for u in units}
    roots: list[TreeNode] = []
    for unit in sorted(units, key=lambda u: (u.depth, u.name)):
        parent = nodes.get(unit.parent_id or 0)
        (parent.children if parent else roots).append(nodes[unit.pk])
    _set_depths(roots, 0)
    return roots


def _set_depths(nodes: list[TreeNode], depth: int) -> None:
    for node in nodes:
        node.depth = depth
        _set_depths(node.children, depth + 1)


def flatten(nodes: list[TreeNode]) -> list[TreeNode]:
    """Pre-order list of the nodes, for an indented table."""
    out: list[TreeNode] = []
    for node in nodes:
        out.append(node)
        out.extend(flatten(node.children))
    return out
