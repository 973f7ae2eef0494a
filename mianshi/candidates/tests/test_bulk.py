"""Bulk actions (F-25): all or nothing, scoped like everything else."""

from __future__ import annotations

from typing import Any

import pytest

from mianshi.candidates.models import Application, ApplicationAssignment, ApplicationTransition
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import application_advance
from mianshi.candidates.tests.factories import make_application, make_candidate
from mianshi.compliance.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def apps(world: Any, org: Any) -> list[Application]:
    return [
        make_application(
            world.hr_sh, make_candidate(world.hr_sh, org.sh, name=f"候选人{i}"), world.job_sh_sales
        )
        for i in range(3)
    ]


def _stages(ids: list[int]) -> list[str]:
    return list(
        Application.objects.filter(pk__in=ids).order_by("pk").values_list("stage", flat=True)
    )


def test_bulk_move_through_ui(world: Any, apps: list[Application], login: Any) -> None:
    ids = [a.pk for a in apps]
    response = login(world.hr_sh).post(
        "/candidates/bulk/",
        {
            "action": "move",
            "application": ids,
            "to_stage": "screening",
            "reason": "batch",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert _stages(ids) == ["screening"] * 3
    assert ApplicationTransition.objects.filter(to_stage="screening", reason="batch").count() == 3


def test_one_invalid_transition_changes_nothing(
    world: Any, apps: list[Application], login: Any
) -> None:
    application_advance(actor=world.hr_sh, application=apps[0], to_stage=Stage.REJECTED)
    ids = [a.pk for a in apps]
    before = AuditEvent.objects.count()
    response = login(world.hr_sh).post(
        "/candidates/bulk/",
        {"action": "move", "application": ids, "to_stage": "screening"},
        follow=True,
    )
    page = response.content.decode()
    assert f"#{apps[0].pk}" in page
    assert _stages(ids) == ["rejected", "applied", "applied"]
    # Nothing written; the list shown after the refusal is a read, and recorded as one.
    assert AuditEvent.objects.exclude(action="candidate.list").count() == before


def test_out_of_scope_item_changes_nothing_via_api(
    world: Any, org: Any, apps: list[Application], api_for: Any
) -> None:
    foreign = make_application(world.hr_sz, make_candidate(world.hr_sz, org.sz), world.job_sz_sales)
    ids = [a.pk for a in apps] + [foreign.pk]
    response = api_for(world.hr_sh).post(
        "/candidates/bulk", {"action": "move", "application_ids": ids, "to_stage": "screening"}
    )
    assert response.status_code == 409
    assert (
        response.json()["code"] == "bulk_refused" and f"#{foreign.pk}" in response.json()["detail"]
    )
    assert _stages(ids) == ["applied"] * 4


def test_bulk_tag_and_assign(world: Any, apps: list[Application], api_for: Any) -> None:
    client = api_for(world.hr_sh)
    ids = [a.pk for a in apps]
    assert (
        client.post(
            "/candidates/bulk", {"action": "tag", "application_ids": ids, "tag": "潜力候选人"}
        ).json()["count"]
        == 3
    )
    assert all(a.candidate.tags.filter(name="潜力候选人").exists() for a in apps)
    response = client.post(
        "/candidates/bulk",
        {"action": "assign", "application_ids": ids, "interviewer_id": world.interviewer_sh.pk},
    )
    assert response.status_code == 200
    assert ApplicationAssignment.objects.filter(interviewer=world.interviewer_sh).count() == 3
    # Someone who is not an interviewer of the unit: refused, nothing assigned.
    response = client.post(
        "/candidates/bulk",
        {"action": "assign", "application_ids": ids, "interviewer_id": world.hr_sz.pk},
    )
    assert response.status_code == 409
    assert ApplicationAssignment.objects.filter(interviewer=world.hr_sz).count() == 0


def test_export_csv_masks_for_viewers_and_neutralises_formulas(
    world: Any, org: Any, login: Any
) -> None:
    hr = world.hr_sh
    cand = make_candidate(hr, org.sh, name="=HYPERLINK(1)", phone="13812345678")
    app = make_application(hr, cand, world.job_sh_sales)
    full = login(hr).post("/candidates/bulk/", {"action": "export", "application": [app.pk]})
    text = full.content.decode("utf-8-sig")
    assert full["Content-Type"].startswith("text/csv")
    assert "13812345678" in text and "'=HYPERLINK(1)" in text
    masked = login(world.manager_sh_sales).post(
        "/candidates/bulk/", {"action": "export", "application": [app.pk]}
    )
    assert "138****5678" in masked.content.decode("utf-8-sig")
    assert AuditEvent.objects.filter(action="application.export").count() == 2


def test_bulk_rejects_malformed_payload(world: Any, api_for: Any) -> None:
    client = api_for(world.hr_sh)
    assert (
        client.post("/candidates/bulk", {"action": "explode", "application_ids": [1]}).status_code
        == 422
    )
    assert (
        client.post("/candidates/bulk", {"action": "move", "application_ids": []}).status_code
        == 422
    )
    assert (
        client.post("/candidates/bulk", {"action": "move", "application_ids": ["x"]}).status_code
        == 422
    )
