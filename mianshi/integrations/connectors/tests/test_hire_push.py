"""The hire pushed to the EHR when the application enters 待入职, and the employee record
when the archive announces one — both against a REST EHR on loopback (OAuth 2.0 client
credentials checked as the partner does); wrong credentials leave nothing half-written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mianshi.accounts.models import User
from mianshi.candidates.pipeline import Stage
from mianshi.employees.models import Employee
from mianshi.integrations.connectors.adapters.rest.example import HIRE_TEMPLATE
from mianshi.integrations.connectors.models import Connector, Sync, SyncStatus
from mianshi.integrations.connectors.protocol import HIRE_TRIGGER
from mianshi.integrations.connectors.services.connectors import connector_create, template_create
from mianshi.integrations.connectors.tests.adapters import fake_rest as f
from mianshi.reviews.models import InterviewScore
from mianshi.reviews.services.scores import final_score
from mianshi.reviews.tests.factories import ReviewWorld
from mianshi.reviews.tests.offer_world import EMAIL, approved, hired, offered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]

EMPLOYEE_TEMPLATE = {
    "version": 1,
    "kind": "employee",
    "fields": {
        "candidate_id": {"path": "$.candidate_id", "required": True},
        "application_id": {"path": "$.application_id", "required": True},
        "number": {"path": "$.employee_number", "required": True},
        "unit": {"path": "$.unit.code"},
        "position": {"path": "$.position"},
        "hire_date": {"path": "$.hire_date"},
        "status": {"path": "$.status"},
        "overall": {"path": "$.baseline.final", "transform": "round2"},
    },
}


@pytest.fixture
def ehr(settings: Any) -> Iterator[f.FakeRestEhr]:
    settings.WEBHOOK_ALLOW = ["127.0.0.1"]  # the fake listens on loopback
    server = f.FakeRestEhr()
    server.start()
    yield server
    server.stop()


def rest_connector(admin: User, unit: Any, ehr: f.FakeRestEhr, secret: str) -> Connector:
    data = {
        "name": "EHR 上海",
        "settings": {
            "url": ehr.url + "/api/{kind}s/{application_id}",
            "method": "PUT",
            "auth": "oauth2",
            "token_url": ehr.url + "/oauth2/token",
            "id_path": "$.data.id",
        },
        "credentials": {"client_id": f.CLIENT_ID, "client_secret": secret},
        "triggers": [
            HIRE_TRIGGER,
            {"event": "employee.created", "to_stage": "", "kind": "employee"},
        ],
    }
    connector = connector_create(actor=admin, org_unit_id=unit.pk, adapter="rest", data=data)
    template_create(actor=admin, connector=connector, kind="hire", body=HIRE_TEMPLATE)
    template_create(actor=admin, connector=connector, kind="employee", body=EMPLOYEE_TEMPLATE)
    return connector


def test_entering_pending_onboarding_pushes_one_hire_with_the_offer_and_the_scores(
    admin: User, org: Any, world: ReviewWorld, ehr: f.FakeRestEhr
) -> None:
    rest_connector(admin, org.sh, ehr, f.CLIENT_SECRET)
    offer = approved(world, offered(world))
    app = offer.application
    app.refresh_from_db()
    assert app.stage == Stage.PENDING_ONBOARDING
    sync = Sync.objects.get(kind="hire")
    assert sync.status == SyncStatus.SUCCEEDED, sync.last_error
    assert sync.external_id == f"EHR-{app.candidate_id}"
    assert list(ehr.stored) == [f"/api/hires/{app.pk}#{app.candidate_id}"]
    sent = ehr.stored[f"/api/hires/{app.pk}#{app.candidate_id}"]
    assert (sent["start_date"], sent["position"]) == ("2027-01-18", "销售代表")
    assert sent["unit"] == offer.hire_unit.code and sent["grade"] == offer.salary
    assert sent["email"] == EMAIL and sent["application_id"] == app.pk
    score = InterviewScore.objects.get(application_id=app.pk)
    assert sent["overall_score"] == round(score.final_total or 0, 2)
    ai = {d["code"]: d.get("score") for d in score.ai_dimensions or []}
    expected = {
        d["code"]: round(final_score(score.policy, ai.get(d["code"]), d["score"]) or 0, 2)
        for d in score.human_dimensions
    }
    assert {d["code"]: d["score"] for d in sent["baseline"]} == expected
    assert EMAIL not in Sync.objects.values_list("payload_enc", flat=True).get(pk=sync.pk)


def test_the_hire_goes_once_though_the_event_is_handled_again(
    admin: User, org: Any, world: ReviewWorld, ehr: f.FakeRestEhr
) -> None:
    from django.test import TestCase

    from mianshi.events.models import Event
    from mianshi.integrations.connectors.consumers import trigger

    rest_connector(admin, org.sh, ehr, f.CLIENT_SECRET)
    approved(world, offered(world))
    event = Event.objects.get(type="application.stage_changed", data__to_stage="pending_onboarding")
    with TestCase.captureOnCommitCallbacks(execute=True):
        trigger([event])
    assert Sync.objects.filter(kind="hire").count() == 1
    assert [r.path for r in ehr.received if r.path.startswith("/api/hires/")] == [
        f"/api/hires/{event.data['application_id']}"
    ]


def test_wrong_credentials_need_attention_and_nothing_is_half_written(
    admin: User, org: Any, world: ReviewWorld, ehr: f.FakeRestEhr
) -> None:
    rest_connector(admin, org.sh, ehr, "wrong")
    approved(world, offered(world))
    sync = Sync.objects.get(kind="hire")
    assert (sync.status, sync.error_code) == (SyncStatus.NEEDS_ATTENTION, "credentials")
    assert sync.external_id == "" and sync.succeeded_at is None
    assert ehr.stored == {} and ehr.paths() == ["/oauth2/token"]


def test_the_archives_new_employee_is_pushed_with_its_number_and_baseline(
    admin: User, org: Any, world: ReviewWorld, ehr: f.FakeRestEhr
) -> None:
    rest_connector(admin, org.sh, ehr, f.CLIENT_SECRET)
    offer = hired(world, approved(world, offered(world)), number="E0042")
    employee = Employee.objects.get(application_id=offer.application_id)
    sync = Sync.objects.get(kind="employee")
    assert sync.status == SyncStatus.SUCCEEDED, sync.last_error
    assert sync.object_id == employee.pk
    sent = ehr.stored[f"/api/employees/{offer.application_id}#{employee.candidate_id}"]
    assert (sent["number"], sent["hire_date"], sent["unit"]) == (
        "E0042",
        "2027-01-18",
        employee.org_unit.code,
    )
    assert sent["overall"] == round(employee.baseline.final_total or 0, 2)
