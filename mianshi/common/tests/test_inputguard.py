"""Input the database cannot store is refused with a 4xx on every path, never a 500."""

from typing import Any

import pytest

from mianshi.accounts.roles import Role

pytestmark = pytest.mark.django_db
HUGE = 10**38


@pytest.fixture
def admin(org: Any, make_user: Any) -> Any:
    return make_user("hq_admin", Role.HR_ADMIN, org.hq)


@pytest.mark.parametrize(
    "path",
    [
        "/org/units?q=KW%00",
        "/accounts/users?q=a%00b",
        "/jobs/questions?language=%00zh",
        "/jobs/templates?q=s%5E%00",
        "/candidates/?q=%00",
    ],
)
def test_nul_in_api_query_is_422(api_for: Any, admin: Any, path: str) -> None:
    response = api_for(admin).client.get(f"/api{path}")
    assert response.status_code == 422
    assert "NUL" in response.json()["detail"][0]["msg"]


def test_nul_in_json_body_is_422_and_saves_nothing(api_for: Any, admin: Any, org: Any) -> None:
    from mianshi.jobs.models import Job

    body = {"org_unit_id": org.sh.pk, "title": "销售\u0000代表"}
    assert api_for(admin).post("/jobs/jobs", body).status_code == 422
    assert not Job.objects.exists()


def test_nul_in_ui_query_and_form_is_400(login: Any, admin: Any) -> None:
    client = login(admin)
    assert client.get("/candidates/?q=%00").status_code == 400
    assert client.post("/jobs/new/", {"title": "a\x00b"}).status_code == 400


def test_ids_beyond_64_bits_are_422(api_for: Any, admin: Any) -> None:
    api = api_for(admin)
    response = api.client.get(f"/api/candidates/applications?job={HUGE}")
    # SQLite cannot bind it (422); PostgreSQL compares it as numeric and finds nothing.
    assert response.status_code == 422 or response.json()["count"] == 0
    bulk = {"application_ids": [1, -(2**63) - 5], "action": "export"}
    assert api.post("/candidates/bulk", bulk).status_code == 422


def test_ids_beyond_64_bits_in_the_ui_are_not_500(login: Any, admin: Any) -> None:
    response = login(admin).get(f"/candidates/?job={HUGE}&unit={HUGE}")
    assert response.status_code in {200, 400}


def test_nul_in_the_candidate_api_answers_in_its_json_shape(client: Any) -> None:
    response = client.post(
        "/i/api/no-such-token/events", data='{"events": "\\u0000"}', content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["detail"]
