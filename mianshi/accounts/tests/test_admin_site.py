"""Django admin (H4): off unless MIANSHI_ADMIN=1; when on, the same login and read-only accounts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from mianshi.accounts import totp
from mianshi.accounts.models import ApiKey, RoleGrant, User
from mianshi.accounts.roles import Role
from mianshi.accounts.services import apikey_create, totp_begin, totp_enable
from mianshi.common.testing import admin_mounted
from mianshi.compliance.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_on() -> Iterator[None]:
    with admin_mounted():
        yield


@pytest.fixture
def boss(make_user: Any, org: Any) -> User:
    return make_user("boss", Role.HR_ADMIN, org.hq, is_staff=True, is_superuser=True)


def admin_login(client: Client, username: str, password: str = PASSWORD, otp: str = "") -> Any:
    data = {"username": username, "password": password, "otp": otp, "next": "/admin/"}
    return client.post("/admin/login/", data)


def test_admin_is_not_mounted_by_default(boss: User, login: Any) -> None:
    assert Client().get("/admin/").status_code == 404
    assert Client().get("/admin/login/").status_code == 404
    staff = login(boss)
    assert staff.get("/admin/accounts/user/").status_code == 404
    page = staff.get("/")
    assert page.status_code == 200 and "/admin/" not in page.content.decode()


def test_admin_brute_force_is_locked_out_after_five(admin_on: None, boss: User) -> None:
    client = Client()
    for _ in range(5):
        assert admin_login(client, "boss", "wrong-password").status_code == 200
    response = admin_login(client, "boss")
    assert response.status_code == 200, "the right password no longer opens a locked account"
    assert "_auth_user_id" not in client.session
    assert User.objects.get(pk=boss.pk).is_locked
    assert AuditEvent.objects.filter(action="login.locked", object_id=str(boss.pk)).count() == 1


def test_admin_login_requires_the_second_factor(admin_on: None, boss: User) -> None:
    secret = totp_begin(user=boss)
    totp_enable(user=boss, code=totp.code_at(secret))
    client = Client()
    page = client.get("/admin/login/").content.decode()
    assert 'name="otp"' in page
    assert admin_login(client, "boss").status_code == 200
    assert "_auth_user_id" not in client.session
    # The next step's code: the enrolment used this one (no replay), drift allows one step.
    response = admin_login(client, "boss", otp=totp.code_at(secret, time.time() + 30))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_login_is_audited(admin_on: None, boss: User) -> None:
    admin_login(Client(), "boss", "wrong-password")
    response = admin_login(Client(), "boss")
    assert response.status_code == 302
    actions = list(
        AuditEvent.objects.filter(actor_label="boss")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["login.failed", "login.success"]


def test_admin_refuses_staff_login_of_a_non_staff_user(admin_on: None, make_user: Any) -> None:
    make_user("clerk")
    client = Client()
    assert admin_login(client, "clerk").status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_revoked_api_key_cannot_be_unrevoked_in_admin(
    admin_on: None, boss: User, make_user: Any
) -> None:
    key, _raw = apikey_create(actor=None, user=boss, scopes=["org:read"])
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
    other = make_user("other")
    client = Client()
    client.force_login(boss)
    url = f"/admin/accounts/apikey/{key.pk}/change/"
    data = {"user": other.pk, "name": "x", "scopes": '["audit:read"]', "revoked_at_0": ""}
    assert client.post(url, data).status_code == 403
    key.refresh_from_db()
    assert key.revoked_at is not None and key.user_id == boss.pk and key.scopes == ["org:read"]
    assert client.get(url).status_code == 200, "still visible, read-only"


def test_users_and_grants_are_read_only_in_admin(
    admin_on: None, boss: User, make_user: Any, org: Any
) -> None:
    hr = make_user("hr", Role.HR, org.sh)
    client = Client()
    client.force_login(boss)
    assert client.post(f"/admin/accounts/user/{hr.pk}/delete/", {"post": "yes"}).status_code == 403
    change = {"username": "hr", "is_superuser": "on", "is_staff": "on", "is_active": "on"}
    assert client.post(f"/admin/accounts/user/{hr.pk}/change/", change).status_code == 403
    password = {"password1": "Other-Horse-77", "password2": "Other-Horse-77"}
    assert client.post(f"/admin/accounts/user/{hr.pk}/password/", password).status_code == 403
    assert client.get("/admin/accounts/user/add/").status_code == 403
    hr.refresh_from_db()
    assert not hr.is_superuser and hr.check_password(PASSWORD)
    assert RoleGrant.objects.filter(user=hr).count() == 1


def test_org_units_are_read_only_in_admin(admin_on: None, boss: User, org: Any) -> None:
    client = Client()
    client.force_login(boss)
    data = {"name": "新", "code": "new", "kind": "branch", "parent": org.hq.pk, "is_active": "on"}
    assert client.post("/admin/organisations/orgunit/add/", data).status_code == 403
    url = f"/admin/organisations/orgunit/{org.sh_sales.pk}/change/"
    moved = {"name": "销售部", "code": "sh-sales", "kind": "department", "parent": org.sz.pk}
    assert client.post(url, {**moved, "is_active": "on"}).status_code == 403
    org.sh_sales.refresh_from_db()
    assert org.sh_sales.parent_id == org.sh.pk
