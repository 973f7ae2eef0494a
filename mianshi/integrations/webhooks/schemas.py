"""API schemas of webhooks: what an integrator sends and reads (unknown fields → 422).

The secret appears in exactly two answers, creation and rotation; no read ever shows it.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from mianshi.common.pagination import DbId
from mianshi.integrations.webhooks.models import DeliveryAttempt, WebhookDelivery


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class EndpointIn(Strict):
    url: str = Field(min_length=1, max_length=2000)
    event_types: list[str] = Field(default_factory=list, max_length=100)
    org_unit_id: DbId
    description: str = Field("", max_length=200)


class EndpointPatch(Strict):
    url: str | None = Field(None, min_length=1, max_length=2000)
    event_types: list[str] | None = Field(None, max_length=100)
    org_unit_id: DbId | None = None
    description: str | None = Field(None, max_length=200)
    enabled: bool | None = None


class RotateIn(Strict):
    overlap_hours: int | None = Field(None, ge=0, le=24 * 7)


class EndpointOut(Schema):
    id: int
    url: str
    event_types: list[str]
    org_unit_id: int
    description: str
    enabled: bool
    disabled_reason: str
    disabled_at: dt.datetime | None
    owner_id: int | None
    previous_secret_expires_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class EndpointCreatedOut(EndpointOut):
    secret: str = Field(description="Shown once: store it now; no read returns it again.")


class SecretOut(Schema):
    id: int
    secret: str = Field(description="Shown once: store it now; no read returns it again.")
    previous_secret_expires_at: dt.datetime | None


class TestOut(Schema):
    message_id: str = Field(description="The webhook-id of the test message.")


class AttemptOut(Schema):
    attempted_at: dt.datetime
    status_code: int | None
    error: str
    latency_ms: int | None
    response_excerpt: str


class DeliveryOut(Schema):
    id: int
    endpoint_id: int
    event_id: str
    event_type: str
    message_id: str
    status: str
    attempt_count: int
    next_attempt_at: dt.datetime | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    replay_of_id: int | None
    attempts: list[AttemptOut]

    @staticmethod
    def resolve_event_id(obj: WebhookDelivery) -> str:
        return str(obj.event.uid)

    @staticmethod
    def resolve_event_type(obj: WebhookDelivery) -> str:
        return obj.event.type

    @staticmethod
    def resolve_message_id(obj: WebhookDelivery) -> str:
        return obj.event.message_id

    @staticmethod
    def resolve_attempt_count(obj: WebhookDelivery) -> int:
        return obj.attempts

    @staticmethod
    def resolve_attempts(obj: WebhookDelivery) -> list[DeliveryAttempt]:
        return list(obj.attempt_rows.all())
