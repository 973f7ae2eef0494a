"""User management UI: scoping, forms, unlock, API key shown once (F-02, F-04)."""

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import ApiClient
from mianshi.accounts.models import ApiKey, RoleGrant, User
from mianshi.accounts.roles import Role
from mianshi.accounts.services import apikey_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def sh_admin(org: Any, make_user: Any) -> User:
    return make_user("sh-admin", Role.HR_ADMIN, org.sh)


def test_list_shows_only_users_of_own_subtree(
    org: Any, sh_admin: User, make_user: Any, login: Any
) -> None:
    make_user("sh-hr", Role.HR, org.sh_sales)
    make_user("sz-hr", Role.HR, org.sz_sales)
    body = login(sh_admin).get("/accounts/users/").content.decode()
    assert "sh-hr" in body and "sz-hr" not in body


def test_list_filters_by_text(org: Any, sh_admin: User, make_user: Any, login: Any) -> None:
    make_user("sh-alpha", Role.HR, org.sh_sales)
    make_user("sh-beta", Role.HR, org.sh_sales)
    body = login(sh_admin).get("/accounts/users/", {"q": "alpha"}).content.decode()
    assert "sh-alpha" in body and "sh-beta" not in body


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("get", "edit/"),
        ("post", "edit/"),
        ("post", "password/"),
        ("post", "deactivate/"),
        ("post", "unlock/"),
        ("post", "grants/"),
        ("post", "api-keys/"),
    ],
)
def test_other_branch_user_is_404(
    org: Any, sh_admin: User, make_user: Any, login: Any, method: str, suffix: str
) -> None:
    other = make_user("sz-hr", Role.HR, org.sz_sales)
    response = getattr(login(sh_admin), method)(f"/accounts/users/{other.pk}/{suffix}")
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.is_active and other.grants.count() == 1 and not other.api_keys.exists()


def test_other_branch_grant_revoke_is_404(
    org: Any, sh_admin: User, make_user: Any, login: Any
) -> None:
    other = make_user("sz-hr", Role.HR, org.sz_sales)
    grant = other.grants.get()
    assert login(sh_admin).post(f"/accounts/grants/{grant.pk}/revoke/").status_code == 404
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_create_user_through_the_form(org: Any, sh_admin: User, login: Any) -> None:
    data = {
        "username": "chen",
        "display_name": "陈",
        "email": "chen@example.com",
        "password": "Blue-Lantern-42",
        "password_again": "Blue-Lantern-42",
        "role": "hr",
        "org_unit": org.sh_sales.pk,
    }
    response = login(sh_admin).post("/accounts/users/new/", data)
    assert response.status_code == 302
    chen = User.objects.get(username="chen")
    assert chen.grants.get().org_unit == org.sh_sales


def test_create_form_shows_password_errors_beside_field(
    org: Any, sh_admin: User, login: Any
) -> None:
    data = {
        "username": "chen",
        "password": "123",
        "password_again": "123",
        "role": "hr",
        "org_unit": org.sh_sales.pk,
    }
    response = login(sh_admin).post("/accounts/users/new/", data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not User.objects.filter(username="chen").exists()


def test_grant_on_other_branch_unit_via_form_is_refused(
    org: Any, sh_admin: User, make_user: Any, login: Any
) -> None:
    target = make_user("wu", Role.HR, org.sh_sales)
    response = login(sh_admin).post(
        f"/accounts/users/{target.pk}/grants/", {"role": "hr", "org_unit": org.sz_sales.pk}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert target.grants.count() == 1


def test_grant_and_revoke_via_form(org: Any, sh_admin: User, make_user: Any, login: Any) -> None:
    target = make_user("wu", Role.HR, org.sh_sales)
    client = login(sh_admin)
    response = client.post(
        f"/accounts/users/{target.pk}/grants/", {"role": "interviewer", "org_unit": org.sh_tech.pk}
    )
    assert response.status_code == 302
    grant = target.grants.get(role="interviewer")
    assert client.post(f"/accounts/grants/{grant.pk}/revoke/").status_code == 302
    assert not target.grants.filter(role="interviewer").exists()


def test_unlock_via_ui_lets_the_user_log_in(
    org: Any, sh_admin: User, make_user: Any, login: Any, settings: Any
) -> None:
    from conftest import PASSWORD

    settings.LOGIN_MAX_FAILURES = 2
    target = make_user("wu", Role.HR, org.sh_sales)
    for _ in range(2):
        Client().post("/accounts/login/", {"username": "wu", "password": "nope-nope-1"})
    target.refresh_from_db()
    assert target.is_locked
    assert login(sh_admin).post(f"/accounts/users/{target.pk}/unlock/").status_code == 302
    target.refresh_from_db()
    assert not target.is_locked and target.failed_login_count == 0
    ok = Client().post("/accounts/login/", {"username": "wu", "password": PASSWORD})
    assert ok.status_code == 302


def test_reset_password_via_ui(org: Any, sh_admin: User, make_user: Any, login: Any) -> None:
    target = make_user("wu", Role.HR, org.sh_sales)
    client = login(sh_admin)
    bad = client.post(
        f"/accounts/users/{target.pk}/password/",
        {"password": "Blue-Lantern-42", "password_again": "Blue-Lantern-43"},
    )
    assert bad.status_code == 200
    good = client.post(
        f"/accounts/users/{target.pk}/password/",
        {"password": "Blue-Lantern-42", "password_again": "Blue-Lantern-42"},
    )
    assert good.status_code == 302
    target.refresh_from_db()
    assert target.check_password("Blue-Lantern-42")


def test_deactivate_via_ui_ends_login(org: Any, sh_admin: User, make_user: Any, login: Any) -> None:
    target = make_user("wu", Role.HR, org.sh_sales)
    victim_client = login(target)
    assert login(sh_admin).post(f"/accounts/users/{target.pk}/deactivate/").status_code == 302
    assert not User.objects.get(pk=target.pk).is_active
    # The open session no longer counts.
    assert victim_client.get("/accounts/users/").status_code == 302


def test_api_key_is_shown_once_and_works(
    org: Any, sh_admin: User, make_user: Any, login: Any
) -> None:
    client = login(sh_admin)
    response = client.post(
        f"/accounts/users/{sh_admin.pk}/api-keys/",
        {"name": "EHR", "scopes": ["org:read", "jobs:read"]},
    )
    assert response.status_code == 200
    raw = re.search(r'id="raw-key" value="([^"]+)"', response.content.decode()).group(1)  # type: ignore[union-attr]
    me = ApiClient(raw).get("/accounts/me")
    assert me.status_code == 200 and me.json()["user"]["username"] == "sh-admin"
    detail = client.get(f"/accounts/users/{sh_admin.pk}/").content.decode()
    assert raw not in detail and raw[3:11] in detail
    key = ApiKey.objects.get(user=sh_admin)
    assert client.post(f"/accounts/api-keys/{key.pk}/revoke/").status_code == 302
    assert ApiClient(raw).get("/accounts/me").status_code == 401


def test_a_manager_revokes_a_managed_users_key(
    org: Any, sh_admin: User, make_user: Any, login: Any
) -> None:
    target = make_user("integration", Role.HR, org.sh_sales)
    key, raw = apikey_create(actor=None, user=target, scopes=["org:read"])
    client = login(sh_admin)
    assert raw[3:11] in client.get(f"/accounts/users/{target.pk}/").content.decode()
    assert client.post(f"/accounts/api-keys/{key.pk}/revoke/").status_code == 302
    assert ApiClient(raw).get("/accounts/me").status_code == 401


def test_user_pages_need_login(org: Any) -> None:
    response = Client().get("/accounts/users/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_lockout_respects_settings_window(make_user: Any, settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_LOCK_MINUTES = 7
    make_user("li")
    client = Client()
    client.post("/accounts/login/", {"username": "li", "password": "wrong-1"})
    assert not User.objects.get(username="li").is_locked
    client.post("/accounts/login/", {"username": "li", "password": "wrong-2"})
    locked_until = User.objects.get(username="li").locked_until
    assert locked_until is not None
    minutes = (locked_until - timezone.now()).total_seconds() / 60
    assert 6.5 < minutes <= 7
