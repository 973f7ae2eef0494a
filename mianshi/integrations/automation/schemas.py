"""API schemas of transition actions (typed; unknown fields are refused with 422)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from mianshi.candidates.pipeline import Stage
from mianshi.common.pagination import DbId
from mianshi.integrations.automation.models import ActionKind, RecordKind, RunStatus

MAX_CHANNELS = 10


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class RuleIn(Strict):
    """A unit's default rule (`org_unit_id`) or a job's own rule (`job_id`): one of them."""

    org_unit_id: DbId | None = None
    job_id: DbId | None = None
    to_stage: Stage
    from_stage: Stage | None = None
    action: ActionKind
    interview_template_id: DbId | None = None
    invitation_kind: str = Field("", max_length=20)
    channels: list[str] | None = Field(None, max_length=MAX_CHANNELS)
    notice_id: DbId | None = None
    connector_id: DbId | None = None
    record_kind: RecordKind | None = None
    enabled: bool = True
    order: int = Field(0, ge=0, le=1000)


class RulePatch(Strict):
    to_stage: Stage | None = None
    from_stage: Stage | None = None
    action: ActionKind | None = None
    interview_template_id: DbId | None = None
    invitation_kind: str | None = Field(None, max_length=20)
    channels: list[str] | None = Field(None, max_length=MAX_CHANNELS)
    notice_id: DbId | None = None
    connector_id: DbId | None = None
    record_kind: RecordKind | None = None
    enabled: bool | None = None
    order: int | None = Field(None, ge=0, le=1000)


class RuleOut(Schema):
    id: int
    org_unit_id: int
    job_id: int | None
    to_stage: str
    from_stage: str
    action: str
    interview_template_id: int | None
    invitation_kind: str
    channels: list[str]
    notice_id: int | None
    connector_id: int | None
    record_kind: str
    enabled: bool
    order: int
    created_at: dt.datetime
    updated_at: dt.datetime


class RuleQuery(Schema):
    job_id: DbId | None = None
    org_unit_id: DbId | None = None


class EffectiveQuery(Schema):
    job_id: DbId
    to_stage: Stage
    from_stage: Stage | None = None


class NoticeIn(Strict):
    org_unit_id: DbId
    name: str = Field(min_length=1, max_length=120)
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=8000)


class NoticePatch(Strict):
    name: str | None = Field(None, min_length=1, max_length=120)
    subject: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = Field(None, min_length=1, max_length=8000)


class NoticeOut(Schema):
    id: int
    org_unit_id: int
    name: str
    subject: str
    body: str
    updated_at: dt.datetime


class RunQuery(Schema):
    application_id: DbId | None = None
    job_id: DbId | None = None
    rule_id: DbId | None = None
    status: RunStatus | None = None


class RunOut(Schema):
    id: int
    rule_id: int
    transition_id: int
    application_id: int
    action: str
    status: str
    attempts: int
    due_at: dt.datetime
    done_at: dt.datetime | None
    error: str
    result: dict[str, Any]
    caused_transition_id: int | None
    created_at: dt.datetime
