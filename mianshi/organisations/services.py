"""Org tree writes (F-01): create, edit, move, deactivate; every change audited."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from mianshi.accounts.actor import SystemActor
from mianshi.accounts.roles import Cap
from mianshi.common.errors import Conflict
from mianshi.compliance.services import audit_record
from mianshi.organisations.models import OrgUnit, UnitKind
from mianshi.organisations.scoping import require_cap, units_for

if TYPE_CHECKING:
    from mianshi.accounts.models import User

PATH_MAX = OrgUnit._meta.get_field("path").max_length or 255

# Which parent kinds each kind may sit under (None = the root of the tree).
ALLOWED_PARENTS: dict[str, frozenset[str | None]] = {
    UnitKind.HEADQUARTERS: frozenset({None}),
    UnitKind.BRANCH: frozenset({UnitKind.HEADQUARTERS.value}),
    # Headquarters has functional departments of its own (e.g. 总部人力资源部).
    UnitKind.DEPARTMENT: frozenset(
        {UnitKind.HEADQUARTERS.value, UnitKind.BRANCH.value, UnitKind.DEPARTMENT.value}
    ),
}


class Unset(Enum):
    """Marks an argument the caller left alone (None is a real value for `parent`)."""

    UNSET = 0


UNSET = Unset.UNSET


def _kind_error(kind: str) -> str:
    messages: dict[str, str] = {
        UnitKind.HEADQUARTERS: _("Headquarters can only be at the root of the tree."),
        UnitKind.BRANCH: _("A branch must sit directly under headquarters."),
        UnitKind.DEPARTMENT: _(
            "A department must sit under headquarters, a branch or another department."
        ),
    }
    return str(messages.get(kind, _("Unknown kind of unit.")))


def check_nesting(kind: str, parent: OrgUnit | None) -> None:
    """Refuse a kind/parent pair the tree does not allow (hq → branch → department)."""
    parent_kind = parent.kind if parent is not None else None
    if parent_kind not in ALLOWED_PARENTS.get(kind, frozenset()):
        raise ValidationError({"parent": _kind_error(kind)})


def _require_parent(actor: User | None, parent: OrgUnit | None) -> None:
    """The actor must manage the parent; only system or superusers create roots."""
    # Read from the database: the caller's object may predate a deactivation.
    if parent is not None and not OrgUnit.objects.filter(pk=parent.pk, is_active=True).exists():
        raise ValidationError({"parent": _("The parent unit is inactive.")})
    if actor is None:
        return
    if parent is None:
        if not actor.is_superuser:
            raise ValidationError({"parent": _("Only a superuser can create a root unit.")})
    elif parent.pk not in units_for(actor, Cap.ORG_MANAGE):
        raise ValidationError({"parent": _("Choose a unit you manage.")})


def _require_manage(actor: User | None, unit: OrgUnit) -> None:
    require_cap(actor, Cap.ORG_MANAGE, unit.pk)


@transaction.atomic
def orgunit_create(
    *, actor: SystemActor, name: str, code: str, kind: UnitKind | str, parent: OrgUnit | None = None
) -> OrgUnit:
    """Create a unit under `parent` and compute its path."""
    _require_parent(actor, parent)
    check_nesting(str(kind), parent)
    unit = OrgUnit(name=name, code=code, kind=kind, parent=parent)
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    audit_record(
        actor=actor,
        action="orgunit.create",
        obj=unit,
        changed_fields=["name", "code", "kind", "parent"],
        org_unit_id=unit.pk,
    )
    return unit


@transaction.atomic
def orgunit_update(
    *,
    actor: SystemActor,
    unit: OrgUnit,
    name: str | Unset = UNSET,
    code: str | Unset = UNSET,
    kind: UnitKind | str | Unset = UNSET,
    parent: OrgUnit | Unset | None = UNSET,
) -> OrgUnit:
    """Rename, recode, change kind or move a unit; a move rewrites the subtree's paths."""
    fresh = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    _require_manage(actor, fresh)
    old_parent_id, old_path = fresh.parent_id, fresh.path
    wanted = {"name": name, "code": code, "kind": kind, "parent": parent}
    changed = [f for f, v in wanted.items() if v is not UNSET and getattr(fresh, f) != v]
    for field in changed:
        setattr(fresh, field, wanted[field])
    if not changed:
        return fresh
    moving = fresh.parent_id != old_parent_id
    if moving:
        _check_move(actor, fresh)
    check_nesting(fresh.kind, fresh.parent)
    _check_children_nest(fresh)
    fresh.full_clean(exclude=["path"])
    fresh.save()
    if moving:
        _rewrite_paths(fresh, old_path)
    audit_record(
        actor=actor,
        action="orgunit.move" if moving else "orgunit.update",
        obj=fresh,
        changed_fields=changed,
        org_unit_id=fresh.pk,
    )
    return fresh


def _check_move(actor: User | None, unit: OrgUnit) -> None:
    new_parent = unit.parent
    if new_parent is not None and new_parent.path.startswith(unit.path):
        raise ValidationError(
            {"parent": _("A unit cannot be moved under itself or one of its own sub-units.")}
        )
    _require_parent(actor, new_parent)


def _check_children_nest(unit: OrgUnit) -> None:
    for child_kind in unit.children.values_list("kind", flat=True).distinct():
        if unit.kind not in ALLOWED_PARENTS.get(child_kind, frozenset()):
            raise ValidationError(
                {
                    "kind": _("This kind does not fit the sub-units below it: %(reason)s")
                    % {"reason": _kind_error(child_kind)}
                }
            )


def _rewrite_paths(unit: OrgUnit, old_path: str) -> None:
    """One UPDATE swaps the old path prefix for the new one across the whole subtree."""
    new_path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
    subtree = OrgUnit.objects.select_for_update().filter(path__startswith=old_path)
    longest = max((len(p) for p in subtree.values_list("path", flat=True)), default=0)
    if longest - len(old_path) + len(new_path) > PATH_MAX:
        raise ValidationError({"parent": _("The tree would become too deep.")})
    subtree.update(
        path=Concat(
            Value(new_path),
            Substr("path", len(old_path) + 1, Length("path")),
            output_field=CharField(),
        )
    )
    unit.path = new_path


def _has_open_jobs(unit: OrgUnit) -> bool:
    # Looked up lazily: jobs depends on organisations, not the other way round.
    try:
        job_model = apps.get_model("jobs", "Job")
    except LookupError:
        return False
    return bool(job_model._default_manager.filter(org_unit=unit, status="open").exists())


@transaction.atomic
def orgunit_deactivate(*, actor: SystemActor, unit: OrgUnit) -> OrgUnit:
    """Retire a leaf unit; refused while it has active sub-units or open jobs."""
    fresh = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    _require_manage(actor, fresh)
    if not fresh.is_active:
        return fresh
    if fresh.children.filter(is_active=True).exists():
        raise Conflict(_("Deactivate or move its active sub-units first."))
    if _has_open_jobs(fresh):
        raise Conflict(_("Close the open jobs of this unit first."))
    fresh.is_active = False
    fresh.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="orgunit.deactivate",
        obj=fresh,
        changed_fields=["is_active"],
        org_unit_id=fresh.pk,
    )
    return fresh


@transaction.atomic
def orgunit_reactivate(*, actor: SystemActor, unit: OrgUnit) -> OrgUnit:
    """Bring a retired unit back; its parent must be active."""
    fresh = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    _require_manage(actor, fresh)
    if fresh.is_active:
        return fresh
    if fresh.parent is not None and not fresh.parent.is_active:
        raise Conflict(_("Reactivate the parent unit first."))
    fresh.is_active = True
    fresh.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="orgunit.reactivate",
        obj=fresh,
        changed_fields=["is_active"],
        org_unit_id=fresh.pk,
    )
    return fresh
