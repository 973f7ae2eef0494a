"""The pipeline board of one job (issue 14): its applications as cards in stage columns.

Read cost is bounded by the cards shown, never by the job's size: one grouped count over the
(job, stage, unit) index, per open column the newest CARDS_PER_COLUMN ids from that index,
then the cards' details (score, last move, tags) for those ids only. At 100,000 candidates a
job holds tens of thousands of applications; the rest of a column is one link away, in the
candidate list filtered by job and stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application, ApplicationTransition, Candidate
from mianshi.candidates.pipeline import CLOSED_STAGES, Stage, allowed_targets
from mianshi.candidates.selectors import visible_applications
from mianshi.jobs.models import Job
from mianshi.organisations.scoping import scope, units_for
from mianshi.reviews.models import InterviewScore

# 20 cards × 9 open columns keep the page near the candidate list's 50 rows in rendering
# time; the rest of a column is one link away.
CARDS_PER_COLUMN = 20
# A filtered board reads the matching (id, stage) pairs at once, up to this many.
MATCH_CAP = 5000
# A rejection is final for the candidate: the board asks why, for the history and the audit.
NEEDS_REASON = frozenset({Stage.REJECTED})

# AI levels over the 0–10 scale of InterviewScore.ai_total: the bands HR filters by. They
# only sort attention; the score itself is a suggestion (the workbench says so).
LEVELS = {
    "high": (_("High"), 7.0, None),
    "medium": (_("Medium"), 4.0, 7.0),
    "low": (_("Low"), None, 4.0),
}
NO_SCORE = "none"


@dataclass(frozen=True)
class BoardFilters:
    """The board's query parameters, already parsed."""

    stage: str = ""
    level: str = ""
    score_min: float | None = None
    score_max: float | None = None
    tag: str = ""
    q: str = ""
    # Closed columns (rejected, talent pool, hired) the user unfolded.
    unfolded: frozenset[str] = frozenset()

    @property
    def active(self) -> bool:
        return bool(
            self.stage
            or self.level
            or self.score_min is not None
            or self.score_max is not None
            or self.tag
            or self.q
        )


@dataclass(frozen=True)
class Target:
    """A stage a card may move to; `needs_reason` asks why first (a rejection)."""

    stage: str
    label: str
    needs_reason: bool


@dataclass
class Card:
    """One application on the board."""

    application_id: int
    job_id: int
    candidate_id: int
    name: str
    stage: str
    ai_total: float | None
    level: str
    level_label: str
    session_id: int | None
    days_in_stage: int
    days_label: str
    tags: list[str]
    targets: list[Target]
    candidate_url: str
    workbench_url: str

    @property
    def allowed_codes(self) -> str:
        return " ".join(t.stage for t in self.targets)


@dataclass
class Column:
    """One stage: its count under the filters and its first cards (none while folded)."""

    stage: str
    label: str
    closed: bool
    folded: bool
    count: int
    targets: list[Target] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.cards)) if not self.folded else 0


@dataclass
class Board:
    job: Job
    columns: list[Column]
    filters: BoardFilters
    can_manage: bool
    # More than MATCH_CAP applications matched the filters: the counts are lower bounds.
    capped: bool = False

    @property
    def cards(self) -> list[Card]:
        return [card for column in self.columns for card in column.cards]


def board_job(*, user: Actor, job_id: int) -> Job:
    """A job on whose unit `user` may view candidates, or 404 (missing and hidden alike)."""
    jobs = scope(Job.objects.select_related("org_unit"), user, Cap.CANDIDATES_VIEW)
    return get_object_or_404(jobs, pk=job_id)


def can_move_cards(*, user: Actor, job: Job) -> bool:
    """Whether the board offers moves: the service decides each, this only hides controls."""
    return job.org_unit_id in units_for(user, Cap.CANDIDATES_MANAGE)


def level_of(ai_total: float | None) -> str:
    """The level code of an AI score ("" without one)."""
    if ai_total is None:
        return ""
    for code, (_label, low, high) in LEVELS.items():
        if (low is None or ai_total >= low) and (high is None or ai_total < high):
            return code
    return ""


def _latest_score() -> QuerySet[InterviewScore]:
    # The newest interview's score stands for the application (a second round follows the first).
    return InterviewScore.objects.filter(application=OuterRef("pk")).order_by("-pk")


def _filtered(user: Actor, job: Job, f: BoardFilters) -> QuerySet[Application]:
    qs = visible_applications(user).filter(job=job)
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.q.strip():
        names = Candidate.objects.filter(name__icontains=f.q.strip()).values("pk")
        qs = qs.filter(candidate_id__in=names)
    if f.tag:
        tagged = Candidate.tags.through.objects.filter(tag__name=f.tag)
        qs = qs.filter(candidate_id__in=tagged.values("candidate_id"))
    return _score_filtered(qs, f)


def _score_filtered(qs: QuerySet[Application], f: BoardFilters) -> QuerySet[Application]:
    """Level and range filters on the latest AI score (only then is it computed per row)."""
    if not (f.level or f.score_min is not None or f.score_max is not None):
        return qs
    qs = qs.annotate(ai=Subquery(_latest_score().values("ai_total")[:1]))
    if f.level == NO_SCORE:
        return qs.filter(ai__isnull=True)
    if f.level in LEVELS:
        _label, low, high = LEVELS[f.level]
        qs = qs.filter(ai__gte=low) if low is not None else qs
        qs = qs.filter(ai__lt=high) if high is not None else qs
    if f.score_min is not None:
        qs = qs.filter(ai__gte=f.score_min)
    if f.score_max is not None:
        qs = qs.filter(ai__lte=f.score_max)
    return qs


def _counts(qs: QuerySet[Application]) -> dict[str, int]:
    # Grouped by (unit, stage) as application_stage_counts does: the index delivers the groups.
    counts: dict[str, int] = {}
    for _unit, stage, n in qs.order_by().values_list("org_unit_id", "stage").annotate(n=Count("*")):
        counts[stage] = counts.get(stage, 0) + n
    return counts


def _shown_stages(f: BoardFilters) -> list[Stage]:
    return [s for s in Stage if not f.stage or s == f.stage]


def job_board(*, user: Actor, job: Job, filters: BoardFilters) -> Board:
    """The job's columns in pipeline order with the first cards of each unfolded column:
    a constant number of queries (counts, cards, tags), whatever the job's size."""
    qs = _filtered(user, job, filters)
    open_stages = [s for s in _shown_stages(filters) if not _folded(s, filters)]
    if _narrowed(filters):
        counts, ids, capped = _matches(qs)
        shown = [i for s in open_stages for i in ids.get(s.value, [])]
        where = Q(pk__in=shown) if shown else None
    else:
        counts, capped = _counts(qs), False
        where = _newest_per_stage(qs, [s for s in open_stages if counts.get(s.value)])
    by_stage: dict[str, list[Card]] = {}
    for card in _cards(where) if where is not None else []:
        by_stage.setdefault(card.stage, []).append(card)
    targets = _targets()
    columns = [
        Column(
            stage, str(stage.label), stage in CLOSED_STAGES, _folded(stage, filters),
            counts.get(stage.value, 0), targets[stage], by_stage.get(stage.value, []),
        )
        for stage in _shown_stages(filters)
    ]  # fmt: skip
    return Board(job, columns, filters, can_move_cards(user=user, job=job), capped)


def _folded(stage: Stage, f: BoardFilters) -> bool:
    return stage in CLOSED_STAGES and stage != f.stage and stage not in f.unfolded


def _narrowed(f: BoardFilters) -> bool:
    """Whether a filter beyond the stage applies (the matches are then read in one go)."""
    return bool(
        f.q.strip() or f.tag or f.level or f.score_min is not None or f.score_max is not None
    )


def _newest_per_stage(qs: QuerySet[Application], stages: list[Stage]) -> Q | None:
    """The newest CARDS_PER_COLUMN of each stage as one condition: each IN (… LIMIT n)
    subquery walks the (job, stage, …) index on its own, and the cards are one query."""
    newest = qs.order_by("-pk").values("pk")
    where = None
    for stage in stages:
        part = Q(pk__in=newest.filter(stage=stage)[:CARDS_PER_COLUMN])
        where = part if where is None else where | part
    return where


def _matches(qs: QuerySet[Application]) -> tuple[dict[str, int], dict[str, list[int]], bool]:
    """Counts and newest ids per stage from one read of the (id, stage) pairs that match: a
    filter (a name, a tag, a score) costs its scan once, not once per column. Counting
    stops at MATCH_CAP (the columns then say "at least")."""
    rows = list(qs.order_by("-pk").values_list("pk", "stage")[: MATCH_CAP + 1])
    capped = len(rows) > MATCH_CAP
    counts: dict[str, int] = {}
    ids: dict[str, list[int]] = {}
    for pk, stage in rows[:MATCH_CAP]:
        counts[stage] = counts.get(stage, 0) + 1
        if len(ids.setdefault(stage, [])) < CARDS_PER_COLUMN:
            ids[stage].append(pk)
    return counts, ids, capped


def _cards(where: Q) -> list[Card]:
    """The cards matching `where` (already scoped), newest first: one query for the rows
    (values, not models: the wide candidate rows with their encrypted columns are not
    needed), one for the tags."""
    moved = ApplicationTransition.objects.filter(application=OuterRef("pk")).order_by("-at", "-pk")
    query = (
        Application.objects.filter(where)
        .annotate(
            ai=Subquery(_latest_score().values("ai_total")[:1]),
            session=Subquery(_latest_score().values("session_id")[:1]),
            # One date per row to parse, not two: the last move, else the application.
            since=Coalesce(Subquery(moved.values("at")[:1]), F("created_at")),
        )
        .order_by("-pk")
        .values("pk", "job_id", "candidate_id", "candidate__name", "stage", "ai", "session",
                "since")
    )  # fmt: skip
    rows = list(query)
    tags: dict[int, list[str]] = {}
    through = Candidate.tags.through.objects.filter(
        candidate_id__in={r["candidate_id"] for r in rows}
    )
    for candidate_id, name in through.order_by("tag__name").values_list(
        "candidate_id", "tag__name"
    ):
        tags.setdefault(candidate_id, []).append(name)
    page = _PageParts()
    return [_card(r, tags.get(r["candidate_id"], []), page) for r in rows]


class _PageParts:
    """What the cards of a page share, worked out once per page: the URLs (a reverse() per
    card cost a third of the board's rendering, measured with 180 cards), the moves per
    stage, the level and days labels (an ngettext per card: 1 ms of 180 cards)."""

    MARK = 2_147_483_647

    def __init__(self) -> None:
        self.now = timezone.now()
        self.candidate = reverse("candidates:candidate_detail", args=[self.MARK]).split(
            str(self.MARK)
        )
        self.workbench = reverse("reviews:workbench", args=[self.MARK]).split(str(self.MARK))
        self.targets = _targets()
        self.levels = {code: str(v[0]) for code, v in LEVELS.items()}
        self._days: dict[int, str] = {}

    def link(self, parts: list[str], pk: int | None) -> str:
        return f"{parts[0]}{pk}{parts[1]}" if pk else ""

    def days_label(self, days: int) -> str:
        if days not in self._days:
            text = ngettext("%(days)s day in stage", "%(days)s days in stage", days)
            self._days[days] = text % {"days": days}
        return self._days[days]


def _targets() -> dict[str, list[Target]]:
    """Per stage, the moves its cards offer (translated once per page, not per card)."""
    labels = {value: str(label) for value, label in Stage.choices}
    return {
        stage.value: [
            Target(t.value, labels[t.value], t in NEEDS_REASON) for t in allowed_targets(stage)
        ]
        for stage in Stage
    }


def _card(row: Mapping[str, Any], tags: list[str], page: _PageParts) -> Card:
    ai = row["ai"]
    level = level_of(ai)
    days = max(0, (page.now - row["since"]).days)
    return Card(
        application_id=row["pk"],
        job_id=row["job_id"],
        candidate_id=row["candidate_id"],
        name=row["candidate__name"],
        stage=row["stage"],
        ai_total=ai,
        level=level,
        level_label=page.levels.get(level, ""),
        session_id=row["session"],
        days_in_stage=days,
        days_label=page.days_label(days),
        tags=tags,
        targets=page.targets[row["stage"]],
        candidate_url=page.link(page.candidate, row["candidate_id"]) + f"#application-{row['pk']}",
        workbench_url=page.link(page.workbench, row["session"]),
    )


def board_card(*, user: Actor, application_id: int) -> Card | None:
    """One card as it reads now (after a move), if `user` still sees the application."""
    visible = visible_applications(user).filter(pk=application_id).values("pk")
    cards = _cards(Q(pk__in=visible))
    return cards[0] if cards else None
