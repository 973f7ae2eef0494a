"""Typed bodies of the HR interviews API (/api/interviews): board rows and session details."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field

BoardStateCode = Literal["not_started", "guide", "recording", "uploading", "done", "problem"]


class AnomalyOut(Schema):
    """A signal for HR: left_midway, no_data, upload_stuck, camera_covered, quality_failed,
    verification_failed, flagged or expired, with a message in the request's language."""

    code: str
    message: str


class QualityOut(Schema):
    position: int
    status: str
    fps: float | None
    width: int | None
    height: int | None
    audio_db: float | None
    issues: list[str]
    notes: list[str] = Field(description="The issues' messages in the deployment's language")


class InvitationBriefOut(Schema):
    id: int
    kind: str
    status: str
    expires_at: datetime
    expired: bool
    created_at: datetime
    sent_at: datetime | None
    first_opened_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None


class UploadHealthOut(Schema):
    bytes_received: int
    last_data_at: datetime | None
    pending_chunks: int | None
    pending_bytes: int | None
    online: bool | None


class IntegrityOut(Schema):
    tab_switches: int
    fullscreen_exits: int
    pastes: int


class SessionRowOut(Schema):
    """One application on a job's live board."""

    application_id: int
    candidate_id: int
    candidate_name: str
    session_id: int | None
    state: BoardStateCode
    state_label: str
    position: int | None = Field(description="1-based number of the question being answered")
    question_count: int
    question_text: str
    last_seen_at: datetime | None
    invitation: InvitationBriefOut
    upload: UploadHealthOut
    integrity: IntegrityOut
    quality: list[QualityOut]
    anomalies: list[AnomalyOut]


class EventOut(Schema):
    kind: str
    position: int | None
    offset_ms: int | None
    client_at: datetime | None
    at: datetime
    detail: dict[str, Any]


class RecordingOut(Schema):
    id: UUID
    attempt: int
    segment: int
    mode: str
    status: str
    content_type: str
    bytes_received: int
    length: int | None
    reported_ms: int | None
    duration_ms: int | None
    created_at: datetime
    last_chunk_at: datetime | None
    error: str
    media_url: str | None = Field(description="API download of a verified recording")


class FileOut(Schema):
    size: int
    content_type: str
    url: str


class AnswerOut(Schema):
    id: int
    position: int
    question_text: str
    answer_type: str
    status: str
    attempt: int
    text: str
    choice: list[str]
    file: FileOut | None
    started_at: datetime | None
    finished_at: datetime | None
    reported_ms: int | None
    measured_ms: int | None
    quality_status: str
    quality: dict[str, Any]
    recordings: list[RecordingOut]
    events: list[EventOut]


class ConsentOut(Schema):
    kind: str
    granted: bool
    notice_version: str
    notice_sha256: str
    at: datetime


class SessionDetailOut(Schema):
    id: int
    application_id: int
    invitation_id: int
    invitation_kind: str
    state: str
    current_position: int
    phase: str
    language: str
    started_at: datetime | None
    finished_at: datetime | None
    last_seen_at: datetime | None
    last_data_at: datetime | None
    flagged: bool
    flag_reason: str
    consents: list[ConsentOut]
    answers: list[AnswerOut]
    events: list[EventOut] = Field(description="Events outside any answer")
