"""Who sees what: other branches get 404 everywhere, interviewers only their assignees."""

from __future__ import annotations

from typing import Any

import pytest

from mianshi.candidates.models import Application, Candidate
from mianshi.candidates.selectors import application_stage_counts
from mianshi.candidates.services import application_assign
from mianshi.candidates.tests.factories import make_application, make_candidate

pytestmark = pytest.mark.django_db


@pytest.fixture
def sh_app(world: Any, org: Any) -> Application:
    return make_application(
        world.hr_sh, make_candidate(world.hr_sh, org.sh, name="上海人"), world.job_sh_sales
    )


def test_other_branch_gets_404_in_ui(world: Any, sh_app: Application, login: Any) -> None:
    client, pk = login(world.hr_sz), sh_app.candidate_id
    assert "上海人" not in client.get("/candidates/").content.decode()
    for url in [f"/candidates/{pk}/", f"/candidates/{pk}/edit/", f"/candidates/{pk}/resume/"]:
        assert client.get(url).status_code == 404, url
    for url in [
        f"/candidates/{pk}/delete/",
        f"/candidates/{pk}/notes/",
        f"/candidates/applications/{sh_app.pk}/transition/",
    ]:
        assert client.post(url, {"body": "x", "to_stage": "screening"}).status_code == 404, url
    assert Candidate.objects.filter(pk=pk).exists()
    assert Application.objects.get(pk=sh_app.pk).stage == "applied"


def test_other_branch_gets_404_in_api(world: Any, sh_app: Application, api_for: Any) -> None:
    client, pk, apk = api_for(world.hr_sz), sh_app.candidate_id, sh_app.pk
    assert client.get("/candidates/").json()["count"] == 0
    assert client.get("/candidates/applications").json()["count"] == 0
    assert client.get(f"/candidates/{pk}").status_code == 404
    assert client.patch(f"/candidates/{pk}", {"name": "x"}).status_code == 404
    assert client.put(f"/candidates/{pk}", {"org_unit_id": 1, "name": "x"}).status_code == 404
    assert client.delete(f"/candidates/{pk}").status_code == 404
    assert client.get(f"/candidates/applications/{apk}").status_code == 404
    assert (
        client.patch(f"/candidates/applications/{apk}", {"overall_score": "5"}).status_code == 404
    )
    assert client.delete(f"/candidates/applications/{apk}").status_code == 404
    assert (
        client.post(
            f"/candidates/applications/{apk}/transitions", {"to_stage": "screening"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/candidates/applications", {"candidate_id": pk, "job_id": world.job_sz_sales.pk}
        ).status_code
        == 404
    )
    assert Candidate.objects.get(pk=pk).name == "上海人"


def test_interviewer_sees_only_assigned(
    world: Any, org: Any, sh_app: Application, login: Any, api_for: Any
) -> None:
    other = make_application(
        world.hr_sh, make_candidate(world.hr_sh, org.sh, name="未分配"), world.job_sh_tech
    )
    iv = world.interviewer_sh
    assert api_for(iv).get("/candidates/").json()["count"] == 0
    application_assign(actor=world.hr_sh, application=sh_app, interviewer=iv)
    listed = [c["name"] for c in api_for(iv).get("/candidates/").json()["items"]]
    assert listed == ["上海人"]
    page = login(iv).get("/candidates/").content.decode()
    assert "上海人" in page and "未分配" not in page
    assert login(iv).get(f"/candidates/{other.candidate_id}/").status_code == 404
    # Viewing is not managing: identifiers masked, writes refused.
    data = api_for(iv).get(f"/candidates/{sh_app.candidate_id}").json()
    assert data["identifiers_masked"] is True and "****" in data["phone"]
    assert (
        api_for(iv)
        .post(f"/candidates/applications/{sh_app.pk}/transitions", {"to_stage": "screening"})
        .status_code
        == 403
    )
    assert [c for _, _, c in application_stage_counts(user=iv)] == [1] + [0] * 11


def test_department_manager_sees_own_department_only(
    world: Any, org: Any, sh_app: Application, api_for: Any
) -> None:
    make_application(
        world.hr_sh, make_candidate(world.hr_sh, org.sh, name="技术候选人"), world.job_sh_tech
    )
    make_candidate(world.hr_sh, org.sh, name="无申请")
    names = [c["name"] for c in api_for(world.manager_sh_sales).get("/candidates/").json()["items"]]
    assert names == ["上海人"]
    hr_names = {c["name"] for c in api_for(world.hr_sh).get("/candidates/").json()["items"]}
    assert hr_names == {"上海人", "技术候选人", "无申请"}


def test_missing_scope_is_403(world: Any, sh_app: Application, api_for: Any) -> None:
    reader = api_for(world.hr_sh, scopes=["candidates:read"])
    assert reader.get("/candidates/").status_code == 200
    assert (
        reader.post(
            f"/candidates/applications/{sh_app.pk}/transitions", {"to_stage": "screening"}
        ).status_code
        == 403
    )
    assert api_for(world.hr_sh, scopes=["jobs:read"]).get("/candidates/").status_code == 403


def test_dashboard_counts_link_to_filtered_list(
    world: Any, sh_app: Application, login: Any
) -> None:
    client = login(world.hr_sh)
    dashboard = client.get("/").content.decode()
    assert "/candidates/?stage=applied" in dashboard
    assert "上海人" in client.get("/candidates/?stage=applied").content.decode()
    assert "上海人" not in client.get("/candidates/?stage=hired").content.decode()
