"""A job's interviews ranked by final score (F-73), read from the InterviewScore rows.

The page and the exports share one query: plain values (never model objects), so an export
of 100,000 interviews streams in chunks, and a page costs the same few queries at any size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.selectors import visible_via_application
from mianshi.common.pagination import PageLinks
from mianshi.jobs.models import Job, TemplateVersion
from mianshi.reviews.models import Decision, DecisionKind, InterviewScore
from mianshi.reviews.selectors.blind import hidden_expression, rank_score, visible_flags
from mianshi.reviews.selectors.scores import anomaly_text

EXPORT_CHUNK = 2000
MAX_PER_PAGE = 100

# The columns a row is read from; a tuple so pages and exports read exactly the same.
_FIELDS = (
    "pk",
    "session_id",
    "application_id",
    "application__candidate__name",
    "application__stage",
    "ai_total",
    "human_total",
    "raters",
    "final_total",
    "ai_dimensions",
    "human_dimensions",
    "ai_confidence",
    "needs_review",
    "anomalies",
    "decision_kind",
    "human_hidden",
)


@dataclass(frozen=True)
class RankingFilters:
    """The ranking's filters, already parsed: a pipeline stage, needs-review yes/no/any."""

    stage: str = ""
    needs_review: bool | None = None


@dataclass(frozen=True)
class Column:
    """One competency dimension shown as a column (code and name from the model snapshot)."""

    code: str
    name: str


@dataclass
class RankingRow:
    """One interview of the ranking, with its dimension scores aligned to the columns."""

    rank: int
    session_id: int
    application_id: int
    candidate: str
    stage: str
    stage_label: str
    ai_total: float | None
    human_total: float | None
    raters: int
    final_total: float | None
    dimensions: list[tuple[float | None, float | None]]  # (AI, human) per column
    confidence: float | None
    needs_review: bool
    anomalies: list[str]
    decision: str
    decision_label: str
    human_hidden: bool = False  # F-71: the reader rates this interview and has not yet


@dataclass
class RankingPage(PageLinks):
    """One page of the ranking and what the template needs to page through it."""

    job: Job
    columns: list[Column]
    rows: list[RankingRow]
    number: int
    per_page: int
    total: int
    pages: int
    filters: RankingFilters = field(default_factory=RankingFilters)

    @property
    def human_hidden(self) -> bool:
        """Whether a row on this page hides its human scores from the reader (F-71)."""
        return any(row.human_hidden for row in self.rows)


def ranking_columns(job: Job) -> list[Column]:
    """The dimensions the job's current template scores, in the model snapshot's order.

    The snapshot is a tree; its questions score some of its nodes. Only scored nodes get a
    column, so a model with sub-dimensions does not fill the table with empty columns.
    """
    version = _current_version(job)
    if version is None:
        return []
    scored = {
        code for item in version.items.all() for code in item.snapshot.get("dimension_codes") or []
    }
    flat = list(_flatten(version.model_snapshot.get("dimensions") or []))
    return [c for c in flat if c.code in scored] or [c for c in flat if c.code]


def _current_version(job: Job) -> TemplateVersion | None:
    if job.interview_template_id is None:
        return None
    return (
        TemplateVersion.objects.filter(template_id=job.interview_template_id)
        .order_by("-number")
        .prefetch_related("items")
        .first()
    )


def _flatten(dims: list[dict[str, Any]]) -> Iterator[Column]:
    for dim in dims:
        yield Column(code=str(dim.get("code") or ""), name=str(dim.get("name") or ""))
        yield from _flatten(dim.get("children") or [])


def ranking_queryset(*, user: Actor, job: Job, filters: RankingFilters) -> QuerySet[Any]:
    """The visible interviews of `job` as value dicts, ranked: final score (nulls last), then
    AI score (nulls last), then the oldest first so ties keep a stable order. A row whose
    human scores the reader may not see yet (blind.hidden_expression) ranks by its AI score."""
    latest = Decision.objects.filter(application=OuterRef("application_id")).order_by(
        "-created_at", "-id"
    )
    qs = visible_via_application(InterviewScore.objects.filter(job=job), user)
    if filters.stage:
        qs = qs.filter(application__stage=filters.stage)
    if filters.needs_review is not None:
        qs = qs.filter(needs_review=filters.needs_review)
    qs = qs.annotate(
        decision_kind=Subquery(latest.values("kind")[:1]), human_hidden=hidden_expression(user)
    )
    order = (rank_score().desc(nulls_last=True), F("ai_total").desc(nulls_last=True), "pk")
    return qs.order_by(*order).values(*_FIELDS)


def job_ranking(
    *,
    user: Actor,
    job: Job,
    page: int = 1,
    per_page: int = 50,
    filters: RankingFilters | None = None,
) -> RankingPage:
    """One page of the job's ranking (page numbers beyond the last show the last page)."""
    filters = filters or RankingFilters()
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    qs = ranking_queryset(user=user, job=job, filters=filters)
    total = qs.count()
    pages = max(1, -(-total // per_page))
    number = min(max(1, page), pages)
    start = (number - 1) * per_page
    columns = ranking_columns(job)
    rows = [
        ranking_row(values, rank=start + i, columns=columns)
        for i, values in enumerate(qs[start : start + per_page], start=1)
    ]
    return RankingPage(job, columns, rows, number, per_page, total, pages, filters)


def ranking_iter(
    *, user: Actor, job: Job, filters: RankingFilters, columns: list[Column]
) -> Iterator[RankingRow]:
    """Every row of the ranking, read from the database EXPORT_CHUNK rows at a time."""
    qs = ranking_queryset(user=user, job=job, filters=filters)
    for rank, values in enumerate(qs.iterator(chunk_size=EXPORT_CHUNK), start=1):
        yield ranking_row(values, rank=rank, columns=columns)


def ranking_row(values: dict[str, Any], *, rank: int, columns: list[Column]) -> RankingRow:
    """A value dict of ranking_queryset as a row (labels translated in the current language)."""
    hidden = bool(values["human_hidden"])
    ai = _by_code(values["ai_dimensions"])
    human = {} if hidden else _by_code(values["human_dimensions"])
    stage, decision = values["application__stage"], values["decision_kind"] or ""
    return RankingRow(
        rank=rank,
        session_id=values["session_id"],
        application_id=values["application_id"],
        candidate=values["application__candidate__name"],
        stage=stage,
        stage_label=_label(Stage, stage),
        ai_total=values["ai_total"],
        human_total=None if hidden else values["human_total"],
        raters=values["raters"],
        final_total=None if hidden else values["final_total"],
        dimensions=[(ai.get(c.code), human.get(c.code)) for c in columns],
        confidence=values["ai_confidence"],
        needs_review=values["needs_review"],
        anomalies=[_anomaly(f) for f in visible_flags(values["anomalies"] or [], hidden=hidden)],
        decision=decision,
        decision_label=_label(DecisionKind, decision) if decision else "",
        human_hidden=hidden,
    )


def _by_code(dimensions: Any) -> dict[str, float | None]:
    """{code: score} of a stored dimension list, ignoring malformed entries."""
    scores: dict[str, float | None] = {}
    for dim in dimensions or []:
        if isinstance(dim, dict) and dim.get("code"):
            score = dim.get("score")
            scores[str(dim["code"])] = None if score is None else float(score)
    return scores


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:  # a value from an older version of the choices: show it as it is
        return value


def _anomaly(flag: Any) -> str:
    """A stored F-66 flag as text in the reader's language."""
    if not isinstance(flag, dict):
        return str(flag)
    return anomaly_text(flag) or _("Anomaly")
