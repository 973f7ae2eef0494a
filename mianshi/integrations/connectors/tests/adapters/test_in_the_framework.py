"""The adapters inside the connector framework: an approved offer becomes an HR-JSON
assessment result at a receiver on loopback through a configured connector and mapping
template — the OAuth token kept sealed in the connector's state — and wrong credentials
leave the sync needing attention with nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mianshi.accounts.models import User
from mianshi.integrations.connectors.models import Connector, Sync, SyncStatus
from mianshi.integrations.connectors.services.connectors import connector_create, template_create
from mianshi.integrations.connectors.tests.adapters import fake_rest as f
from mianshi.integrations.connectors.tests.adapters.fake_hrjson import FakeHrJsonReceiver
from mianshi.reviews.models import InterviewScore
from mianshi.reviews.tests.factories import ReviewWorld
from mianshi.reviews.tests.offer_world import approved, offered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]

TEMPLATE = {
    "version": 1,
    "kind": "assessment",
    "maps": {"status": {"completed": "completed", "*": "in_progress"}},
    "fields": {
        "id": {"path": "$.application_id", "required": True},
        "subject_id": {"path": "$.candidate_id", "required": True},
        "name": {"path": "$.job_title", "default": ""},
        "overall_score": {"path": "$.scores.final", "transform": "round2", "required": True},
        "status": {"path": "$.status", "transform": "map:status"},
        "report_url": {"path": "$.report_url"},
        "dimensions": {
            "each": "$.dimensions[*]",
            "fields": {"name": {"path": "$.name"}, "score": {"path": "$.final"}},
        },
    },
}


@pytest.fixture
def receiver() -> Iterator[FakeHrJsonReceiver]:
    server = FakeHrJsonReceiver()
    server.start()
    yield server
    server.stop()


def hrjson_connector(admin: User, unit: Any, server: FakeHrJsonReceiver, secret: str) -> None:
    data = {
        "name": "HR-JSON 上海",
        "settings": {
            "url": server.url + "/api/assessment-results/{id}",
            "method": "PUT",
            "auth": "oauth2",
            "token_url": server.url + "/oauth2/token",
            "id_path": "$.data.id",
        },
        "credentials": {"client_id": f.CLIENT_ID, "client_secret": secret},
        "triggers": [{"event": "offer.approved", "kind": "assessment"}],
    }
    connector = connector_create(actor=admin, org_unit_id=unit.pk, adapter="hrjson", data=data)
    template_create(actor=admin, connector=connector, kind="assessment", body=TEMPLATE)


def test_an_approved_offer_arrives_as_an_hr_json_result(
    admin: User, org: Any, world: ReviewWorld, receiver: FakeHrJsonReceiver
) -> None:
    hrjson_connector(admin, org.sh, receiver, f.CLIENT_SECRET)
    offer = approved(world, offered(world))
    sync = Sync.objects.get()
    assert sync.status == SyncStatus.SUCCEEDED, sync.last_error
    assert sync.external_id == f"AR-{offer.application_id}"
    result = receiver.stored[str(offer.application_id)]["assessmentResults"][0]
    score = InterviewScore.objects.get(application_id=offer.application_id)
    sent = result["assessmentOverallResult"]["score"][0]["scoreNumeric"]["value"]
    assert sent == round(score.final_total or 0, 2)
    token = Connector.objects.get().state["oauth2"]["access_token"]
    assert token in receiver.tokens
    assert token not in Connector.objects.values_list("state_enc", flat=True).get()


def test_wrong_credentials_need_attention_and_nothing_is_written(
    admin: User, org: Any, world: ReviewWorld, receiver: FakeHrJsonReceiver
) -> None:
    hrjson_connector(admin, org.sh, receiver, "wrong")
    approved(world, offered(world))
    sync = Sync.objects.get()
    assert (sync.status, sync.error_code) == (SyncStatus.NEEDS_ATTENTION, "credentials")
    assert sync.external_id == "" and receiver.stored == {}
    assert receiver.paths() == ["/oauth2/token"]
