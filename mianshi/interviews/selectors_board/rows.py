"""One row of the live board: an application's latest invitation and how its interview goes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy

from mianshi.candidates.models import Application
from mianshi.interviews.flow import spec_of
from mianshi.interviews.models import Answer, InterviewSession, SessionState
from mianshi.interviews.selectors_board.anomalies import Anomaly, anomalies, latest
from mianshi.interviews.selectors_board.quality import AnswerQuality, answer_quality
from mianshi.invitations.models import CLOSED_STATUSES, Invitation


class BoardState(TextChoices):
    """What the board says about a candidate (F-50: 未开始/引导中/录制中/上传中/已完成/异常)."""

    NOT_STARTED = "not_started", gettext_lazy("Not started")
    GUIDE = "guide", gettext_lazy("In the guided start")
    RECORDING = "recording", gettext_lazy("Recording")
    UPLOADING = "uploading", gettext_lazy("Uploading")
    DONE = "done", gettext_lazy("Completed")
    PROBLEM = "problem", gettext_lazy("Problem")


_FROM_SESSION: dict[str, BoardState] = {
    SessionState.NOT_STARTED: BoardState.NOT_STARTED,
    SessionState.GUIDE: BoardState.GUIDE,
    SessionState.ANSWERING: BoardState.RECORDING,
    SessionState.UPLOADING: BoardState.UPLOADING,
    SessionState.DONE: BoardState.DONE,
}


@dataclass
class BoardRow:
    """One application on the board: its latest invitation and how the interview goes."""

    invitation: Invitation
    application: Application
    session: InterviewSession | None
    state: str
    position: int | None  # 1-based number of the question being answered
    total: int
    question_text: str
    last_data_at: dt.datetime | None
    bytes_received: int
    pending_chunks: int | None
    pending_bytes: int | None
    online: bool | None
    camera: Any
    tab_switches: int
    fullscreen_exits: int
    pastes: int
    quality: list[AnswerQuality] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return str(BoardState(self.state).label)

    @property
    def candidate_name(self) -> str:
        return self.application.candidate.name

    @property
    def last_seen_at(self) -> dt.datetime | None:
        return self.session.last_seen_at if self.session else None

    @property
    def invitation_expired(self) -> bool:
        return self.invitation.is_expired and self.invitation.status not in CLOSED_STATUSES


def board_row(
    invitation: Invitation,
    answers: dict[int, list[Answer]],
    health: dict[int, dict[str, Any]],
    now: dt.datetime,
) -> BoardRow:
    """The row of `invitation` from its session, its answers (by session) and the upload
    health (by session); PROBLEM whenever an anomaly was found."""
    session = session_of(invitation)
    slots = answers.get(session.pk, []) if session else []
    upload = health.get(session.pk, {}) if session else {}
    current = _current(session, slots)
    row = BoardRow(
        invitation=invitation,
        application=invitation.application,
        session=session,
        state=_FROM_SESSION.get(session.state, BoardState.NOT_STARTED)
        if session
        else BoardState.NOT_STARTED,
        position=session.current_position + 1 if session and current else None,
        total=len(slots),
        question_text=spec_of(current).text if current else "",
        last_data_at=latest(session.last_data_at if session else None, upload.get("last_chunk")),
        bytes_received=int(upload.get("received") or 0),
        **_client_report(session),
        tab_switches=getattr(invitation, "n_switches", 0),
        fullscreen_exits=getattr(invitation, "n_fullscreen", 0),
        pastes=getattr(invitation, "n_pastes", 0),
        quality=[q for a in slots if (q := answer_quality(a)) is not None],
    )
    row.anomalies = anomalies(row, current, slots, upload, now)
    if row.anomalies:
        row.state = BoardState.PROBLEM
    return row


def session_of(invitation: Invitation) -> InterviewSession | None:
    """The invitation's session, None before the candidate opened the link."""
    try:
        return invitation.session
    except InterviewSession.DoesNotExist:
        return None


def _current(session: InterviewSession | None, slots: list[Answer]) -> Answer | None:
    if session is None or session.state != SessionState.ANSWERING:
        return None
    index = session.current_position
    return slots[index] if 0 <= index < len(slots) else None


def _client_report(session: InterviewSession | None) -> dict[str, Any]:
    """The row's fields from the browser's last heartbeat, each checked for its type."""
    client = session.client_state if session and isinstance(session.client_state, dict) else {}
    online = client.get("online")
    return {
        "pending_chunks": _count(client.get("pending_chunks")),
        "pending_bytes": _count(client.get("pending_bytes")),
        "online": online if isinstance(online, bool) else None,
        "camera": client.get("camera"),
    }


def _count(value: Any) -> int | None:
    """A non-negative whole number the browser reported, else None (never trust its type)."""
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return value if ok else None
