"""The live board of a job (F-50): which jobs have one, its rows and the counts on top.

Built from a fixed number of queries whatever the number of rows: it is polled every few
seconds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.candidates.selectors import visible_applications
from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    EventKind,
    Recording,
    RecordingStatus,
    SessionEvent,
)
from mianshi.interviews.selectors_board.anomalies import QUIET_LIMIT
from mianshi.interviews.selectors_board.rows import BoardRow, BoardState, board_row, session_of
from mianshi.invitations.models import CLOSED_STATUSES, Invitation
from mianshi.jobs.models import Job
from mianshi.organisations.scoping import scope, units_for

# Finished invitations stay on the board this long after their last activity.
RECENT = dt.timedelta(days=30)
BOARD_MAX_ROWS = 1000
SWITCH_KINDS = (EventKind.TAB_HIDDEN, EventKind.WINDOW_BLUR)
_ORDER = [s.value for s in BoardState]


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


def board_job(*, user: Actor, job_id: int) -> Job:
    """A job on whose unit `user` may view candidates, or 404."""
    jobs = scope(Job.objects.select_related("org_unit"), user, Cap.CANDIDATES_VIEW)
    return get_object_or_404(jobs, pk=job_id)


def board_jobs(*, user: Actor) -> QuerySet[Job]:
    """Jobs with at least one visible invited application, with their invitation counts."""
    invited = visible_applications(user).filter(invitations__isnull=False)
    jobs = scope(Job.objects.select_related("org_unit"), user, Cap.CANDIDATES_VIEW)
    return (
        jobs.filter(pk__in=invited.values("job_id"))
        .annotate(invited=Count("applications", filter=Q(applications__in=invited), distinct=True))
        .order_by("-id")
    )


# --- the board ---------------------------------------------------------------------------


def job_board(*, user: Actor, job: Job, now: dt.datetime | None = None) -> Board:
    """The live board of `job` as `user` may see it (call `board_job` first for the 404)."""
    now = now or timezone.now()
    invitations = list(_board_invitations(user, job, now)[: BOARD_MAX_ROWS + 1])
    truncated = len(invitations) > BOARD_MAX_ROWS
    invitations = invitations[:BOARD_MAX_ROWS]
    ids = [s.pk for i in invitations if (s := session_of(i)) is not None]
    answers, health = _answers_by_session(ids), _upload_health(ids, now)
    rows = [board_row(i, answers, health, now) for i in invitations]
    rows.sort(key=lambda r: (r.state != BoardState.PROBLEM, _ORDER.index(r.state)))
    manage = units_for(user, Cap.CANDIDATES_MANAGE)
    return Board(job, rows, _counts(rows), truncated, job.org_unit_id in manage, now)


def session_list(*, user: Actor, job: Job) -> list[BoardRow]:
    """The board's rows for the API (the same rules, the same scoping)."""
    return job_board(user=user, job=job).rows


def _counts(rows: list[BoardRow]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.state] += 1
    return dict(counts)


def _event_count(kinds: tuple[str, ...]) -> Coalesce:
    events = (
        SessionEvent.objects.filter(session__invitation=OuterRef("pk"), kind__in=kinds)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(events, output_field=IntegerField()), Value(0))


def _board_invitations(user: Actor, job: Job, now: dt.datetime) -> QuerySet[Invitation]:
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
