"""The interview panel of an application (HR reads answers, recordings, consents and
events) and the scoped lookups behind playback and file download."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from mianshi.accounts.actor import Actor
from mianshi.candidates.models import Application
from mianshi.candidates.selectors import visible_applications
from mianshi.interviews.consents import consents_latest
from mianshi.interviews.flow import spec_of
from mianshi.interviews.models import (
    INTEGRITY_KINDS,
    Answer,
    Consent,
    EventKind,
    InterviewSession,
    Recording,
    RecordingStatus,
    SessionEvent,
)
from mianshi.interviews.selectors_board.quality import AnswerQuality, answer_quality
from mianshi.jobs.models import RECORDED_TYPES

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


# --- sessions of one application (the interview panel and the API) -----------------------


def sessions_visible(user: Actor) -> QuerySet[InterviewSession]:
    """Interview sessions of applications `user` may see."""
    return InterviewSession.objects.filter(application__in=visible_applications(user))


def session_detail(*, user: Actor, pk: int) -> InterviewSession:
    """One visible session with answers, current recordings and events loaded, or 404."""
    qs = _with_details(sessions_visible(user).select_related("invitation", "application__job"))
    return get_object_or_404(qs, pk=pk)


def application_sessions(*, user: Actor, application: Application) -> list[InterviewSession]:
    """The visible application's sessions, newest first, with everything the panel shows."""
    return sessions_by_application(user=user, applications=[application])[application.pk]


def sessions_by_application(
    *, user: Actor, applications: Iterable[Application]
) -> dict[int, list[InterviewSession]]:
    """The sessions of several applications by application id (each list newest first, empty
    when none is visible), with everything the panel shows: the candidate page's panels
    cost one query and the prefetches however many applications it lists."""
    ids = [a.pk for a in applications]
    qs = sessions_visible(user).filter(application_id__in=ids).select_related("invitation")
    by_application: dict[int, list[InterviewSession]] = {pk: [] for pk in ids}
    for session in _with_details(qs).order_by("-id"):
        by_application[session.application_id].append(session)
    return by_application


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
    consents = {kind: c.granted for kind, c in consents_latest(session).items()}
    return SessionPanel(
        session=session,
        answers=[answer_panel(a) for a in session.answers.all()],
        consents=consents,
        events=list(getattr(session, "session_events", [])),
    )


# --- media -------------------------------------------------------------------------------


def recording_for_playback(*, user: Actor, pk: Any) -> Recording:
    """A verified recording of a visible application that counts for its answer, or 404.

    A take the candidate discarded for a retake is played to nobody, HR included: the
    candidate was promised that only the kept take is assessed (its file is deleted too).
    """
    qs = Recording.objects.filter(
        session__in=sessions_visible(user), status=RecordingStatus.VERIFIED, is_current=True
    ).select_related("session", "answer")
    return get_object_or_404(qs, pk=pk)


def answer_with_file(*, user: Actor, pk: int) -> Answer:
    """A file answer of a visible application that holds a stored file, or 404."""
    qs = Answer.objects.filter(session__in=sessions_visible(user)).exclude(file_path="")
    return get_object_or_404(qs.select_related("session"), pk=pk)
