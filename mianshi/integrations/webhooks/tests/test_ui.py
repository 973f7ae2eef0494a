"""The webhook pages as an HR admin uses them: create (the secret shown once), detail with
deliveries and attempts, edit, test, rotate, disable/enable, replay, delete with
confirmation; another branch's admin gets 404, a user without the capability 403."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import MakeUser, Org
from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.events.models import Event
from mianshi.events.services import event_emit
from mianshi.integrations.webhooks.models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint
from mianshi.integrations.webhooks.services import webhook_create

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
URL = "http://10.0.0.8/hooks"


def url(name: str, *args: int) -> str:
    return reverse(f"integrations:{name}", args=args)


@pytest.fixture
def endpoint(admin: User, org: Org) -> WebhookEndpoint:
    return webhook_create(actor=admin, org_unit=org.sh, url=URL, event_types=[])[0]


def test_create_shows_the_secret_once(admin: User, org: Org, login: Login) -> None:
    client = login(admin)
    assert client.get(url("webhook_create")).status_code == 200
    form = {"url": URL, "org_unit": org.sh_sales.pk, "event_types": ["decision.made"]}
    response = client.post(url("webhook_create"), form)
    assert response.status_code == 200
    page = response.content.decode()
    secret = page.split('id="webhook-secret" value="')[1].split('"')[0]
    assert secret.startswith("whsec_")
    created = WebhookEndpoint.objects.get()
    assert created.event_types == ["decision.made"] and created.org_unit == org.sh_sales
    detail = client.get(url("webhook_detail", created.pk)).content.decode()
    assert secret not in detail


def test_a_refused_address_is_a_form_error_and_nothing_is_saved(
    admin: User, org: Org, login: Login, settings: object
) -> None:
    settings.WEBHOOK_ALLOW = []  # type: ignore[attr-defined]
    form = {"url": "http://169.254.169.254/latest/", "org_unit": org.sh.pk}
    response = login(admin).post(url("webhook_create"), form)
    assert response.status_code == 200 and 'class="errorlist"' in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_only_units_in_scope_are_offered_and_accepted(admin: User, org: Org, login: Login) -> None:
    response = login(admin).post(url("webhook_create"), {"url": URL, "org_unit": org.sz.pk})
    assert response.status_code == 200 and not WebhookEndpoint.objects.exists()


def test_another_branch_gets_404_and_a_user_without_the_capability_403(
    endpoint: WebhookEndpoint, sz_admin: User, org: Org, make_user: MakeUser, login: Login
) -> None:
    other = login(sz_admin)
    assert URL not in other.get(url("webhook_list")).content.decode()
    for name in ["webhook_detail", "webhook_edit", "webhook_delete"]:
        assert other.get(url(name, endpoint.pk)).status_code == 404
    for name in ["webhook_test", "webhook_rotate", "webhook_disable", "webhook_enable"]:
        assert other.post(url(name, endpoint.pk)).status_code == 404
    recruiter = login(make_user("hr", Role.HR, org.sh))
    assert recruiter.get(url("webhook_list")).status_code == 403
    assert recruiter.get(url("webhook_detail", endpoint.pk)).status_code == 404


def test_detail_shows_deliveries_with_their_attempts_and_replays(
    endpoint: WebhookEndpoint, admin: User, org: Org, login: Login
) -> None:
    event = event_emit(type="candidate.created", data={"candidate_id": 3}, org_unit_id=org.sh.pk)
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=event, status="given_up")
    DeliveryAttempt.objects.create(
        delivery=delivery, attempted_at=timezone.now(), status_code=503,
        latency_ms=12, response_excerpt="维护中 maintenance",
    )  # fmt: skip
    client = login(admin)
    page = client.get(url("webhook_detail", endpoint.pk)).content.decode()
    assert event.message_id in page and "HTTP 503" in page and "维护中 maintenance" in page

    response = client.post(url("webhook_replay", delivery.pk))
    assert response.status_code == 302
    assert WebhookDelivery.objects.filter(replay_of=delivery, event=event).count() == 1


def test_edit_test_rotate_disable_enable(
    endpoint: WebhookEndpoint, admin: User, org: Org, login: Login
) -> None:
    client = login(admin)
    form = {"url": URL, "org_unit": org.sh.pk, "event_types": ["candidate.created"]}
    assert client.post(url("webhook_edit", endpoint.pk), form).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.event_types == ["candidate.created"]

    assert client.post(url("webhook_test", endpoint.pk)).status_code == 302
    assert Event.objects.filter(type="webhook.test", data__endpoint_id=endpoint.pk).exists()

    before = endpoint.secret
    rotated = client.post(url("webhook_rotate", endpoint.pk))
    assert rotated.status_code == 200 and "whsec_" in rotated.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.secret != before and endpoint.previous_secret == before

    client.post(url("webhook_disable", endpoint.pk))
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    client.post(url("webhook_enable", endpoint.pk))
    endpoint.refresh_from_db()
    assert endpoint.enabled


def test_delete_asks_for_confirmation(endpoint: WebhookEndpoint, admin: User, login: Login) -> None:
    client = login(admin)
    assert client.get(url("webhook_delete", endpoint.pk)).status_code == 200
    assert client.post(url("webhook_delete", endpoint.pk)).status_code == 200  # not ticked
    assert WebhookEndpoint.objects.exists()
    response = client.post(url("webhook_delete", endpoint.pk), {"confirm": "1"})
    assert response.status_code == 302 and not WebhookEndpoint.objects.exists()
