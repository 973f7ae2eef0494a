"""Request bodies of the candidate API. Every number is bounded and every float finite, so
nothing the browser sends can overflow a column or put NaN into a JSON field."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from ninja import Schema
from pydantic import Field, StrictBool, StringConstraints

from mianshi.interviews.services.events import MAX_EVENTS, MAX_OFFSET_MS

MAX_POSITION = 10_000
MAX_MS = 24 * 60 * 60 * 1000


class ConsentIn(Schema):
    recording: StrictBool
    ai_analysis: StrictBool
    biometric: StrictBool
    notice_version: str = Field(max_length=40)


class DeviceCheckIn(Schema):
    camera: StrictBool
    microphone: StrictBool
    level_db: float | None = Field(None, ge=-200, le=200, allow_inf_nan=False)
    network_kbps: float | None = Field(None, ge=0, le=10_000_000, allow_inf_nan=False)
    problems: list[str] = Field(default_factory=list, max_length=20)

    def cleaned(self) -> dict[str, Any]:
        """The check as stored: problems trimmed to short codes or phrases."""
        data = self.model_dump()
        data["problems"] = [p[:200] for p in self.problems]
        return data


class RecordingReportIn(Schema):
    id: UUID
    duration_ms: int = Field(ge=0, le=MAX_MS)
    interrupted: StrictBool = False


class FinishIn(Schema):
    attempt: int = Field(ge=1, le=1000)
    recordings: list[RecordingReportIn] = Field(default_factory=list, max_length=100)


class TextIn(Schema):
    text: str


class ChoiceIn(Schema):
    keys: list[str] = Field(max_length=100)


class EventIn(Schema):
    kind: str = Field(max_length=40)
    position: int | None = Field(None, ge=0, le=MAX_POSITION)
    offset_ms: int | None = Field(None, ge=0, le=MAX_OFFSET_MS)
    client_at: dt.datetime | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class EventsIn(Schema):
    events: list[EventIn] = Field(max_length=MAX_EVENTS)


class HeartbeatIn(Schema):
    phase: Annotated[str, StringConstraints(max_length=20)] | None = None
    position: int | None = Field(None, ge=0, le=MAX_POSITION)
    pending_chunks: int = Field(0, ge=0, le=10**9)
    pending_bytes: int = Field(0, ge=0, le=10**13)
    online: StrictBool = True
    # The recorder reports a word ("on", "off", "none"); a yes/no is fine too.
    camera: StrictBool | Annotated[str, StringConstraints(max_length=20)] | None = None
