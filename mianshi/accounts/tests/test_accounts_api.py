"""Accounts API, Bearer keys and the create_api_key command (F-02, F-04, F-90)."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from conftest import PASSWORD, ApiClient
from mianshi.accounts.models import ApiKey, User
from mianshi.accounts.roles import Role
from mianshi.accounts.services import apikey_create, apikey_revoke, user_set_password
from mianshi.compliance.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def sh_admin(org: Any, make_user: Any) -> User:
    return make_user("sh-admin", Role.HR_ADMIN, org.sh)


# ---------------------------------------------------------------- Bearer keys


def test_missing_bearer_is_401(org: Any) -> None:
    assert Client().get("/api/accounts/me").status_code == 401
    assert Client().get("/api/org/units").status_code == 401


def test_invalid_bearer_is_401(org: Any) -> None:
    assert ApiClient("ms_not-a-real-key").get("/accounts/me").status_code == 401
    basic = Client(HTTP_AUTHORIZATION="Basic c2g6cHc=")
    assert basic.get("/api/accounts/me").status_code == 401


def test_revoked_key_is_401(sh_admin: User) -> None:
    key, raw = apikey_create(actor=None, user=sh_admin, scopes=["org:read"])
    assert ApiClient(raw).get("/accounts/me").status_code == 200
    apikey_revoke(actor=None, key=key)
    assert ApiClient(raw).get("/accounts/me").status_code == 401


def test_key_of_deactivated_user_is_401(org: Any, make_user: Any) -> None:
    user = make_user("wu", Role.HR, org.sh_sales)
    _, raw = apikey_create(actor=None, user=user, scopes=["org:read"])
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert ApiClient(raw).get("/accounts/me").status_code == 401


def test_missing_scope_is_403(sh_admin: User, api_for: Any) -> None:
    api = api_for(sh_admin, scopes=["jobs:read"])
    assert api.get("/accounts/users").status_code == 403
    assert api.get("/audit/events").status_code == 403
    assert api.get("/accounts/me").status_code == 200


def test_me_returns_caller_grants_and_scopes(org: Any, sh_admin: User, api_for: Any) -> None:
    body = api_for(sh_admin, scopes=["org:read", "audit:read"]).get("/accounts/me").json()
    assert body["user"]["username"] == "sh-admin"
    assert body["scopes"] == ["audit:read", "org:read"]
    assert [(g["role"], g["org_unit_id"]) for g in body["grants"]] == [("hr_admin", org.sh.pk)]


# ---------------------------------------------------------------- users API


def test_user_list_is_scoped(org: Any, sh_admin: User, make_user: Any, api_for: Any) -> None:
    make_user("sh-hr", Role.HR, org.sh_sales)
    make_user("sz-hr", Role.HR, org.sz_sales)
    body = api_for(sh_admin).get("/accounts/users").json()
    assert {u["username"] for u in body["items"]} == {"sh-admin", "sh-hr"}
    assert body["count"] == 2
    by_unit = api_for(sh_admin).get("/accounts/users", unit_id=org.sh_sales.pk).json()
    assert [u["username"] for u in by_unit["items"]] == ["sh-hr"]


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_other_branch_user_is_404(
    org: Any, sh_admin: User, make_user: Any, api_for: Any, method: str
) -> None:
    other = make_user("sz-hr", Role.HR, org.sz_sales)
    api = api_for(sh_admin)
    path = f"/accounts/users/{other.pk}"
    body = {"username": "hijacked", "display_name": "x", "email": ""}
    response = (
        api.get(path)
        if method == "get"
        else (api.delete(path) if method == "delete" else getattr(api, method)(path, body))
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.username == "sz-hr" and other.is_active


@pytest.mark.parametrize("suffix", ["grants", "api-keys", "password", "unlock"])
def test_other_branch_user_subresources_are_404(
    org: Any, sh_admin: User, make_user: Any, api_for: Any, suffix: str
) -> None:
    other = make_user("sz-hr", Role.HR, org.sz_sales)
    api = api_for(sh_admin)
    payload = {
        "password": "Blue-Lantern-42",
        "role": "hr",
        "org_unit_id": org.sh.pk,
        "scopes": ["org:read"],
    }
    assert api.get(f"/accounts/users/{other.pk}/{suffix}").status_code in (404, 405)
    assert api.post(f"/accounts/users/{other.pk}/{suffix}", payload).status_code == 404
    assert other.grants.count() == 1 and not other.api_keys.exists()
    assert User.objects.get(pk=other.pk).check_password(PASSWORD)


def test_user_crud_inside_subtree(org: Any, sh_admin: User, api_for: Any) -> None:
    api = api_for(sh_admin)
    created = api.post(
        "/accounts/users",
        {
            "username": "chen",
            "password": "Blue-Lantern-42",
            "email": "chen@example.com",
            "role": "hr",
            "org_unit_id": org.sh_sales.pk,
        },
    )
    assert created.status_code == 201
    user_id = created.json()["id"]
    assert (
        api.patch(f"/accounts/users/{user_id}", {"display_name": "陈"}).json()["display_name"]
        == "陈"
    )
    assert (
        api.post(
            f"/accounts/users/{user_id}/password", {"password": "Green-Lantern-43"}
        ).status_code
        == 204
    )
    assert api.delete(f"/accounts/users/{user_id}").status_code == 204
    assert api.get(f"/accounts/users/{user_id}").json()["is_active"] is False
    assert api.post(f"/accounts/users/{user_id}/activate", {}).json()["is_active"] is True


def test_create_user_in_other_branch_is_422(org: Any, sh_admin: User, api_for: Any) -> None:
    response = api_for(sh_admin).post(
        "/accounts/users",
        {
            "username": "chen",
            "password": "Blue-Lantern-42",
            "role": "hr",
            "org_unit_id": org.sz_sales.pk,
        },
    )
    assert response.status_code == 422
    assert not User.objects.filter(username="chen").exists()


def test_weak_password_is_422_with_field(org: Any, sh_admin: User, api_for: Any) -> None:
    response = api_for(sh_admin).post(
        "/accounts/users",
        {
            "username": "chen",
            "password": "12345",
            "role": "hr",
            "org_unit_id": org.sh_sales.pk,
        },
    )
    assert response.status_code == 422
    assert {d["loc"][0] for d in response.json()["detail"]} == {"password"}


def test_grants_api(org: Any, sh_admin: User, make_user: Any, api_for: Any) -> None:
    target = make_user("wu", Role.HR, org.sh_sales)
    api = api_for(sh_admin)
    outside = api.post(
        f"/accounts/users/{target.pk}/grants", {"role": "hr", "org_unit_id": org.sz_sales.pk}
    )
    assert outside.status_code == 422
    created = api.post(
        f"/accounts/users/{target.pk}/grants",
        {"role": "interviewer", "org_unit_id": org.sh_tech.pk},
    )
    assert created.status_code == 201
    listed = api.get(f"/accounts/users/{target.pk}/grants").json()
    assert {g["role"] for g in listed} == {"hr", "interviewer"}
    assert api.delete(f"/accounts/grants/{created.json()['id']}").status_code == 204
    self_grant = api.post(
        f"/accounts/users/{sh_admin.pk}/grants", {"role": "hr", "org_unit_id": org.sh_sales.pk}
    )
    assert self_grant.status_code == 400
    assert sh_admin.grants.count() == 1


def test_other_branch_grant_delete_is_404(
    org: Any, sh_admin: User, make_user: Any, api_for: Any
) -> None:
    other = make_user("sz-hr", Role.HR, org.sz_sales)
    assert api_for(sh_admin).delete(f"/accounts/grants/{other.grants.get().pk}").status_code == 404
    assert other.grants.count() == 1


def test_api_keys_api(org: Any, sh_admin: User, make_user: Any, api_for: Any) -> None:
    """A manager mints and revokes their own keys; another user's key they may only revoke."""
    target = make_user("wu", Role.HR, org.sh_sales)
    api = api_for(sh_admin)
    bad = api.post(f"/accounts/users/{sh_admin.pk}/api-keys", {"scopes": ["root:all"]})
    assert bad.status_code == 422
    for_other = api.post(f"/accounts/users/{target.pk}/api-keys", {"scopes": ["org:read"]})
    assert for_other.status_code == 403 and not target.api_keys.exists()
    created = api.post(f"/accounts/users/{sh_admin.pk}/api-keys", {"scopes": ["org:read"]})
    assert created.status_code == 201
    raw = created.json()["key"]
    assert ApiClient(raw).get("/accounts/me").json()["user"]["username"] == "sh-admin"
    listed = api.get(f"/accounts/users/{sh_admin.pk}/api-keys").json()
    assert "key" not in listed[0] and listed[0]["prefix"] == raw[3:11]
    assert api.delete(f"/accounts/api-keys/{created.json()['id']}").status_code == 204
    assert ApiClient(raw).get("/accounts/me").status_code == 401
    theirs, their_raw = apikey_create(actor=None, user=target, scopes=["org:read"])
    assert api.get(f"/accounts/users/{target.pk}/api-keys").json()[0]["id"] == theirs.pk
    assert api.delete(f"/accounts/api-keys/{theirs.pk}").status_code == 204
    assert ApiClient(their_raw).get("/accounts/me").status_code == 401


def test_read_only_viewer_sees_no_users(org: Any, make_user: Any, api_for: Any) -> None:
    hr = make_user("hr", Role.HR, org.sh)
    assert api_for(hr).get("/accounts/users").json()["count"] == 0


# ---------------------------------------------------------------- command


def run_command(*args: str) -> str:
    out = StringIO()
    call_command("create_api_key", *args, stdout=out)
    return out.getvalue()


def test_create_api_key_prints_only_a_working_key(sh_admin: User) -> None:
    out = run_command("--user", "sh-admin", "--scopes", "org:read,jobs:read", "--name", "EHR")
    raw = out.strip()
    assert out.count("\n") == 1 and raw.startswith("ms_") and " " not in raw
    response = ApiClient(raw).get("/accounts/me")
    assert response.status_code == 200
    assert response.json()["scopes"] == ["jobs:read", "org:read"]
    assert ApiKey.objects.get(user=sh_admin).name == "EHR"


def test_create_api_key_accepts_space_separated_scopes(sh_admin: User) -> None:
    raw = run_command("--user", "sh-admin", "--scopes", "org:read", "audit:read,jobs:read").strip()
    assert ApiClient(raw).get("/accounts/me").json()["scopes"] == [
        "audit:read",
        "jobs:read",
        "org:read",
    ]


def test_create_api_key_refuses_unknown_scope_and_user(sh_admin: User) -> None:
    with pytest.raises(CommandError, match="Unknown scopes: admin:all"):
        run_command("--user", "sh-admin", "--scopes", "org:read,admin:all")
    with pytest.raises(CommandError, match="No user"):
        run_command("--user", "ghost", "--scopes", "org:read")
    assert not ApiKey.objects.exists()


# ---------------------------------------------------------------- no personal data in the trail


def test_audit_rows_hold_no_personal_values(org: Any, sh_admin: User, api_for: Any) -> None:
    secret, email, name = "Blue-Lantern-42", "chen.private@example.com", "陈秘密"
    api = api_for(sh_admin)
    created = api.post(
        "/accounts/users",
        {
            "username": "chen",
            "password": secret,
            "email": email,
            "display_name": name,
            "role": "hr",
            "org_unit_id": org.sh_sales.pk,
        },
    ).json()
    user = User.objects.get(pk=created["id"])
    user_set_password(actor=sh_admin, user=user, password="Green-Lantern-43")
    api.patch(f"/accounts/users/{user.pk}", {"email": "other.private@example.com"})
    Client().post("/accounts/login/", {"username": "chen", "password": "Green-Lantern-43"})
    Client().post("/accounts/login/", {"username": "chen", "password": secret})
    rows = [str(list(e.values())) for e in AuditEvent.objects.values()]
    assert len(rows) >= 6
    for row in rows:
        for value in (secret, "Green-Lantern-43", email, "other.private@example.com", name):
            assert value not in row
