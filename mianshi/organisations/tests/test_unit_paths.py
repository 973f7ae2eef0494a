"""Units made outside the services (admin, shell, ORM) cannot widen a grant (L2)."""

from typing import Any

import pytest

from mianshi.accounts.roles import Cap, Role
from mianshi.organisations.models import OrgUnit, UnitKind
from mianshi.organisations.scoping import subtree_ids, units_for

pytestmark = pytest.mark.django_db


def test_a_unit_saved_through_the_orm_gets_its_path_under_its_parent(org: Any) -> None:
    unit = OrgUnit.objects.create(
        name="财务部", code="sh-fin", kind=UnitKind.DEPARTMENT, parent=org.sh
    )
    assert unit.path == f"{org.sh.path}{unit.pk}/"
    assert OrgUnit.objects.get(pk=unit.pk).path == unit.path
    root = OrgUnit.objects.create(name="新集团", code="group", kind=UnitKind.HEADQUARTERS)
    assert OrgUnit.objects.get(pk=root.pk).path == f"/{root.pk}/"


def test_a_grant_on_a_unit_without_path_covers_no_other_unit(org: Any, make_user: Any) -> None:
    unit = OrgUnit.objects.create(
        name="财务部", code="sh-fin", kind=UnitKind.DEPARTMENT, parent=org.sh
    )
    OrgUnit.objects.filter(pk=unit.pk).update(path="")  # a row written before the fix
    hr = make_user("fin-hr", Role.HR, unit)
    units = units_for(hr, Cap.CANDIDATES_VIEW)
    assert not units & {org.hq.pk, org.sh.pk, org.sz.pk, org.sz_sales.pk}
    assert subtree_ids(unit.pk) == frozenset()


def test_the_migration_fills_empty_paths_parents_first(org: Any) -> None:
    from importlib import import_module

    from django.apps import apps

    made = OrgUnit.objects.create(
        name="财务部", code="sh-fin", kind=UnitKind.DEPARTMENT, parent=org.sh
    )
    below = OrgUnit.objects.create(
        name="出纳", code="sh-cash", kind=UnitKind.DEPARTMENT, parent=made
    )
    OrgUnit.objects.filter(pk__in=[made.pk, below.pk]).update(path="")
    import_module("mianshi.organisations.migrations.0002_fill_empty_unit_paths").fill_paths(
        apps, None
    )
    assert OrgUnit.objects.get(pk=below.pk).path == f"{org.sh.path}{made.pk}/{below.pk}/"
