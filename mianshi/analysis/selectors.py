"""Reads of the analysis app."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from mianshi.analysis.models import AnalysisResult, RunStatus
from mianshi.analysis.services import dimension_weights
from mianshi.interviews.models import InterviewSession


def current_results(session: InterviewSession) -> QuerySet[AnalysisResult]:
    """The results of the current, done runs of the session's answers."""
    return AnalysisResult.objects.filter(
        run__answer__session=session, run__is_current=True, run__status=RunStatus.DONE
    ).select_related("run__answer__template_question__version")


def _per_dimension(results: list[AnalysisResult]) -> dict[str, list[float]]:
    scores: dict[str, list[float]] = {}
    for result in results:
        for dim in result.score.get("dimensions") or []:
            scores.setdefault(str(dim["name"]), []).append(float(dim["score"]))
    return scores


def interview_scores(session: InterviewSession) -> dict[str, Any]:
    """The interview's scores (0–10): per dimension the mean over the analysed answers, its
    weight from the template version's competency model (normalised over the dimensions
    scored; 1 where the model gives none), and the weighted total (None when nothing)."""
    results = list(current_results(session))
    if not results:
        return {"dimensions": [], "total": None}
    model = results[0].run.answer.template_question.version.model_snapshot
    weights = dimension_weights(model)
    scores = _per_dimension(results)
    raw = {code: weights.get(code, 1.0) for code in scores}
    norm = sum(raw.values()) or 1.0
    means = {code: round(sum(v) / len(v), 2) for code, v in scores.items()}
    shares = {code: round(raw[code] / norm, 4) for code in scores}
    dimensions = [
        {"code": code, "score": means[code], "weight": shares[code], "answers": len(scores[code])}
        for code in sorted(scores)
    ]
    total = sum(means[code] * shares[code] for code in scores) if scores else None
    return {"dimensions": dimensions, "total": None if total is None else round(total, 2)}
