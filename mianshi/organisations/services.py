"""Org tree writes."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from mianshi.compliance.services import audit_record
from mianshi.organisations.models import OrgUnit, UnitKind


@transaction.atomic
def orgunit_create(
    *, actor: Any, name: str, code: str, kind: UnitKind | str, parent: OrgUnit | None = None
) -> OrgUnit:
    """Create a unit under `parent` and compute its path."""
    unit = OrgUnit(name=name, code=code, kind=kind, parent=parent)
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    audit_record(actor=actor, action="orgunit.create", obj=unit, changed_fields=["name", "code", "kind", "parent"], org_unit_id=unit.pk)
    return unit
