"""The webhooks API as an integrator uses it: create (secret once), read, change, rotate, test,
deliveries with their attempts, replay; refusals as clear 4xx with nothing saved; another
branch's key sees nothing (404)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import ApiClient, Org
from mianshi.accounts.models import User
from mianshi.compliance.models import AuditEvent
from mianshi.events.models import Event
from mianshi.integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from mianshi.integrations.webhooks.tests.conftest import emit
from mianshi.integrations.webhooks.tests.receiver import Receiver

BASE = "/integrations/webhooks"
SCOPES = ["integrations:read", "integrations:write"]
Api = Callable[..., ApiClient]


@pytest.fixture
def api(api_for: Api, admin: User) -> ApiClient:
    return api_for(admin, scopes=SCOPES)


@pytest.fixture
def other_api(api_for: Api, sz_admin: User) -> ApiClient:
    return api_for(sz_admin, scopes=SCOPES)


def body(org: Org, **extra: Any) -> dict[str, Any]:
    data = {"url": "http://127.0.0.1:9/hook", "event_types": [], "org_unit_id": org.sh.pk}
    return {**data, **extra}


@pytest.fixture
def created(api: ApiClient, org: Org) -> dict[str, Any]:
    response = api.post(BASE, body(org, event_types=["decision.made"], description="EHR"))
    assert response.status_code == 201, response.content
    return dict(response.json())


@pytest.mark.django_db
def test_create_answers_the_secret_once_and_no_read_shows_it(
    api: ApiClient, created: dict[str, Any]
) -> None:
    assert created["secret"].startswith("whsec_") and created["event_types"] == ["decision.made"]
    detail = api.get(f"{BASE}/{created['id']}")
    listing = api.get(BASE)
    assert detail.status_code == listing.status_code == 200
    assert "secret" not in detail.json() and created["secret"] not in listing.content.decode()
    row = WebhookEndpoint.objects.get()
    assert created["secret"] not in row.secret  # sealed at rest
    assert AuditEvent.objects.filter(action="webhook.create", object_id=str(row.pk)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"event_types": ["decision.made", "no.such.type"]},
        {"event_types": ["webhook.test"]},
        {"url": "ftp://example.cn/hook"},
        {"url": "not a url"},
        {"org_unit_id": 2**63},
        {"unknown": 1},
    ],
)
def test_bad_input_is_a_422_and_nothing_is_saved(
    api: ApiClient, org: Org, change: dict[str, Any]
) -> None:
    response = api.post(BASE, body(org, **change))
    assert response.status_code == 422, response.content
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8000/hook",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://localhost/hook",
        "http://0.0.0.0/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ],
)
def test_loopback_link_local_and_metadata_addresses_are_refused(
    api: ApiClient, org: Org, url: str, settings: Any
) -> None:
    settings.WEBHOOK_ALLOW = []
    response = api.post(BASE, body(org, url=url))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["url"]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_an_allow_listed_range_and_a_private_network_are_accepted(
    api: ApiClient, org: Org, settings: Any
) -> None:
    settings.WEBHOOK_ALLOW = ["127.0.0.0/8"]
    assert api.post(BASE, body(org, url="http://127.0.0.2:8080/h")).status_code == 201
    assert api.post(BASE, body(org, url="http://10.1.2.3/ehr")).status_code == 201


@pytest.mark.django_db
def test_another_branch_sees_nothing(
    other_api: ApiClient, created: dict[str, Any], org: Org
) -> None:
    pk = created["id"]
    assert other_api.get(BASE).json()["items"] == []
    assert other_api.get(f"{BASE}/{pk}").status_code == 404
    assert other_api.patch(f"{BASE}/{pk}", {"description": "x"}).status_code == 404
    assert other_api.post(f"{BASE}/{pk}/rotate-secret", {}).status_code == 404
    assert other_api.post(f"{BASE}/{pk}/test", {}).status_code == 404
    assert other_api.get(f"{BASE}/{pk}/deliveries").status_code == 404
    assert other_api.delete(f"{BASE}/{pk}").status_code == 404
    # Nor may it place an endpoint in a unit of ours.
    assert other_api.post(BASE, body(org)).status_code == 422
    assert WebhookEndpoint.objects.count() == 1


@pytest.mark.django_db
def test_scopes_are_required(api_for: Api, admin: User, org: Org, created: dict[str, Any]) -> None:
    reader = api_for(admin, scopes=["integrations:read"])
    assert reader.get(f"{BASE}/{created['id']}").status_code == 200
    assert reader.post(BASE, body(org)).status_code == 403
    outsider = api_for(admin, scopes=["candidates:read"])
    assert outsider.get(BASE).status_code == 403


@pytest.mark.django_db
def test_patch_changes_types_and_disables_and_enables(
    api: ApiClient, created: dict[str, Any]
) -> None:
    url = f"{BASE}/{created['id']}"
    changed = api.patch(url, {"event_types": [], "enabled": False}).json()
    assert changed["event_types"] == [] and not changed["enabled"]
    assert changed["disabled_reason"] == "manual"
    assert api.post(f"{url}/test", {}).status_code == 409  # disabled
    assert api.patch(url, {"enabled": True}).json()["enabled"] is True
    assert api.patch(url, {"event_types": ["nope"]}).status_code == 422
    assert WebhookEndpoint.objects.get().event_types == []


@pytest.mark.django_db
def test_rotation_answers_a_new_secret_and_the_old_one_signs_for_the_overlap(
    api: ApiClient, created: dict[str, Any]
) -> None:
    url = f"{BASE}/{created['id']}/rotate-secret"
    rotated = api.post(url, {}).json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    until = api.get(f"{BASE}/{created['id']}").json()["previous_secret_expires_at"]
    expected = timezone.now() + timedelta(hours=24)
    assert abs((datetime.fromisoformat(until) - expected).total_seconds()) < 60
    assert api.post(url, {"overlap_hours": 0}).status_code == 200
    assert api.post(url, {"overlap_hours": 10_000}).status_code == 422


@pytest.mark.django_db
def test_a_test_message_is_a_webhook_test_event_for_this_endpoint(
    api: ApiClient, created: dict[str, Any]
) -> None:
    response = api.post(f"{BASE}/{created['id']}/test", {})
    assert response.status_code == 202
    event = Event.objects.get(type="webhook.test")
    assert event.message_id == response.json()["message_id"]
    assert event.data["endpoint_id"] == created["id"]


@pytest.mark.django_db
def test_delete_removes_the_endpoint(api: ApiClient, created: dict[str, Any]) -> None:
    assert api.delete(f"{BASE}/{created['id']}").status_code == 204
    assert api.get(f"{BASE}/{created['id']}").status_code == 404
    assert AuditEvent.objects.filter(action="webhook.delete").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("eager")
def test_deliveries_show_every_attempt_and_a_replay_sends_the_same_webhook_id(
    api: ApiClient, other_api: ApiClient, org: Org, receiver: Receiver
) -> None:
    made = api.post(BASE, body(org, url=receiver.url)).json()
    receiver.secret = made["secret"]
    event = emit(org.sh)
    [listed] = api.get(f"{BASE}/{made['id']}/deliveries").json()["items"]
    assert listed["status"] == "succeeded" and listed["message_id"] == event.message_id
    [attempt] = listed["attempts"]
    assert attempt["status_code"] == 204 and attempt["latency_ms"] is not None

    assert other_api.post(f"{BASE}/deliveries/{listed['id']}/replay", {}).status_code == 404
    replayed = api.post(f"{BASE}/deliveries/{listed['id']}/replay", {})
    assert replayed.status_code == 202 and replayed.json()["replay_of_id"] == listed["id"]
    assert WebhookDelivery.objects.count() == 2
    assert [r.headers["webhook-id"] for r in receiver.received] == [event.message_id] * 2
    assert receiver.accepted == {event.message_id: 2}  # delivered twice, same id:
    assert receiver.processed == {event.message_id: 1}  # so processed once
