"""The review queue: interviews with a recorded answer the user may review, newest first.

A page costs a fixed number of queries: the page's sessions with candidate, job and
combined score in one, the analysis progress of the page's answers in one aggregate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery

from mianshi.accounts.actor import Actor
from mianshi.analysis.models import AnalysisRun, RunStatus
from mianshi.common.pagination import PageLinks
from mianshi.interviews.models import InterviewSession, Recording, RecordingStatus
from mianshi.reviews.models import RATING_DONE, InterviewScore, Rating
from mianshi.reviews.selectors.blind import hidden_expression, visible_flags
from mianshi.reviews.selectors.workbench import sessions_for_review

PER_PAGE = 30


@dataclass(frozen=True)
class QueueFilters:
    """The queue's query parameters, already parsed."""

    job: int | None = None
    mine: bool = False  # waiting for my rating
    review: bool = False  # needs human review or carries anomaly flags


@dataclass
class QueueRow:
    """One interview in the queue."""

    session: InterviewSession
    score: InterviewScore | None
    my_rating: str  # "" (none), draft or submitted
    runs: dict[str, int] = field(default_factory=dict)  # status → current runs
    human_hidden: bool = False  # blind.py: no human or final score for this reader yet

    @property
    def anomalies(self) -> list[Any]:
        """The score's anomaly flags this reader may see."""
        flags = list(self.score.anomalies or []) if self.score is not None else []
        return visible_flags(flags, hidden=self.human_hidden)

    @property
    def analysed(self) -> int:
        return self.runs.get(RunStatus.DONE, 0)

    @property
    def pending(self) -> int:
        return self.runs.get(RunStatus.QUEUED, 0) + self.runs.get(RunStatus.RUNNING, 0)

    @property
    def failed(self) -> int:
        return self.runs.get(RunStatus.FAILED, 0)

    @property
    def total_runs(self) -> int:
        return sum(self.runs.values())

    @property
    def needs_review(self) -> bool:
        return self.score is not None and (self.score.needs_review or bool(self.anomalies))


@dataclass
class QueuePage(PageLinks):
    rows: list[QueueRow]
    number: int
    pages: int
    total: int


def review_queue(*, user: Actor, filters: QueueFilters) -> QuerySet[InterviewSession]:
    """Visible interviews with at least one verified recording, filtered, newest first."""
    recorded = Recording.objects.filter(
        session=OuterRef("pk"), is_current=True, status=RecordingStatus.VERIFIED
    )
    qs = sessions_for_review(user).filter(Exists(recorded))
    if filters.job:
        qs = qs.filter(application__job_id=filters.job)
    if filters.mine:
        done = Rating.objects.filter(
            session=OuterRef("pk"), rater_id=user.pk, status__in=RATING_DONE
        )
        qs = qs.exclude(Exists(done))
    if filters.review:
        flagged = InterviewScore.objects.filter(session=OuterRef("pk"), needs_review=True)
        anomalous = InterviewScore.objects.filter(session=OuterRef("pk")).exclude(anomalies=[])
        qs = qs.filter(Exists(flagged) | Exists(anomalous))
    return qs.order_by(F("finished_at").desc(nulls_last=True), "-id")


def review_queue_page(*, user: Actor, filters: QueueFilters, number: int = 1) -> QueuePage:
    """One page of the queue with each row's score, analysis progress and own rating."""
    qs = review_queue(user=user, filters=filters)
    total = qs.count()
    pages = max(1, -(-total // PER_PAGE))
    number = min(max(1, number), pages)
    start = (number - 1) * PER_PAGE
    mine = Rating.objects.filter(session=OuterRef("pk"), rater_id=user.pk).values("status")[:1]
    sessions = list(
        qs.select_related("application__candidate", "application__job", "score").annotate(
            my_rating=Subquery(mine), human_hidden=_hidden(user)
        )[start : start + PER_PAGE]
    )
    runs = _run_counts([s.pk for s in sessions])
    rows = [_row(s, runs.get(s.pk, {})) for s in sessions]
    return QueuePage(rows=rows, number=number, pages=pages, total=total)


def _hidden(user: Actor) -> Subquery:
    """The blind-rating rule in SQL, read from the session's score row inside the page query."""
    scores = InterviewScore.objects.filter(session=OuterRef("pk"))
    return Subquery(scores.annotate(hidden=hidden_expression(user)).values("hidden")[:1])


def _row(session: InterviewSession, runs: dict[str, int]) -> QueueRow:
    mine = getattr(session, "my_rating", None) or ""
    hidden = bool(getattr(session, "human_hidden", False))
    return QueueRow(session, _score(session), mine, runs, human_hidden=hidden)


def _score(session: InterviewSession) -> InterviewScore | None:
    try:
        return session.score  # type: ignore[no-any-return]
    except InterviewScore.DoesNotExist:
        return None


def _run_counts(session_ids: list[int]) -> dict[int, dict[str, int]]:
    """session → status → number of current runs (one aggregate for the whole page)."""
    rows = (
        AnalysisRun.objects.filter(answer__session_id__in=session_ids, is_current=True)
        .values("answer__session_id", "status")
        .annotate(n=Count("id"))
    )
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["answer__session_id"], {})[row["status"]] = row["n"]
    return counts


def queue_jobs(*, user: Actor) -> list[tuple[int, str]]:
    """(id, title) of the jobs that have interviews in the user's queue, for the filter."""
    rows = (
        sessions_for_review(user)
        .values_list("application__job_id", "application__job__title")
        .distinct()
        .order_by("application__job__title")
    )
    return [(job_id, title) for job_id, title in rows]
