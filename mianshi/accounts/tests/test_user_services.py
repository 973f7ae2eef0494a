"""Users and role grants: who may see, change and grant what (F-02)."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import PASSWORD
from mianshi.accounts import selectors
from mianshi.accounts.models import RoleGrant, User
from mianshi.accounts.roles import Cap, Role
from mianshi.accounts.services import (
    grant_create,
    grant_revoke,
    user_create,
    user_deactivate,
    user_set_password,
    user_update,
)
from mianshi.common.errors import Conflict, DomainError
from mianshi.compliance.models import AuditEvent
from mianshi.organisations.scoping import has_cap

pytestmark = pytest.mark.django_db


@pytest.fixture
def sh_admin(org: Any, make_user: Any) -> User:
    return make_user("sh-admin", Role.HR_ADMIN, org.sh)


def test_create_user_hashes_with_argon2_and_grants(org: Any, sh_admin: User) -> None:
    user = user_create(
        actor=sh_admin,
        username="zhang",
        password="Blue-Lantern-42",
        role=Role.HR,
        org_unit=org.sh_sales,
    )
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("Blue-Lantern-42")
    assert has_cap(user, Cap.CANDIDATES_MANAGE, unit_id=org.sh_sales.pk)
    assert RoleGrant.objects.get(user=user).granted_by == sh_admin


@pytest.mark.parametrize("password", ["short", "password123", "1234567890123", "zhangzhang1"])
def test_weak_passwords_are_refused_and_nothing_saved(org: Any, password: str) -> None:
    with pytest.raises(ValidationError) as err:
        user_create(actor=None, username="zhangzhang1", password=password)
    assert "password" in err.value.message_dict
    assert not User.objects.filter(username="zhangzhang1").exists()


def test_branch_admin_must_place_new_user_in_a_unit(org: Any, sh_admin: User) -> None:
    with pytest.raises(ValidationError) as err:
        user_create(actor=sh_admin, username="lost", password="Blue-Lantern-42")
    assert "org_unit" in err.value.message_dict
    assert not User.objects.filter(username="lost").exists()


def test_grant_outside_own_subtree_is_refused(org: Any, sh_admin: User, make_user: Any) -> None:
    target = make_user("wu", Role.HR, org.sh_sales)
    with pytest.raises(ValidationError) as err:
        grant_create(actor=sh_admin, user=target, role=Role.HR, org_unit=org.sz_sales)
    assert "org_unit" in err.value.message_dict
    with pytest.raises(ValidationError):
        grant_create(actor=sh_admin, user=target, role=Role.HR, org_unit=org.hq)
    assert target.grants.count() == 1


def test_new_user_in_other_branch_is_refused(org: Any, sh_admin: User) -> None:
    with pytest.raises(ValidationError):
        user_create(
            actor=sh_admin, username="x1", password="Blue-Lantern-42", role=Role.HR, org_unit=org.sz
        )
    assert not User.objects.filter(username="x1").exists()


def test_nobody_grants_themselves_anything(org: Any, sh_admin: User) -> None:
    with pytest.raises(DomainError):
        grant_create(actor=sh_admin, user=sh_admin, role=Role.HR, org_unit=org.sh_sales)
    with pytest.raises(DomainError):
        grant_revoke(actor=sh_admin, grant=sh_admin.grants.get())
    assert sh_admin.grants.count() == 1


def test_cannot_grant_rights_one_lacks(org: Any, sh_admin: User, make_user: Any) -> None:
    target = make_user("wu", Role.HR, org.sh_sales)
    with pytest.raises(ValidationError) as err:
        grant_create(actor=sh_admin, user=target, role=Role.AUDITOR, org_unit=org.sh)
    assert "role" in err.value.message_dict


def test_duplicate_grant_is_a_conflict(org: Any, sh_admin: User, make_user: Any) -> None:
    target = make_user("wu", Role.HR, org.sh_sales)
    with pytest.raises(Conflict):
        grant_create(actor=sh_admin, user=target, role=Role.HR, org_unit=org.sh_sales)


def test_grant_and_revoke_are_audited_with_unit(org: Any, sh_admin: User, make_user: Any) -> None:
    target = make_user("wu", Role.HR, org.sh_sales)
    grant = grant_create(actor=sh_admin, user=target, role=Role.INTERVIEWER, org_unit=org.sh_tech)
    grant_revoke(actor=sh_admin, grant=grant)
    events = AuditEvent.objects.filter(object_type="accounts.rolegrant").order_by("id")
    assert [e.action for e in events] == ["rolegrant.create", "rolegrant.revoke"]
    assert all(e.org_unit_id == org.sh_tech.pk and e.actor == sh_admin for e in events)
    assert events[0].detail == {"user_id": target.pk, "role": "interviewer"}


def test_visibility_rule(org: Any, sh_admin: User, make_user: Any) -> None:
    sh_user = make_user("sh-hr", Role.HR, org.sh_sales)
    sz_user = make_user("sz-hr", Role.HR, org.sz_sales)
    both = make_user("both", Role.HR, org.sz_sales)
    RoleGrant.objects.create(user=both, role=Role.INTERVIEWER, org_unit=org.sh_tech)
    loner = make_user("loner")
    hq_admin = make_user("hq-admin", Role.HR_ADMIN, org.hq)
    visible = set(selectors.user_visible(actor=sh_admin))
    assert {sh_user, both, sh_admin} <= visible
    assert sz_user not in visible and loner not in visible
    assert {sh_user, sz_user, both, loner} <= set(selectors.user_visible(actor=hq_admin))
    assert selectors.user_visible(actor=sh_user).count() == 0


def test_account_changes_need_every_grant_inside(org: Any, sh_admin: User, make_user: Any) -> None:
    both = make_user("both", Role.HR, org.sz_sales)
    RoleGrant.objects.create(user=both, role=Role.INTERVIEWER, org_unit=org.sh_tech)
    with pytest.raises(PermissionDenied):
        user_set_password(actor=sh_admin, user=both, password="Blue-Lantern-42")
    with pytest.raises(PermissionDenied):
        user_deactivate(actor=sh_admin, user=both)
    with pytest.raises(PermissionDenied):
        user_update(actor=sh_admin, user=both, display_name="改")
    both.refresh_from_db()
    assert both.check_password(PASSWORD) and both.is_active and both.display_name == ""
    # Nor their grants (三员分立, F-03): the grant inside the subtree stays, an HQ admin decides.
    with pytest.raises(PermissionDenied):
        grant_revoke(actor=sh_admin, grant=both.grants.get(org_unit=org.sh_tech))
    assert both.grants.count() == 2


def test_branch_admin_cannot_take_over_superuser(org: Any, sh_admin: User, make_user: Any) -> None:
    boss = make_user("boss", Role.HR, org.sh_sales, is_superuser=True)
    with pytest.raises(PermissionDenied):
        user_set_password(actor=sh_admin, user=boss, password="Blue-Lantern-42")


def test_cannot_deactivate_oneself(org: Any, make_user: Any) -> None:
    hq_admin = make_user("hq-admin", Role.HR_ADMIN, org.hq)
    with pytest.raises(DomainError):
        user_deactivate(actor=hq_admin, user=hq_admin)


def test_update_records_field_names(org: Any, sh_admin: User, make_user: Any) -> None:
    target = make_user("wu", Role.HR, org.sh_sales)
    user_update(actor=sh_admin, user=target, display_name="吴老师", email="wu@example.com")
    event = AuditEvent.objects.get(action="user.update")
    assert event.changed_fields == ["display_name", "email"]
    assert event.org_unit_id == org.sh_sales.pk


def test_update_refuses_taken_username(org: Any, sh_admin: User, make_user: Any) -> None:
    target = make_user("wu", Role.HR, org.sh_sales)
    make_user("taken", Role.HR, org.sh_sales)
    with pytest.raises(ValidationError) as err:
        user_update(actor=sh_admin, user=target, username="taken")
    assert "username" in err.value.message_dict
