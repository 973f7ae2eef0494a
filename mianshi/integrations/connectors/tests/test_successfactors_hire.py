"""The hire (待入职) pushed to SuccessFactors: the approved offer → the outbox event → the
hire consumer → a Sync → the fake SuccessFactors on loopback (real OAuth SAML-bearer
handshake, real OData upsert) holds the JobApplication in the "Hired" status with the
offer's start date; wrong credentials, a system status and a field SF does not let an
upsert set leave SuccessFactors' application as it was."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import TestCase

from mianshi.accounts.models import User
from mianshi.common.external_refs import external_refs_of
from mianshi.integrations.connectors.adapters.successfactors.adapter import ADAPTER
from mianshi.integrations.connectors.adapters.successfactors.example import HIRE_TEMPLATE
from mianshi.integrations.connectors.models import Connector, Sync, SyncStatus
from mianshi.integrations.connectors.protocol import HIRE_TRIGGER, AdapterError, Context
from mianshi.integrations.connectors.services.connectors import connector_create, template_create
from mianshi.integrations.connectors.tests.conftest import KEY
from mianshi.integrations.connectors.tests.fake_successfactors import FakeSF, new_private_key
from mianshi.reviews.models import Offer
from mianshi.reviews.tests.factories import ReviewWorld
from mianshi.reviews.tests.offer_world import EMAIL, approved, offered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]
HIRED = "14"  # "Hired" in the fake's standard status set
START = "/Date(1800230400000)/"  # 2027-01-18, the offer's start date, 00:00 UTC


def hire_connector(admin: User, unit: Any, sf: FakeSF, **over: Any) -> Connector:
    settings = {"base_url": sf.url, "company_id": "ACME", "user_id": "sfapi"}
    data = {
        "name": "SuccessFactors 上海",
        "settings": {**settings, "hire_status_id": HIRED, **over.pop("settings", {})},
        "credentials": {"client_id": "api-key-1", "private_key": over.pop("key", KEY)},
        "triggers": [HIRE_TRIGGER],
    }
    connector = connector_create(
        actor=admin, org_unit_id=unit.pk, adapter="successfactors", data=data
    )
    body = over.pop("template", HIRE_TEMPLATE)
    template_create(actor=admin, connector=connector, kind="hire", body=body)
    return connector


def hire(world: ReviewWorld, sf: FakeSF) -> Offer:
    offer = offered(world)
    sf.add_candidate(501, EMAIL, 9001)
    return approved(world, offer)


def test_entering_pending_onboarding_moves_the_sf_application_to_hired(
    admin: User, org: Any, world: ReviewWorld, sf: FakeSF
) -> None:
    hire_connector(admin, org.sh, sf)
    offer = hire(world, sf)
    sync = Sync.objects.get(kind="hire")
    assert sync.status == SyncStatus.SUCCEEDED, sync.last_error
    assert sync.external_id == "9001" and sync.object_id == offer.application_id
    application = sf.application(9001)
    assert application is not None
    assert (application["appStatusSetItemId"], application["jobStartDate"]) == (HIRED, START)
    assert sf.upserts == {("JobApplication", "9001"): 1}
    assert external_refs_of(offer.application)["successfactors"] == "9001"
    paths = [p for _m, p, _s in sf.calls]
    assert paths[:2] == ["/oauth/idp", "/oauth/token"] and paths[-1] == "/odata/v2/upsert"


def test_the_hire_goes_once_though_the_event_is_handled_again(
    admin: User, org: Any, world: ReviewWorld, sf: FakeSF
) -> None:
    from mianshi.events.models import Event
    from mianshi.integrations.connectors.consumers import trigger

    hire_connector(admin, org.sh, sf)
    hire(world, sf)
    event = Event.objects.get(type="application.stage_changed", data__to_stage="pending_onboarding")
    with TestCase.captureOnCommitCallbacks(execute=True):
        trigger([event])
    assert Sync.objects.filter(kind="hire").count() == 1
    assert sf.upserts == {("JobApplication", "9001"): 1}


def test_wrong_credentials_need_a_person_and_sf_is_untouched(
    admin: User, org: Any, world: ReviewWorld, sf: FakeSF
) -> None:
    hire_connector(admin, org.sh, sf, key=new_private_key())
    hire(world, sf)
    sync = Sync.objects.get(kind="hire")
    assert (sync.status, sync.error_code) == (SyncStatus.NEEDS_ATTENTION, "credentials")
    assert sync.external_id == "" and sync.succeeded_at is None
    assert sf.upserts == {} and sf.application(9001)["appStatusSetItemId"] == "1"  # type: ignore[index]
    assert [p for _m, p, _s in sf.calls] == ["/oauth/idp"]


def test_a_system_status_is_refused_by_sf_and_nothing_changes(
    admin: User, org: Any, world: ReviewWorld, sf: FakeSF
) -> None:
    hire_connector(admin, org.sh, sf, settings={"hire_status_id": "20"})  # "Forwarded"
    hire(world, sf)
    sync = Sync.objects.get(kind="hire")
    assert (sync.status, sync.error_code) == (SyncStatus.NEEDS_ATTENTION, "upsert_refused")
    assert "not allowed to change the candidate application status" in sync.last_error
    assert sf.application(9001) == {
        "applicationId": 9001, "candidateId": 501, "jobReqId": 1,
        "appStatusSetItemId": "1", "status": "Open",
    }  # fmt: skip


def test_a_field_sf_does_not_let_an_upsert_set_is_refused(
    admin: User, org: Any, world: ReviewWorld, sf: FakeSF
) -> None:
    fields = {**HIRE_TEMPLATE["fields"], "application.status": {"const": "Hired"}}
    hire_connector(admin, org.sh, sf, template={**HIRE_TEMPLATE, "fields": fields})
    hire(world, sf)
    sync = Sync.objects.get(kind="hire")
    assert (sync.status, sync.error_code) == (SyncStatus.NEEDS_ATTENTION, "upsert_refused")
    assert "status is not upsertable" in sync.last_error
    assert sf.application(9001)["status"] == "Open" and sf.upserts == {}  # type: ignore[index]


def test_without_the_hired_status_setting_nothing_is_sent(
    admin: User, org: Any, world: ReviewWorld, sf: FakeSF
) -> None:
    hire_connector(admin, org.sh, sf, settings={"hire_status_id": ""})
    hire(world, sf)
    sync = Sync.objects.get(kind="hire")
    assert (sync.status, sync.error_code) == (SyncStatus.NEEDS_ATTENTION, "bad_settings")
    assert sf.calls == []


def _ctx(sf: FakeSF) -> Context:
    return Context(
        settings={"base_url": sf.url, "company_id": "ACME", "user_id": "sfapi"},
        credentials={"client_id": "api-key-1", "private_key": KEY},
        timeout=5,
    )


def test_an_application_already_known_is_upserted_without_a_lookup(sf: FakeSF) -> None:
    sf.add_candidate(502, "han.meimei@example.com", 9002, job_req=7)
    sf.status_sets[7] = {"1": "Default", "31": "Ready to Hire"}
    payload = {"application": {"applicationId": 9002, "appStatusSetItemId": "31",
                               "jobStartDate": START, "firstName": None}}  # fmt: skip
    result = ADAPTER.push(_ctx(sf), "hire", payload)
    assert result.external_id == "9002"
    assert sf.application(9002)["appStatusSetItemId"] == "31"  # type: ignore[index]
    assert "firstName" not in sf.application(9002)  # type: ignore[operator]  # None is not sent
    assert not any(p.startswith("/odata/v2/Candidate") for _m, p, _s in sf.calls)


def test_an_unknown_status_or_application_is_refused(sf: FakeSF) -> None:
    sf.add_candidate(503, "x@example.com", 9003, job_req=7)
    sf.status_sets[7] = {"1": "Default", "31": "Ready to Hire"}
    for application, status in ((9003, "99"), (424242, "31")):
        payload = {"application": {"applicationId": application, "appStatusSetItemId": status}}
        with pytest.raises(AdapterError) as caught:
            ADAPTER.push(_ctx(sf), "hire", payload)
        assert caught.value.code == "upsert_refused" and caught.value.retryable is False
    assert sf.upserts == {}


def test_the_template_editor_starts_from_the_hire_example_and_previews_it_masked(
    admin: User, org: Any, world: ReviewWorld, sf: FakeSF, login: Any
) -> None:
    from django.urls import reverse

    connector = connector_create(
        actor=admin, org_unit_id=org.sh.pk, adapter="successfactors",
        data={"name": "SF", "settings": {"base_url": sf.url, "company_id": "ACME",
              "user_id": "sfapi"}, "credentials": {"client_id": "api-key-1", "private_key": KEY}},
    )  # fmt: skip
    web = login(admin)
    page = web.get(reverse("integrations:connector_template", args=[connector.pk, "hire"]))
    assert page.status_code == 200 and "jobStartDate" in page.content.decode()
    offer = approved(world, offered(world))
    url = reverse("integrations:connector_preview", args=[connector.pk, "hire"])
    body = json.dumps(HIRE_TEMPLATE)
    shown = web.post(url, {"object_id": offer.application_id, "body": body}).content.decode()
    assert START in shown
    assert "l***@example.com" in shown and EMAIL not in shown
    assert sf.calls == []  # a preview sends nothing
