"""Reads of the analysis app."""

from __future__ import annotations

from django.db.models import QuerySet

from mianshi.analysis.models import AnalysisResult, RunStatus
from mianshi.analysis.services import dimension_weights
from mianshi.interviews.models import InterviewSession


def current_results(session: InterviewSession) -> QuerySet[AnalysisResult]:
    """The results of the current, done runs of the session's answers."""
    return AnalysisResult.objects.filter(
        run__answer__session=session, run__is_current=True, run__status=RunStatus.DONE
    ).select_related("run__answer__template_question__version")


def interview_scores(session: InterviewSession) -> dict[str, float]:
    """Per dimension code the score (0–10) over the answers, weighted by the template
    version's competency-model weights (1.0 where the model gives none)."""
    totals: dict[str, list[float]] = {}
    weights: dict[str, float] = {}
    for result in current_results(session):
        weights = weights or dimension_weights(
            result.run.answer.template_question.version.model_snapshot
        )
        for dim in result.score.get("dimensions") or []:
            weight = weights.get(dim["name"], 1.0)
            pair = totals.setdefault(dim["name"], [0.0, 0.0])
            pair[0] += weight * float(dim["score"])
            pair[1] += weight
    return {code: round(s / w, 2) for code, (s, w) in totals.items() if w}
