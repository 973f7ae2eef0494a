"""The endpoint page, the deliveries API and the list cost a fixed number of queries whatever
the number of deliveries and attempts: each is requested with 2 and with 15 deliveries (of
three attempts each), and the counts must be equal (an N+1 would add queries per row)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import ApiClient, Org
from mianshi.accounts.models import User
from mianshi.events.models import Event
from mianshi.integrations.webhooks.models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint
from mianshi.integrations.webhooks.services import webhook_create

pytestmark = pytest.mark.django_db


def grow(endpoint: WebhookEndpoint, org: Org, count: int) -> None:
    now = timezone.now()
    events = Event.objects.bulk_create(
        Event(type="candidate.created", occurred_at=now, org_unit_id=org.sh.pk,
              org_path=org.sh.path, data={"candidate_id": n})
        for n in range(count)
    )  # fmt: skip
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event=e, status="given_up") for e in events
    )
    DeliveryAttempt.objects.bulk_create(
        DeliveryAttempt(delivery=d, attempted_at=now, status_code=500, response_excerpt="x")
        for d in deliveries
        for _ in range(3)
    )


def queries(request: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert request().status_code == 200
    return len(captured)


def test_pages_and_api_cost_the_same_with_more_deliveries(
    admin: User, org: Org, login: Callable[[User], Client], api_for: Callable[..., ApiClient]
) -> None:
    endpoint = webhook_create(
        actor=admin, org_unit=org.sh, url="http://10.0.0.7/h", event_types=[]
    )[0]
    client = login(admin)
    api = api_for(admin, scopes=["integrations:read"])
    requests: list[Callable[[], Any]] = [
        lambda: client.get(reverse("integrations:webhook_detail", args=[endpoint.pk])),
        lambda: client.get(reverse("integrations:webhook_list")),
        lambda: api.get(f"/integrations/webhooks/{endpoint.pk}/deliveries"),
    ]
    grow(endpoint, org, 2)
    small = [queries(r) for r in requests]
    grow(endpoint, org, 13)
    assert [queries(r) for r in requests] == small
    assert max(small) <= 20
