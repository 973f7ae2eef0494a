"""API schemas of the connectors (typed; unknown fields are refused with 422).

Credentials go in and never come out: a read says which credential fields are set, never
their values. A sync's payload is shown with identifiers masked (preview.mask_payload).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from mianshi.common.pagination import DbId
from mianshi.integrations.connectors.models import Connector, Sync, SyncStatus
from mianshi.integrations.connectors.preview import mask_payload
from mianshi.integrations.connectors.records import RecordMissing, identifier_values, record_build


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class TriggerIn(Strict):
    event: str = Field(max_length=64, description="a public event type, e.g. offer.approved")
    kind: str = Field(max_length=20, description="the record to send, e.g. assessment")
    to_stage: str = Field("", max_length=20, description="only when this stage is entered")


class ConnectorIn(Strict):
    org_unit_id: DbId
    adapter: str = Field(max_length=40, description="protocol key, e.g. successfactors")
    name: str = Field(max_length=120)
    settings: dict[str, str] = Field(default_factory=dict)
    credentials: dict[str, str] = Field(default_factory=dict, description="write-only")
    triggers: list[TriggerIn] = Field(default_factory=list, max_length=20)
    enabled: bool = True
    schedule_minutes: int | None = Field(None, ge=5, le=10080)
    pull_kind: str = Field("", max_length=20)


class ConnectorPatch(Strict):
    name: str | None = Field(None, max_length=120)
    settings: dict[str, str] | None = None
    credentials: dict[str, str] | None = Field(None, description="write-only; empty keeps")
    triggers: list[TriggerIn] | None = Field(None, max_length=20)
    enabled: bool | None = None
    schedule_minutes: int | None = Field(None, ge=5, le=10080)
    pull_kind: str | None = Field(None, max_length=20)


class ConnectorOut(Schema):
    id: int
    org_unit_id: int
    adapter: str
    name: str
    settings: dict[str, Any]
    credentials_set: list[str]
    triggers: list[dict[str, Any]]
    enabled: bool
    schedule_minutes: int | None
    pull_kind: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_credentials_set(obj: Connector) -> list[str]:
        return sorted(k for k, v in obj.credentials.items() if v)


class FieldOut(Schema):
    name: str
    label: str
    secret: bool
    required: bool


class AdapterOut(Schema):
    key: str
    label: str
    settings_fields: list[FieldOut]
    credential_fields: list[FieldOut]
    push_kinds: list[str]
    pull_kinds: list[str]


class TemplateIn(Strict):
    kind: str = Field(max_length=20)
    body: dict[str, Any] | str = Field(description="the template, as JSON or its text")
    note: str = Field("", max_length=200)


class TemplateOut(Schema):
    id: int
    kind: str
    version: int
    body: dict[str, Any]
    note: str
    created_by_id: int | None
    created_at: dt.datetime


class PreviewIn(Strict):
    kind: str = Field(max_length=20)
    object_id: DbId
    body: dict[str, Any] | str | None = Field(None, description="default: the version in force")


class ProblemOut(Schema):
    field: str
    message: str


class PreviewOut(Schema):
    payload: dict[str, Any] | None
    problems: list[ProblemOut]


class TestOut(Schema):
    ok: bool
    message: str


class SyncIn(Strict):
    kind: str = Field(max_length=20)
    object_id: DbId


class SyncQuery(Schema):
    connector: DbId | None = None
    status: SyncStatus | None = None


class SyncOut(Schema):
    id: int
    connector_id: int
    kind: str
    object_id: int
    event_id: int | None
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    template_version: int | None
    external_id: str
    last_error: str
    error_code: str
    created_at: dt.datetime
    updated_at: dt.datetime
    succeeded_at: dt.datetime | None


class SyncDetailOut(SyncOut):
    payload: dict[str, Any]
    response_excerpt: str

    @staticmethod
    def resolve_payload(obj: Sync) -> dict[str, Any]:
        return masked_payload(obj)


def masked_payload(sync: Sync) -> dict[str, Any]:
    """What was sent, with the record's identifiers masked."""
    try:
        identifiers = identifier_values(record_build(kind=sync.kind, object_id=sync.object_id))
    except RecordMissing:
        identifiers = {}
    masked: dict[str, Any] = mask_payload(sync.payload, identifiers)
    return masked


class MokaWebhookOut(Schema):
    """What a Moka webhook did: applications created, and the records refused (ref: why)."""

    imported: int
    refused: list[str]
