"""The candidate page's summary, read from what selectors.candidate_detail already loaded
(no query of its own: the page's cost stays fixed however many applications there are).

The header answers "where does this person stand?" at a glance: the stage of every open
application, the best overall score and the tags; the history tab merges the pipeline moves
of all applications, newest first, so a reader does not open each application to follow them.

An application's overall score includes other raters' scores, so an interviewer assigned to
it does not see it here: raters rate blind (blind.py, applied by the selectors, which mark
`score_hidden`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from mianshi.candidates.models import Application, ApplicationTransition
from mianshi.candidates.pipeline import CLOSED_STAGES, Stage


@dataclass(frozen=True)
class StageBadge:
    """One application's current stage, as the header shows it."""

    application_id: int
    job: str
    stage: str
    label: str
    closed: bool


@dataclass(frozen=True)
class BestScore:
    """The highest overall score over the visible applications, with its job."""

    score: Decimal
    job: str
    application_id: int


@dataclass(frozen=True)
class HistoryRow:
    """A pipeline move of any of the candidate's visible applications."""

    at: datetime
    job: str
    application_id: int
    transition: ApplicationTransition


def stage_badges(applications: Sequence[Application]) -> list[StageBadge]:
    """Open applications first (what is in play), then the closed ones."""
    labels = {value: str(label) for value, label in Stage.choices}
    badges = [
        StageBadge(a.pk, a.job.title, a.stage, labels[a.stage], a.stage in CLOSED_STAGES)
        for a in applications
    ]
    return sorted(badges, key=lambda b: b.closed)


def best_score(applications: Sequence[Application]) -> BestScore | None:
    """The best score among the applications whose score is shown (blind.py)."""
    scored = [
        a
        for a in applications
        if a.overall_score is not None and not getattr(a, "score_hidden", False)
    ]
    if not scored:
        return None
    best = max(scored, key=lambda a: (a.overall_score, a.pk))
    assert best.overall_score is not None
    return BestScore(best.overall_score, best.job.title, best.pk)


def history(applications: Sequence[Application]) -> list[HistoryRow]:
    """Every prefetched transition, newest first."""
    rows = [
        HistoryRow(t.at, a.job.title, a.pk, t) for a in applications for t in a.transitions.all()
    ]
    return sorted(rows, key=lambda r: (r.at, r.transition.pk), reverse=True)
