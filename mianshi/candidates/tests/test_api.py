"""The REST API: CRUD, transitions, notes, tags, malformed payloads."""

from __future__ import annotations

from typing import Any

import pytest

from mianshi.candidates.models import Candidate
from mianshi.candidates.tests.factories import id_number
from mianshi.compliance.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_candidate_and_application_crud(world: Any, org: Any, api_for: Any) -> None:
    client = api_for(world.hr_sh)
    ident = id_number()
    created = client.post(
        "/candidates/",
        {
            "org_unit_id": org.sh.pk,
            "name": "赵六",
            "id_number": ident,
            "phone": "+86 138 1234 5678",
            "email": "Zhao@Example.com",
            "tags": ["校招"],
            "source": "campus",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["phone"] == "13812345678" and body["email"] == "zhao@example.com"
    assert (
        body["id_number"] == ident
        and body["identifiers_masked"] is False
        and body["tags"] == ["校招"]
    )
    pk = body["id"]
    assert client.get("/candidates/", q="13812345678").json()["count"] == 1
    assert client.get("/candidates/", q=ident).json()["count"] == 1
    assert client.get("/candidates/", q="zhao@EXAMPLE.com").json()["count"] == 1
    assert client.get("/candidates/", q="赵").json()["count"] == 1
    assert client.get("/candidates/", q="13900000000").json()["count"] == 0
    assert client.patch(f"/candidates/{pk}", {"name": "赵六六"}).json()["name"] == "赵六六"

    app = client.post(
        "/candidates/applications", {"candidate_id": pk, "job_id": world.job_sh_sales.pk}
    )
    assert app.status_code == 201 and app.json()["stage"] == "applied"
    apk = app.json()["id"]
    moved = client.post(
        f"/candidates/applications/{apk}/transitions",
        {"to_stage": "screening", "reason": "简历合格"},
    )
    assert moved.status_code == 201 and moved.json()["actor"] == "hr_sh"
    refused = client.post(f"/candidates/applications/{apk}/transitions", {"to_stage": "hired"})
    assert refused.status_code == 409 and refused.json()["code"] == "transition_refused"
    detail = client.get(f"/candidates/applications/{apk}").json()
    assert [t["to_stage"] for t in detail["transitions"]] == ["applied", "screening"]
    assert detail["transitions"][1]["reason"] == "简历合格"
    assert (
        client.patch(f"/candidates/applications/{apk}", {"overall_score": "8.25"}).json()[
            "overall_score"
        ]
        == "8.25"
    )
    assert client.delete(f"/candidates/applications/{apk}").status_code == 409  # it has moved

    assert client.post(f"/candidates/{pk}/notes", {"body": "沟通能力强"}).status_code == 201
    assert client.post(f"/candidates/{pk}/tags", {"name": "潜力候选人"}).status_code == 201
    assert client.delete(f"/candidates/{pk}/tags/校招").status_code == 204
    full = client.get(f"/candidates/{pk}").json()
    assert full["tags"] == ["潜力候选人"] and full["notes"][0]["body"] == "沟通能力强"
    assert client.delete(f"/candidates/{pk}").status_code == 204
    assert not Candidate.objects.filter(pk=pk).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "candidate.create",
        "candidate.update",
        "application.create",
        "application.advance",
        "application.update",
        "candidate.note_add",
        "candidate.tag_add",
        "candidate.tag_remove",
        "candidate.delete",
    } <= actions


@pytest.mark.parametrize(
    "payload",
    [
        {"name": "x"},  # no unit
        {"org_unit_id": "abc", "name": "x"},
        {"org_unit_id": 1, "name": ""},
        {"org_unit_id": 1, "name": "x", "unknown": 1},
        {"org_unit_id": 1, "name": "x", "gender": "robot"},
        {"org_unit_id": 1, "name": "x", "birth_date": "not-a-date"},
    ],
)
def test_malformed_candidate_payloads_are_422(
    world: Any, api_for: Any, payload: dict[str, Any]
) -> None:
    assert api_for(world.hr_sh).post("/candidates/", payload).status_code == 422
    assert Candidate.objects.count() == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"id_number": "110105199003070018"},  # wrong checksum
        {"id_number": "12345"},
        {"phone": "12345"},
        {},  # neither phone nor e-mail
    ],
)
def test_invalid_identifiers_are_422(
    world: Any, org: Any, api_for: Any, fields: dict[str, str]
) -> None:
    payload = {"org_unit_id": org.sh.pk, "name": "钱七", **fields}
    if "phone" not in fields and fields:
        payload["phone"] = "13812345678"
    response = api_for(world.hr_sh).post("/candidates/", payload)
    assert response.status_code == 422, response.content
    assert Candidate.objects.count() == 0


def test_malformed_application_payloads_are_422(world: Any, api_for: Any) -> None:
    client = api_for(world.hr_sh)
    assert client.post("/candidates/applications", {"candidate_id": "x"}).status_code == 422
    assert client.post(
        "/candidates/applications/1/transitions", {"to_stage": "nowhere"}
    ).status_code in {404, 422}
    assert client.patch("/candidates/applications/1", {"overall_score": "1000"}).status_code in {
        404,
        422,
    }


def test_cannot_create_in_unit_not_managed(world: Any, org: Any, api_for: Any) -> None:
    response = api_for(world.hr_sh).post(
        "/candidates/", {"org_unit_id": org.sz.pk, "name": "x", "phone": "13812345678"}
    )
    assert response.status_code == 404
    assert (
        api_for(world.manager_sh_sales)
        .post("/candidates/", {"org_unit_id": org.sh_sales.pk, "name": "x", "phone": "13812345678"})
        .status_code
        == 404
    )
