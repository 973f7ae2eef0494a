"""HR-side reads of interviews: the live board of a job (F-50) and the interview panel.

Every query starts from the scoped selectors of the candidates app (`visible_applications`)
or from `scope()`, so HR of another branch, managers outside their departments and
interviewers without an assignment see nothing (404). The board is built from a fixed
number of queries whatever the number of rows: it is polled every few seconds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextChoices,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.candidates.selectors import visible_applications
from mianshi.interviews.flow import spec_of
from mianshi.interviews.models import (
    INTEGRITY_KINDS,
    Answer,
    AnswerStatus,
    Consent,
    EventKind,
    InterviewSession,
    Phase,
    QualityStatus,
    Recording,
    RecordingStatus,
    SessionEvent,
    SessionState,
)
from mianshi.invitations.models import CLOSED_STATUSES, Invitation
from mianshi.jobs.models import RECORDED_TYPES, Job
from mianshi.organisations.scoping import scope, units_for

# F-50: "left mid-way", "no data for > 3 min": quiet longer than this is an anomaly.
QUIET_LIMIT = dt.timedelta(minutes=3)
# Finished invitations stay on the board this long after their last activity.
RECENT = dt.timedelta(days=30)
BOARD_MAX_ROWS = 1000
# The quality check's code (issue or integrity signal) for a camera that showed nothing.
CAMERA_COVERED_CODES = frozenset({"camera_covered"})
SWITCH_KINDS = (EventKind.TAB_HIDDEN, EventKind.WINDOW_BLUR)


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


@dataclass(frozen=True)
class Anomaly:
    """Something HR should look at: a stable code for the API and a translated message."""

    code: str
    message: str


@dataclass(frozen=True)
class AnswerQuality:
    """Data quality of one answer as measured on the server (empty until checked)."""

    position: int
    status: str
    status_label: str
    fps: float | None
    width: int | None
    height: int | None
    audio_db: float | None
    issues: tuple[str, ...]
    notes: tuple[str, ...] = ()  # the issues' messages, as the check stored them


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


@dataclass
class Board:
    """The rows of a job's board and the counts shown on top."""

    job: Job
    rows: list[BoardRow]
    counts: dict[str, int]
    truncated: bool
    can_reinvite: bool
    now: dt.datetime

    @property
    def total(self) -> int:
        return len(self.rows)

    def summary(self) -> list[tuple[str, str, int]]:
        return [(s.value, str(s.label), self.counts.get(s.value, 0)) for s in BoardState]

    def shown(self, state: str = "") -> list[BoardRow]:
        """The rows in `state` (all rows without one)."""
        return [r for r in self.rows if r.state == state] if state else self.rows


# --- access ------------------------------------------------------------------------------


def board_job(*, user: Any, job_id: int) -> Job:
    """A job on whose unit `user` may view candidates, or 404."""
    jobs = scope(Job.objects.select_related("org_unit"), user, Cap.CANDIDATES_VIEW)
    return get_object_or_404(jobs, pk=job_id)


def board_jobs(*, user: Any) -> QuerySet[Job]:
    """Jobs with at least one visible invited application, with their invitation counts."""
    invited = visible_applications(user).filter(invitations__isnull=False)
    jobs = scope(Job.objects.select_related("org_unit"), user, Cap.CANDIDATES_VIEW)
    return (
        jobs.filter(pk__in=invited.values("job_id"))
        .annotate(invited=Count("applications", filter=Q(applications__in=invited), distinct=True))
        .order_by("-id")
    )


# --- the board ---------------------------------------------------------------------------


def _event_count(kinds: tuple[str, ...]) -> Coalesce:
    events = (
        SessionEvent.objects.filter(session__invitation=OuterRef("pk"), kind__in=kinds)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(events, output_field=IntegerField()), Value(0))


def _board_invitations(user: Any, job: Job, now: dt.datetime) -> QuerySet[Invitation]:
    """The latest invitation of each visible application of `job`, if usable or recent."""
    latest = (
        Invitation.objects.filter(application=OuterRef("application"))
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    open_ = Q(expires_at__gt=now) & ~Q(status__in=CLOSED_STATUSES)
    recent = Q(created_at__gte=now - RECENT) | Q(completed_at__gte=now - RECENT)
    apps = visible_applications(user).filter(job=job).values("pk")
    return (
        Invitation.objects.filter(application__in=apps, pk=Subquery(latest))
        .filter(open_ | recent)
        .select_related("application__candidate", "session")
        .annotate(
            n_switches=_event_count(SWITCH_KINDS),
            n_fullscreen=_event_count((EventKind.FULLSCREEN_EXIT,)),
            n_pastes=_event_count((EventKind.PASTE,)),
        )
        .order_by("-created_at", "-id")
    )


def _answers_by_session(session_ids: list[int]) -> dict[int, list[Answer]]:
    answers = (
        Answer.objects.filter(session_id__in=session_ids)
        .select_related("template_question")
        .defer("text", "choice", "file_name_enc")
        .order_by("session_id", "position")
    )
    grouped: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers:
        grouped[answer.session_id].append(answer)
    return grouped


def _upload_health(session_ids: list[int], now: dt.datetime) -> dict[int, dict[str, Any]]:
    """Per session: bytes received, last chunk, failed and stuck current recordings."""
    cutoff = now - QUIET_LIMIT
    quiet = Q(last_chunk_at__lt=cutoff) | Q(last_chunk_at__isnull=True, created_at__lt=cutoff)
    stuck = Q(status=RecordingStatus.UPLOADING) & quiet & ~Q(answer__status=AnswerStatus.RECORDING)
    rows = (
        Recording.objects.filter(session_id__in=session_ids)
        .exclude(status=RecordingStatus.TERMINATED)
        .order_by()
        .values("session_id")
        .annotate(
            received=Sum("offset"),
            last_chunk=Max("last_chunk_at"),
            failed=Count("pk", filter=Q(is_current=True, status=RecordingStatus.FAILED)),
            stuck=Count("pk", filter=Q(is_current=True) & stuck),
        )
    )
    return {row["session_id"]: dict(row) for row in rows}


def job_board(*, user: Any, job: Job, now: dt.datetime | None = None) -> Board:
    """The live board of `job` as `user` may see it (call `board_job` first for the 404)."""
    now = now or timezone.now()
    invitations = list(_board_invitations(user, job, now)[: BOARD_MAX_ROWS + 1])
    truncated = len(invitations) > BOARD_MAX_ROWS
    invitations = invitations[:BOARD_MAX_ROWS]
    sessions = [s for i in invitations if (s := _session_of(i)) is not None]
    ids = [s.pk for s in sessions]
    answers, health = _answers_by_session(ids), _upload_health(ids, now)
    rows = [_row(i, answers, health, now) for i in invitations]
    rows.sort(key=lambda r: (r.state != BoardState.PROBLEM, _ORDER.index(r.state)))
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.state] += 1
    manage = units_for(user, Cap.CANDIDATES_MANAGE)
    return Board(job, rows, dict(counts), truncated, job.org_unit_id in manage, now)


_ORDER = [s.value for s in BoardState]


def _session_of(invitation: Invitation) -> InterviewSession | None:
    try:
        return invitation.session
    except InterviewSession.DoesNotExist:
        return None


def _row(
    invitation: Invitation,
    answers: dict[int, list[Answer]],
    health: dict[int, dict[str, Any]],
    now: dt.datetime,
) -> BoardRow:
    session = _session_of(invitation)
    slots = answers.get(session.pk, []) if session else []
    upload = health.get(session.pk, {}) if session else {}
    client = session.client_state if session and isinstance(session.client_state, dict) else {}
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
        last_data_at=_latest(session.last_data_at if session else None, upload.get("last_chunk")),
        bytes_received=int(upload.get("received") or 0),
        pending_chunks=_count(client.get("pending_chunks")),
        pending_bytes=_count(client.get("pending_bytes")),
        online=client.get("online") if isinstance(client.get("online"), bool) else None,
        camera=client.get("camera"),
        tab_switches=getattr(invitation, "n_switches", 0),
        fullscreen_exits=getattr(invitation, "n_fullscreen", 0),
        pastes=getattr(invitation, "n_pastes", 0),
        quality=[q for a in slots if (q := answer_quality(a)) is not None],
    )
    row.anomalies = anomalies(row, current, slots, upload, now)
    if row.anomalies:
        row.state = BoardState.PROBLEM
    return row


def _current(session: InterviewSession | None, slots: list[Answer]) -> Answer | None:
    if session is None or session.state != SessionState.ANSWERING:
        return None
    index = session.current_position
    return slots[index] if 0 <= index < len(slots) else None


def _latest(*moments: dt.datetime | None) -> dt.datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def _count(value: Any) -> int | None:
    """A non-negative whole number the browser reported, else None (never trust its type)."""
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return value if ok else None


def _number(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok else None


def answer_quality(answer: Answer) -> AnswerQuality | None:
    """The quality figures of a checked answer (None before the check ran)."""
    if answer.quality_status == QualityStatus.PENDING:
        return None
    report = answer.quality if isinstance(answer.quality, dict) else {}
    width, height = _number(report.get("width")), _number(report.get("height"))
    return AnswerQuality(
        position=answer.position,
        status=answer.quality_status,
        status_label=answer.get_quality_status_display(),
        fps=_number(report.get("fps")),
        width=int(width) if width else None,
        height=int(height) if height else None,
        audio_db=_number(report.get("audio_level_dbfs", report.get("audio_db"))),
        issues=issue_codes(report),
        notes=issue_notes(report),
    )


def issue_notes(report: dict[str, Any]) -> tuple[str, ...]:
    """The stored message of each quality issue (its code when it has none)."""
    items = report.get("issues")
    notes = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            note = item.get("message") or item.get("code")
            if isinstance(note, str) and note:
                notes.append(note)
    return tuple(notes)


def issue_codes(report: Any) -> tuple[str, ...]:
    """Codes of the quality issues (and integrity signals) in a stored report."""
    if not isinstance(report, dict):
        return ()
    codes: list[str] = []
    for key in ("issues", "signals", "integrity"):
        items = report.get(key)
        for item in items if isinstance(items, list) else []:
            code = item.get("code") if isinstance(item, dict) else item
            if isinstance(code, str) and code not in codes:
                codes.append(code)
    return tuple(codes)


# --- anomalies ---------------------------------------------------------------------------


def anomalies(
    row: BoardRow,
    current: Answer | None,
    slots: list[Answer],
    upload: dict[str, Any],
    now: dt.datetime,
) -> list[Anomaly]:
    """Everything on `row` that needs HR's attention, in the order HR should act on it."""
    session = row.session
    found: list[Anomaly] = []
    if session is not None:
        found += _presence(session, current, row.last_data_at, now)
        found += _uploads(session, upload, row.last_data_at, now)
        found += _quality(slots)
        if session.flagged and not found:
            found.append(Anomaly("flagged", session.flag_reason or _("Needs attention")))
    done = session is not None and session.state == SessionState.DONE
    if row.invitation_expired and not done:
        found.append(Anomaly("expired", _("The link expired before the interview was finished")))
    return found


def _minutes(since: dt.datetime, now: dt.datetime) -> int:
    return int((now - since).total_seconds() // 60)


def _presence(
    session: InterviewSession,
    current: Answer | None,
    last_data: dt.datetime | None,
    now: dt.datetime,
) -> list[Anomaly]:
    found = []
    cutoff = now - QUIET_LIMIT
    seen = session.last_seen_at or session.started_at
    if session.state == SessionState.ANSWERING and seen is not None and seen < cutoff:
        msg = _("Left mid-way: not seen for %(n)s min") % {"n": _minutes(seen, now)}
        found.append(Anomaly("left_midway", msg))
    recording = (
        current is not None
        and current.answer_type in RECORDED_TYPES
        and session.phase == Phase.ANSWER
    )
    since = _latest(last_data, session.phase_started_at)
    if recording and since is not None and since < cutoff:
        msg = _("No data received for %(n)s min while recording") % {"n": _minutes(since, now)}
        found.append(Anomaly("no_data", msg))
    return found


def _uploads(
    session: InterviewSession, upload: dict[str, Any], last_data: dt.datetime | None, now: Any
) -> list[Anomaly]:
    found = []
    quiet = last_data is None or last_data < now - QUIET_LIMIT
    if upload.get("stuck") or (session.state == SessionState.UPLOADING and quiet):
        found.append(Anomaly("upload_stuck", _("Upload stuck: no data for over 3 min")))
    if upload.get("failed"):
        found.append(Anomaly("verification_failed", _("A recording failed verification")))
    return found


def _quality(slots: list[Answer]) -> list[Anomaly]:
    found = []
    for answer in slots:
        codes = issue_codes(answer.quality)
        n = {"n": answer.position}
        if CAMERA_COVERED_CODES & set(codes):
            found.append(Anomaly("camera_covered", _("Camera covered (question %(n)s)") % n))
        if answer.quality_status == QualityStatus.FAIL:
            found.append(Anomaly("quality_failed", _("Quality check failed (question %(n)s)") % n))
        if answer.status == AnswerStatus.FAILED:
            msg = _("The answer to question %(n)s could not be verified") % n
            found.append(Anomaly("verification_failed", msg))
    return found


# --- sessions of one application (the interview panel and the API) -----------------------


def sessions_visible(user: Any) -> QuerySet[InterviewSession]:
    """Interview sessions of applications `user` may see."""
    return InterviewSession.objects.filter(application__in=visible_applications(user))


def session_detail(*, user: Any, pk: int) -> InterviewSession:
    """One visible session with answers, current recordings and events loaded, or 404."""
    qs = _with_details(sessions_visible(user).select_related("invitation", "application__job"))
    return get_object_or_404(qs, pk=pk)


def application_sessions(*, user: Any, application: Application) -> list[InterviewSession]:
    """The visible application's sessions, newest first, with everything the panel shows."""
    qs = sessions_visible(user).filter(application=application).select_related("invitation")
    return list(_with_details(qs).order_by("-id"))


def _with_details(qs: QuerySet[InterviewSession]) -> QuerySet[InterviewSession]:
    recordings = Recording.objects.filter(is_current=True).exclude(
        status=RecordingStatus.TERMINATED
    )
    events = SessionEvent.objects.order_by("at", "id")
    answers = Answer.objects.select_related("template_question").order_by("position")
    return qs.prefetch_related(
        Prefetch("answers", queryset=answers),
        Prefetch("answers__recordings", queryset=recordings.order_by("attempt", "segment")),
        Prefetch("answers__events", queryset=events),
        Prefetch("events", queryset=events.filter(answer__isnull=True), to_attr="session_events"),
        Prefetch("consents", queryset=Consent.objects.order_by("at", "id")),
    )


# Reported and measured durations further apart than this are shown as a mismatch.
DURATION_TOLERANCE_MS = 2000


@dataclass
class AnswerPanel:
    """One answer as HR reads it on the application's interview panel."""

    answer: Answer
    question: str
    choices: list[tuple[str, str, bool]]  # (key, text, chosen)
    quality: AnswerQuality | None
    recordings: list[Recording]
    integrity: list[SessionEvent]
    marks: list[SessionEvent]
    other_events: list[SessionEvent]

    @property
    def recorded(self) -> bool:
        return self.answer.answer_type in RECORDED_TYPES

    @property
    def playable(self) -> list[Recording]:
        return [r for r in self.recordings if r.status == RecordingStatus.VERIFIED]

    @property
    def duration_mismatch(self) -> bool:
        reported, measured = self.answer.reported_ms, self.answer.measured_ms
        if reported is None or measured is None:
            return False
        return abs(reported - measured) > DURATION_TOLERANCE_MS


@dataclass
class SessionPanel:
    """One interview session of an application: answers, consents, events outside answers."""

    session: InterviewSession
    answers: list[AnswerPanel]
    consents: dict[str, bool]
    events: list[SessionEvent]

    @property
    def state_label(self) -> str:
        return self.session.get_state_display()


def answer_panel(answer: Answer) -> AnswerPanel:
    """What the panel shows of `answer` (its relations prefetched by `_with_details`)."""
    spec = spec_of(answer)
    chosen = {str(k) for k in answer.choice} if isinstance(answer.choice, list) else set()
    events = list(answer.events.all())
    return AnswerPanel(
        answer=answer,
        question=spec.text,
        choices=[(c["key"], c["text"], c["key"] in chosen) for c in spec.choices],
        quality=answer_quality(answer),
        recordings=list(answer.recordings.all()),
        integrity=[e for e in events if e.kind in INTEGRITY_KINDS],
        marks=[e for e in events if e.kind == EventKind.MARK],
        other_events=[e for e in events if e.kind not in INTEGRITY_KINDS | {EventKind.MARK}],
    )


def session_panel(session: InterviewSession) -> SessionPanel:
    """The panel of one session loaded through `application_sessions` or `session_detail`."""
    consents: dict[str, bool] = {}
    for consent in session.consents.all():
        consents[consent.kind] = consent.granted  # the latest decision wins
    return SessionPanel(
        session=session,
        answers=[answer_panel(a) for a in session.answers.all()],
        consents=consents,
        events=list(getattr(session, "session_events", [])),
    )


def recording_for_playback(*, user: Any, pk: Any) -> Recording:
    """A verified recording of a visible application, or 404 (nothing else is played)."""
    qs = Recording.objects.filter(
        session__in=sessions_visible(user), status=RecordingStatus.VERIFIED
    ).select_related("session", "answer")
    return get_object_or_404(qs, pk=pk)


def answer_with_file(*, user: Any, pk: int) -> Answer:
    """A file answer of a visible application that holds a stored file, or 404."""
    qs = Answer.objects.filter(session__in=sessions_visible(user)).exclude(file_path="")
    return get_object_or_404(qs.select_related("session"), pk=pk)


def session_list(*, user: Any, job: Job) -> list[BoardRow]:
    """The board's rows for the API (the same rules, the same scoping)."""
    return job_board(user=user, job=job).rows
