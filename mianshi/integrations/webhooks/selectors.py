"""Reads of the webhooks app, always scoped by Cap.INTEGRATIONS_MANAGE on the endpoint's unit
(another branch's endpoint or delivery answers 404, exactly as if it did not exist)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.integrations.webhooks.models import (
    DeliveryAttempt,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from mianshi.organisations.scoping import scope

S = DeliveryStatus


def endpoint_list(*, user: Actor) -> QuerySet[WebhookEndpoint]:
    """The endpoints of the units where `user` manages integrations."""
    qs = WebhookEndpoint.objects.select_related("org_unit", "owner")
    return scope(qs, user, Cap.INTEGRATIONS_MANAGE).order_by("id")


def endpoint_get(*, user: Actor, pk: int) -> WebhookEndpoint:
    """One endpoint in scope, else 404."""
    return get_object_or_404(endpoint_list(user=user), pk=pk)


def delivery_list(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """An endpoint's deliveries, newest first, each with its attempts (endpoint in scope)."""
    attempts = Prefetch("attempt_rows", queryset=DeliveryAttempt.objects.order_by("id"))
    qs = WebhookDelivery.objects.filter(endpoint=endpoint).select_related("event")
    return qs.prefetch_related(attempts).order_by("-id")


def delivery_get(*, user: Actor, pk: int) -> WebhookDelivery:
    """One delivery whose endpoint is in scope, else 404."""
    qs = WebhookDelivery.objects.select_related("endpoint", "event")
    scoped = scope(qs, user, Cap.INTEGRATIONS_MANAGE, field="endpoint__org_unit")
    return get_object_or_404(scoped, pk=pk)


@dataclass(frozen=True)
class EndpointHealth:
    """How an endpoint is doing, for the integrations health page."""

    endpoint: WebhookEndpoint
    last_success_at: datetime | None
    retrying: int  # deliveries that failed at least once and wait for a retry
    given_up: int
    stopped: int

    @property
    def needs_attention(self) -> bool:
        return not self.endpoint.enabled or self.given_up > 0 or self.retrying > 0


def endpoint_health(*, user: Actor) -> list[EndpointHealth]:
    """Per endpoint in scope: last success, deliveries retrying, given up and stopped."""
    qs = endpoint_list(user=user).annotate(
        last_ok=Max("deliveries__finished_at", filter=Q(deliveries__status=S.SUCCEEDED)),
        retrying=Count(
            "deliveries", filter=Q(deliveries__status=S.PENDING, deliveries__attempts__gt=0)
        ),
        given_up=Count("deliveries", filter=Q(deliveries__status=S.GIVEN_UP)),
        stopped=Count("deliveries", filter=Q(deliveries__status=S.FAILED)),
    )
    return [
        EndpointHealth(e, e.last_ok, e.retrying, e.given_up, e.stopped)  # type: ignore[attr-defined]
        for e in qs
    ]
