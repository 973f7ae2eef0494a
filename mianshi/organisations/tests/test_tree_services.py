"""Org tree services: nesting rules, moves with path recomputation, deactivation (F-01)."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mianshi.accounts.roles import Cap, Role
from mianshi.common.errors import Conflict
from mianshi.compliance.models import AuditEvent
from mianshi.organisations.models import OrgUnit, UnitKind
from mianshi.organisations.scoping import units_for
from mianshi.organisations.services import (
    orgunit_create,
    orgunit_deactivate,
    orgunit_reactivate,
    orgunit_update,
)

pytestmark = pytest.mark.django_db


def paths() -> dict[str, str]:
    return dict(OrgUnit.objects.values_list("code", "path"))


def test_create_computes_path_under_parent(org: Any) -> None:
    assert org.sh_sales.path == f"/{org.hq.pk}/{org.sh.pk}/{org.sh_sales.pk}/"
    assert org.sh_sales.depth == 2


@pytest.mark.parametrize(
    ("kind", "parent_code"),
    [
        (UnitKind.BRANCH, "sh"),  # branch under branch
        (UnitKind.BRANCH, "sh-sales"),  # branch under department
        (UnitKind.DEPARTMENT, None),  # department at the root
        (UnitKind.HEADQUARTERS, "sh"),  # hq anywhere but the root
    ],
)
def test_kinds_must_nest(org: Any, kind: str, parent_code: str | None) -> None:
    parent = OrgUnit.objects.get(code=parent_code) if parent_code else None
    before = OrgUnit.objects.count()
    with pytest.raises(ValidationError) as err:
        orgunit_create(actor=None, name="X", code="x", kind=kind, parent=parent)
    assert "parent" in err.value.message_dict
    assert OrgUnit.objects.count() == before


def test_department_may_nest_under_department(org: Any) -> None:
    team = orgunit_create(
        actor=None, name="前端组", code="sh-fe", kind=UnitKind.DEPARTMENT, parent=org.sh_tech
    )
    assert team.path == f"{org.sh_tech.path}{team.pk}/"


def test_duplicate_code_is_refused(org: Any) -> None:
    with pytest.raises(ValidationError) as err:
        orgunit_create(
            actor=None, name="其他", code="sh-sales", kind=UnitKind.DEPARTMENT, parent=org.sh
        )
    assert "code" in err.value.message_dict


def test_move_rewrites_the_whole_subtree_paths(org: Any, make_user: Any) -> None:
    team = orgunit_create(
        actor=None, name="前端组", code="sh-fe", kind=UnitKind.DEPARTMENT, parent=org.sh_tech
    )
    admin = make_user("root-admin", Role.HR_ADMIN, org.hq)
    moved = orgunit_update(actor=admin, unit=org.sh_tech, parent=org.sz)
    got = paths()
    assert moved.path == f"/{org.hq.pk}/{org.sz.pk}/{org.sh_tech.pk}/"
    assert got["sh-tech"] == moved.path
    assert got["sh-fe"] == f"{moved.path}{team.pk}/"
    # Untouched units keep their paths.
    assert got["sh-sales"] == org.sh_sales.path
    assert got["sz-sales"] == org.sz_sales.path
    event = AuditEvent.objects.get(action="orgunit.move")
    assert event.changed_fields == ["parent"]
    assert event.actor == admin


def test_move_changes_scope_immediately(org: Any, make_user: Any) -> None:
    sz_admin = make_user("sz-admin", Role.HR_ADMIN, org.sz)
    orgunit_update(actor=None, unit=org.sh_tech, parent=org.sz)
    sz_admin.refresh_from_db()
    assert org.sh_tech.pk in units_for(sz_admin, Cap.ORG_VIEW)


def test_move_under_own_descendant_is_refused_and_nothing_changes(org: Any) -> None:
    before = paths()
    with pytest.raises(ValidationError) as err:
        orgunit_update(actor=None, unit=org.sh, parent=org.sh_sales, kind=UnitKind.DEPARTMENT)
    assert "parent" in err.value.message_dict
    assert paths() == before
    org.sh.refresh_from_db()
    assert org.sh.parent_id == org.hq.pk
    assert org.sh.kind == UnitKind.BRANCH
    assert not AuditEvent.objects.filter(action__in=["orgunit.move", "orgunit.update"]).exists()


def test_move_under_itself_is_refused(org: Any) -> None:
    with pytest.raises(ValidationError):
        orgunit_update(actor=None, unit=org.sh_tech, parent=org.sh_tech)


def test_kind_change_must_fit_children(org: Any) -> None:
    # A branch turned into headquarters below the root is refused.
    with pytest.raises(ValidationError):
        orgunit_update(actor=None, unit=org.sh, kind=UnitKind.HEADQUARTERS)
    org.sh.refresh_from_db()
    assert org.sh.kind == UnitKind.BRANCH


def test_department_with_children_cannot_become_branch_under_department(org: Any) -> None:
    with pytest.raises(ValidationError):
        orgunit_update(actor=None, unit=org.sh_sales, kind=UnitKind.BRANCH)


def test_branch_manager_cannot_move_into_other_branch(org: Any, make_user: Any) -> None:
    sh_admin = make_user("sh-admin", Role.HR_ADMIN, org.sh)
    before = paths()
    with pytest.raises(ValidationError) as err:
        orgunit_update(actor=sh_admin, unit=org.sh_sales, parent=org.sz)
    assert "parent" in err.value.message_dict
    assert paths() == before


def test_branch_manager_moves_inside_own_subtree(org: Any, make_user: Any) -> None:
    sh_admin = make_user("sh-admin", Role.HR_ADMIN, org.sh)
    moved = orgunit_update(actor=sh_admin, unit=org.sh_sales, parent=org.sh_tech)
    assert moved.path == f"{org.sh_tech.path}{org.sh_sales.pk}/"


def test_branch_manager_cannot_touch_other_branch(org: Any, make_user: Any) -> None:
    sh_admin = make_user("sh-admin", Role.HR_ADMIN, org.sh)
    with pytest.raises(PermissionDenied):
        orgunit_update(actor=sh_admin, unit=org.sz_sales, name="改名")
    with pytest.raises(PermissionDenied):
        orgunit_deactivate(actor=sh_admin, unit=org.sz_sales)
    with pytest.raises(ValidationError):
        orgunit_create(
            actor=sh_admin, name="新部门", code="sz-new", kind=UnitKind.DEPARTMENT, parent=org.sz
        )
    assert OrgUnit.objects.get(pk=org.sz_sales.pk).name == "销售部"


def test_only_superusers_create_roots(org: Any, make_user: Any) -> None:
    hq_admin = make_user("hq-admin", Role.HR_ADMIN, org.hq)
    with pytest.raises(ValidationError):
        orgunit_create(actor=hq_admin, name="集团", code="group", kind=UnitKind.HEADQUARTERS)
    boss = make_user("boss", is_superuser=True)
    assert orgunit_create(actor=boss, name="集团", code="group", kind="hq").parent is None


def test_deactivate_refuses_units_with_active_children(org: Any) -> None:
    with pytest.raises(Conflict):
        orgunit_deactivate(actor=None, unit=org.sh)
    assert OrgUnit.objects.get(pk=org.sh.pk).is_active


def test_deactivate_leaf_then_parent_then_reactivate_in_order(org: Any) -> None:
    orgunit_deactivate(actor=None, unit=org.sz_sales)
    orgunit_deactivate(actor=None, unit=org.sz)
    with pytest.raises(Conflict):
        orgunit_reactivate(actor=None, unit=org.sz_sales)
    orgunit_reactivate(actor=None, unit=org.sz)
    assert orgunit_reactivate(actor=None, unit=org.sz_sales).is_active
    actions = list(
        AuditEvent.objects.filter(object_type="organisations.orgunit")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-4:] == [
        "orgunit.deactivate",
        "orgunit.deactivate",
        "orgunit.reactivate",
        "orgunit.reactivate",
    ]


def test_cannot_create_under_inactive_parent(org: Any) -> None:
    orgunit_deactivate(actor=None, unit=org.sz_sales)
    with pytest.raises(ValidationError):
        orgunit_create(
            actor=None, name="小组", code="sz-team", kind=UnitKind.DEPARTMENT, parent=org.sz_sales
        )


def test_rename_records_changed_field_names_only(org: Any) -> None:
    orgunit_update(actor=None, unit=org.sh_sales, name="市场销售部", code="sh-sales")
    event = AuditEvent.objects.get(action="orgunit.update")
    assert event.changed_fields == ["name"]
    assert "市场销售部" not in str(event.detail)
