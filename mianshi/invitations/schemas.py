"""Typed bodies of the invitations API (the raw link appears only in create/resend answers)."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from mianshi.common.pagination import DbId
from mianshi.invitations.selectors import display_status
from mianshi.invitations.services.invitations import MAX_HOURS, MAX_INSTRUCTIONS, MIN_HOURS

StatusFilter = Literal[
    "created", "sent", "opened", "started", "completed", "revoked", "superseded", "expired"
]
KindCode = Literal["first", "re_record"]
ChannelName = str


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class InvitationQuery(Schema):
    job: DbId | None = None
    application: DbId | None = None
    status: StatusFilter | None = Field(None, description="'expired' = open but past its time")
    kind: KindCode | None = None


class InvitationIn(Strict):
    application_id: DbId
    expires_hours: int | None = Field(
        None, ge=MIN_HOURS, le=MAX_HOURS, description="default: the job's invitation_hours"
    )
    instructions: str | None = Field(
        None, max_length=MAX_INSTRUCTIONS, description="default: the job's instructions"
    )
    channels: list[ChannelName] = Field(default_factory=lambda: ["email"], max_length=10)


class BulkInvitationIn(Strict):
    application_ids: list[DbId] = Field(min_length=1, max_length=1000)
    expires_hours: int | None = Field(None, ge=MIN_HOURS, le=MAX_HOURS)
    instructions: str | None = Field(None, max_length=MAX_INSTRUCTIONS)
    channels: list[ChannelName] = Field(default_factory=lambda: ["email"], max_length=10)


class ResendIn(Strict):
    channels: list[ChannelName] = Field(default_factory=lambda: ["email"], max_length=10)


class ReinviteIn(Strict):
    application_id: DbId
    positions: list[int] | None = Field(
        None, max_length=50, description="questions to record again; default: the failed ones"
    )
    reason: str = Field("", max_length=500)
    channels: list[ChannelName] = Field(default_factory=lambda: ["email"], max_length=10)


class DeliveryOut(Schema):
    id: int
    channel: str
    purpose: str
    status: str
    attempts: int
    error: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


class InvitationOut(Schema):
    id: int
    application_id: int
    candidate_id: int = Field(alias="application.candidate_id")
    candidate_name: str = Field(alias="application.candidate.name")
    job_id: int = Field(alias="application.job_id")
    job_title: str = Field(alias="application.job.title")
    kind: str
    status: str
    display_status: str
    expired: bool
    usable: bool
    expires_at: dt.datetime
    instructions: str
    required_materials: list[str]
    positions: list[int]
    replaces_id: int | None
    created_at: dt.datetime
    sent_at: dt.datetime | None
    first_opened_at: dt.datetime | None
    open_count: int
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    revoked_at: dt.datetime | None
    deliveries: list[DeliveryOut]

    @staticmethod
    def resolve_display_status(obj: Any) -> str:
        return display_status(obj)[0]

    @staticmethod
    def resolve_expired(obj: Any) -> bool:
        return bool(obj.is_expired)

    @staticmethod
    def resolve_usable(obj: Any) -> bool:
        return bool(obj.is_usable)

    @staticmethod
    def resolve_deliveries(obj: Any) -> list[Any]:
        return list(obj.deliveries.all())


class InvitationCreatedOut(Schema):
    invitation: InvitationOut
    link: str = Field(description="the candidate's personal link; shown only in this answer")


class BulkInvitationOut(Schema):
    count: int
    invitations: list[InvitationCreatedOut]
