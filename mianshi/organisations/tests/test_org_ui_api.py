"""Org tree through the UI and the API: scoping answers 404 to the other branch (F-01)."""

from typing import Any

import pytest

from mianshi.accounts.roles import Role
from mianshi.organisations.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def sh_admin(org: Any, make_user: Any) -> Any:
    return make_user("sh-admin", Role.HR_ADMIN, org.sh)


def test_tree_page_shows_only_own_subtree(org: Any, sh_admin: Any, login: Any) -> None:
    response = login(sh_admin).get("/org/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "sh-sales" in body and "sh-tech" in body
    assert "sz-sales" not in body and "深圳分公司" not in body


def test_other_branch_unit_answers_404_in_ui(org: Any, sh_admin: Any, login: Any) -> None:
    client = login(sh_admin)
    assert client.get(f"/org/{org.sz_sales.pk}/edit/").status_code == 404
    assert client.post(f"/org/{org.sz_sales.pk}/edit/", {"name": "x"}).status_code == 404
    assert client.post(f"/org/{org.sz_sales.pk}/deactivate/").status_code == 404
    assert OrgUnit.objects.get(pk=org.sz_sales.pk).is_active


def test_viewer_without_manage_gets_404_on_edit(org: Any, make_user: Any, login: Any) -> None:
    hr = make_user("hr", Role.HR, org.sh)
    assert login(hr).get(f"/org/{org.sh_sales.pk}/edit/").status_code == 404


def test_create_and_move_through_the_ui(org: Any, sh_admin: Any, login: Any) -> None:
    client = login(sh_admin)
    data = {"name": "财务部", "code": "sh-fin", "kind": "department", "parent": org.sh.pk}
    assert client.post("/org/new/", data).status_code == 302
    fin = OrgUnit.objects.get(code="sh-fin")
    move = {**data, "parent": org.sh_tech.pk}
    assert client.post(f"/org/{fin.pk}/edit/", move).status_code == 302
    fin.refresh_from_db()
    assert fin.path == f"{org.sh_tech.path}{fin.pk}/"


def test_ui_refuses_parent_in_other_branch_and_saves_nothing(
    org: Any, sh_admin: Any, login: Any
) -> None:
    data = {"name": "财务部", "code": "sz-fin", "kind": "department", "parent": org.sz.pk}
    response = login(sh_admin).post("/org/new/", data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not OrgUnit.objects.filter(code="sz-fin").exists()


def test_ui_shows_nesting_error_beside_the_field(org: Any, sh_admin: Any, login: Any) -> None:
    data = {"name": "分部", "code": "sh-sub", "kind": "branch", "parent": org.sh.pk}
    response = login(sh_admin).post("/org/new/", data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not OrgUnit.objects.filter(code="sh-sub").exists()


def test_deactivate_with_children_shows_message(org: Any, sh_admin: Any, login: Any) -> None:
    response = login(sh_admin).post(f"/org/{org.sh.pk}/deactivate/", follow=True)
    assert response.status_code == 200
    assert OrgUnit.objects.get(pk=org.sh.pk).is_active
    assert 'class="error"' in response.content.decode()


# ---------------------------------------------------------------- API


def test_api_lists_only_own_subtree(org: Any, sh_admin: Any, api_for: Any) -> None:
    response = api_for(sh_admin).get("/org/units")
    assert response.status_code == 200
    codes = {item["code"] for item in response.json()["items"]}
    assert codes == {"sh", "sh-sales", "sh-tech"}


def test_api_tree_is_nested(org: Any, make_user: Any, api_for: Any) -> None:
    admin = make_user("hq-admin", Role.HR_ADMIN, org.hq)
    tree = api_for(admin).get("/org/tree").json()
    assert [n["code"] for n in tree] == ["hq"]
    branches = {n["code"]: n for n in tree[0]["children"]}
    assert set(branches) == {"sh", "sz"}
    assert {c["code"] for c in branches["sh"]["children"]} == {"sh-sales", "sh-tech"}


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_api_other_branch_is_404(org: Any, sh_admin: Any, api_for: Any, method: str) -> None:
    api = api_for(sh_admin)
    path = f"/org/units/{org.sz_sales.pk}"
    body = {"name": "x", "code": "x", "kind": "department", "parent_id": org.sz.pk}
    response = (
        api.get(path)
        if method == "get"
        else (api.delete(path) if method == "delete" else getattr(api, method)(path, body))
    )
    assert response.status_code == 404
    unit = OrgUnit.objects.get(pk=org.sz_sales.pk)
    assert (unit.name, unit.is_active) == ("销售部", True)


def test_api_create_under_other_branch_is_422(org: Any, sh_admin: Any, api_for: Any) -> None:
    response = api_for(sh_admin).post(
        "/org/units", {"name": "新", "code": "sz-new", "kind": "department", "parent_id": org.sz.pk}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["parent_id"]
    # The same answer as for a unit that does not exist: nothing leaks.
    missing = api_for(sh_admin).post(
        "/org/units", {"name": "新", "code": "x-new", "kind": "department", "parent_id": 999999}
    )
    assert missing.json()["detail"] == response.json()["detail"]


def test_api_crud_inside_own_subtree(org: Any, sh_admin: Any, api_for: Any) -> None:
    api = api_for(sh_admin)
    created = api.post(
        "/org/units",
        {"name": "财务部", "code": "sh-fin", "kind": "department", "parent_id": org.sh.pk},
    )
    assert created.status_code == 201
    unit_id = created.json()["id"]
    moved = api.patch(f"/org/units/{unit_id}", {"parent_id": org.sh_tech.pk})
    assert moved.status_code == 200
    assert moved.json()["path"] == f"{org.sh_tech.path}{unit_id}/"
    renamed = api.put(
        f"/org/units/{unit_id}",
        {"name": "财务", "code": "sh-fin", "kind": "department", "parent_id": org.sh_tech.pk},
    )
    assert renamed.json()["name"] == "财务"
    assert api.delete(f"/org/units/{unit_id}").status_code == 204
    assert api.get(f"/org/units/{unit_id}").json()["is_active"] is False


def test_api_invalid_move_is_422_and_changes_nothing(org: Any, sh_admin: Any, api_for: Any) -> None:
    response = api_for(sh_admin).patch(f"/org/units/{org.sh_tech.pk}", {"kind": "branch"})
    assert response.status_code == 422
    assert OrgUnit.objects.get(pk=org.sh_tech.pk).kind == "department"


def test_api_deactivate_with_children_is_409(org: Any, sh_admin: Any, api_for: Any) -> None:
    assert api_for(sh_admin).delete(f"/org/units/{org.sh.pk}").status_code == 409


def test_api_needs_write_scope(org: Any, sh_admin: Any, api_for: Any) -> None:
    api = api_for(sh_admin, scopes=["org:read"])
    assert api.get("/org/units").status_code == 200
    response = api.patch(f"/org/units/{org.sh_sales.pk}", {"name": "x"})
    assert response.status_code == 403
    assert OrgUnit.objects.get(pk=org.sh_sales.pk).name == "销售部"
    assert api_for(sh_admin, scopes=["jobs:read"]).get("/org/units").status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/org/units?page=99999999999999999999999",
        "/org/units?page_size=100000",
        "/accounts/users?unit_id=99999999999999999999999",
        "/audit/events?page=99999999999999999999999",
    ],
)
def test_absurd_numbers_are_422_not_500(org: Any, make_user: Any, api_for: Any, path: str) -> None:
    api = api_for(make_user("hq-admin", Role.HR_ADMIN, org.hq))
    assert api.client.get(f"/api{path}").status_code == 422


def test_absurd_parent_id_is_422(org: Any, sh_admin: Any, api_for: Any) -> None:
    body = {"name": "x", "code": "x", "kind": "department", "parent_id": 10**30}
    assert api_for(sh_admin).post("/org/units", body).status_code == 422
