"""HR REST endpoints of interviews (/api/interviews): the live board and session details.

Thin: every endpoint starts from the scoped selectors of `selectors_board`, so anything
outside the caller's scope answers 404 exactly as in the UI. Reading needs the
candidates:read scope (interviews are candidate data).
"""

from typing import Any
from uuid import UUID

from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.candidates.responses import attachment
from mianshi.candidates.selectors import visible_applications
from mianshi.common.pagination import DbId
from mianshi.compliance.pagination import AuditedPagination
from mianshi.compliance.services import audit_read
from mianshi.interviews import selectors_board as sel
from mianshi.interviews.models import Answer, InterviewSession, Recording, SessionEvent
from mianshi.interviews.schemas import BoardStateCode, SessionDetailOut, SessionRowOut
from mianshi.interviews.services.hr_access import answer_file_download, recording_media_open
from mianshi.interviews.views import media_open_response

router = Router(tags=["interviews"])
READ = "candidates:read"


class BoardQuery(Schema):
    state: BoardStateCode | None = None


def _application_id(row: dict[str, Any]) -> int:
    return int(row["application_id"])


@router.get("/jobs/{job_id}/sessions", response=list[SessionRowOut])
@paginate(AuditedPagination, page_size=50, audit_action="job_board.view", audit_id=_application_id)
def job_sessions(request: ApiRequest, job_id: DbId, filters: Query[BoardQuery]) -> Any:
    """The job's live board: one row per invited application, problems first."""
    require_scope(request, READ)
    job = sel.board_job(user=request.user, job_id=job_id)
    board = sel.job_board(user=request.user, job=job)
    return [row_out(r) for r in board.shown(filters.state or "")]


@router.get("/sessions/{session_id}", response=SessionDetailOut)
def session_get(request: ApiRequest, session_id: DbId) -> Any:
    """One interview session with its answers, recordings, consents and events."""
    require_scope(request, READ)
    session = sel.session_detail(user=request.user, pk=session_id)
    detail = {"page": "api"}
    audit_read(actor=request.user, action="interview_session.view", obj=session, detail=detail)
    return session_out(session)


@router.get("/applications/{application_id}/sessions", response=list[SessionDetailOut])
def application_sessions(request: ApiRequest, application_id: DbId) -> Any:
    """Every interview session of one application (re-records included), newest first."""
    require_scope(request, READ)
    application = get_object_or_404(visible_applications(request.user), pk=application_id)
    sessions = list(sel.application_sessions(user=request.user, application=application))
    ids = [s.pk for s in sessions]
    audit_read(actor=request.user, action="interview_session.list", ids=ids)
    return [session_out(s) for s in sessions]


@router.get(
    "/recordings/{recording_id}/media",
    response={200: None, 206: None, 416: None},
    url_name="interviews_recording_media",
)
def recording_media(request: ApiRequest, recording_id: UUID) -> HttpResponseBase:
    """The decrypted media of a verified recording (Range supported); audited."""
    require_scope(request, READ)
    recording = sel.recording_for_playback(user=request.user, pk=recording_id)
    return media_open_response(
        request,
        lambda: recording_media_open(actor=request.user, recording=recording, api=True),
        download=True,
    )


@router.get("/answers/{answer_id}/file", response={200: None}, url_name="interviews_answer_file")
def answer_file(request: ApiRequest, answer_id: DbId) -> HttpResponseBase:
    """The file a candidate uploaded as an answer; audited."""
    require_scope(request, READ)
    answer = sel.answer_with_file(user=request.user, pk=answer_id)
    data, name, content_type = answer_file_download(actor=request.user, answer=answer)
    return attachment(data, name, content_type)


# --- shaping -----------------------------------------------------------------------------


def row_out(row: sel.BoardRow) -> dict[str, Any]:
    """A board row as the SessionRowOut schema reads it."""
    invitation = row.invitation
    return {
        "application_id": row.application.pk,
        "candidate_id": row.application.candidate_id,
        "candidate_name": row.candidate_name,
        "session_id": row.session.pk if row.session else None,
        "state": row.state,
        "state_label": row.state_label,
        "position": row.position,
        "question_count": row.total,
        "question_text": row.question_text,
        "last_seen_at": row.last_seen_at,
        "invitation": {
            **{f: getattr(invitation, f) for f in _INVITATION_FIELDS},
            "expired": invitation.is_expired,
        },
        "upload": {
            "bytes_received": row.bytes_received,
            "last_data_at": row.last_data_at,
            "pending_chunks": row.pending_chunks,
            "pending_bytes": row.pending_bytes,
            "online": row.online,
        },
        "integrity": {
            "tab_switches": row.tab_switches,
            "fullscreen_exits": row.fullscreen_exits,
            "pastes": row.pastes,
        },
        "quality": [
            vars(q) | {"issues": list(q.issues), "notes": list(q.notes)} for q in row.quality
        ],
        "anomalies": [vars(a) for a in row.anomalies],
    }


_INVITATION_FIELDS = (
    "id",
    "kind",
    "status",
    "expires_at",
    "created_at",
    "sent_at",
    "first_opened_at",
    "started_at",
    "completed_at",
)


def session_out(session: InterviewSession) -> dict[str, Any]:
    """A session loaded by `session_detail`/`application_sessions` as SessionDetailOut."""
    panel = sel.session_panel(session)
    fields = ("id", "application_id", "invitation_id", "state", "current_position", "phase")
    more = ("language", "started_at", "finished_at", "last_seen_at", "last_data_at")
    return {
        **{f: getattr(session, f) for f in (*fields, *more, "flagged", "flag_reason")},
        "invitation_kind": session.invitation.kind,
        "consents": list(session.consents.all()),
        "answers": [_answer_out(p) for p in panel.answers],
        "events": [_event_out(e, None) for e in panel.events],
    }


def _answer_out(panel: sel.AnswerPanel) -> dict[str, Any]:
    a = panel.answer
    fields = ("id", "position", "answer_type", "status", "attempt", "text", "started_at")
    more = ("finished_at", "reported_ms", "measured_ms", "quality_status")
    events = [*panel.integrity, *panel.marks, *panel.other_events]
    return {
        **{f: getattr(a, f) for f in (*fields, *more)},
        "question_text": panel.question,
        "choice": [str(k) for k in a.choice] if isinstance(a.choice, list) else [],
        "file": _file_out(a),
        "quality": a.quality if isinstance(a.quality, dict) else {},
        "recordings": [_recording_out(r) for r in panel.recordings],
        "events": [_event_out(e, a.position) for e in sorted(events, key=lambda e: e.at)],
    }


def _file_out(answer: Answer) -> dict[str, Any] | None:
    if not answer.file_path:
        return None
    url = reverse("api:interviews_answer_file", kwargs={"answer_id": answer.pk})
    return {"size": answer.file_size, "content_type": answer.file_content_type, "url": url}


def _recording_out(r: Recording) -> dict[str, Any]:
    fields = ("id", "attempt", "segment", "mode", "status", "content_type", "length")
    more = ("reported_ms", "duration_ms", "created_at", "last_chunk_at", "error")
    verified = r.status == "verified"
    url = (
        reverse("api:interviews_recording_media", kwargs={"recording_id": r.pk})
        if verified
        else None
    )
    return {
        **{f: getattr(r, f) for f in (*fields, *more)},
        "bytes_received": r.offset,
        "media_url": url,
    }


def _event_out(e: SessionEvent, position: int | None) -> dict[str, Any]:
    detail = e.detail if isinstance(e.detail, dict) else {}
    fields = ("kind", "offset_ms", "client_at", "at")
    return {**{f: getattr(e, f) for f in fields}, "position": position, "detail": detail}
