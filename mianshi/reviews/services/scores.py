"""The interview's combined scores (F-66, F-71): the AI's and the raters' scores per
dimension, the final score by the job's policy, anomaly flags, the application's overall
score, and the move to "AI scored" once every answer is analysed.

Called on commit after every stored or failed analysis run and after every submitted
rating. It recomputes everything from the stored facts, so calling it again (or twice at
once: the session row is locked first) only rewrites the same row.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import translation
from django.utils.translation import gettext as _

from mianshi.analysis.models import AnalysisResult, AnalysisRun, RunStatus
from mianshi.analysis.selectors import current_results, interview_scores
from mianshi.analysis.services import dimension_weights
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import application_advance
from mianshi.common.errors import TransitionRefused
from mianshi.compliance.services import audit_record
from mianshi.interviews.models import (
    INTEGRITY_KINDS,
    AnswerStatus,
    InterviewSession,
    QualityStatus,
    SessionEvent,
)
from mianshi.jobs.models import RECORDED_TYPES, ScorePolicy
from mianshi.reviews.models import InterviewScore, RatingScore, RatingStatus

OUTLIER_GAP = 3.0  # an AI dimension this far from the mean of the others is flagged
MIN_OUTLIER_DIMENSIONS = 3  # with two dimensions "the others" is one score: no outlier
LOW_CONFIDENCE = 0.5
DISAGREEMENT_GAP = 2.5  # AI vs. human, on the total or on one dimension (0–10 scale)


class Flag(StrEnum):
    """Anomaly codes (F-66); reviews.selectors.scores.anomaly_text says each in words."""

    DIMENSION_OUTLIER = "dimension_outlier"
    LOW_CONFIDENCE = "low_confidence"
    INTEGRITY = "integrity"
    AI_HUMAN_DISAGREEMENT = "ai_human_disagreement"
    ANALYSIS_FAILED = "analysis_failed"
    QUALITY = "quality"


@dataclass
class Facts:
    """What the refresh reads: the AI's scores and results, the answers, events, ratings."""

    ai: dict[str, Any]
    results: list[AnalysisResult]
    answers: list[dict[str, Any]]
    integrity_events: int
    human: dict[str, list[int]]
    raters: int


def session_scores_refresh(*, session_id: int) -> InterviewScore | None:
    """Recompute the session's InterviewScore (AI, human, final by policy, anomalies), copy
    the final score onto the application and move it to "AI scored" when all is analysed."""
    with transaction.atomic():
        session = _locked(session_id)
        if session is None:
            return None
        facts = _facts(session)
        score = _store(session, facts)
        _sync_application(session, score)
    return score


def _locked(session_id: int) -> InterviewSession | None:
    # Locking the session serialises concurrent refreshes: the later one reads what the
    # earlier one committed and writes the same single row.
    return (
        InterviewSession.objects.select_for_update(of=("self",))
        .select_related("application__job", "invitation__template_version")
        .filter(pk=session_id)
        .first()
    )


# --- reading the facts -----------------------------------------------------------------------


def _answers(session: InterviewSession) -> list[dict[str, Any]]:
    current = AnalysisRun.objects.filter(answer=OuterRef("pk"), is_current=True).order_by("-id")
    rows = (
        session.answers.filter(answer_type__in=RECORDED_TYPES)
        .annotate(run_status=Subquery(current.values("status")[:1]))
        .values("pk", "status", "quality_status", "run_status")
    )
    return [dict(row) for row in rows]


def _human(session: InterviewSession) -> tuple[dict[str, list[int]], int]:
    rows = list(
        RatingScore.objects.filter(
            rating__session=session, rating__status=RatingStatus.SUBMITTED
        ).values_list("rating_id", "code", "score")
    )
    per_code: dict[str, list[int]] = {}
    for _rating, code, value in rows:
        per_code.setdefault(code, []).append(value)
    return per_code, len({r for r, _c, _v in rows})


def _facts(session: InterviewSession) -> Facts:
    human, raters = _human(session)
    events = SessionEvent.objects.filter(session=session, kind__in=INTEGRITY_KINDS).count()
    return Facts(
        ai=interview_scores(session),
        results=list(current_results(session)),
        answers=_answers(session),
        integrity_events=events,
        human=human,
        raters=raters,
    )


# --- combining -------------------------------------------------------------------------------


def _names(model: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    stack = list(model.get("dimensions") or [])
    while stack:
        node = stack.pop()
        names[str(node["code"])] = str(node.get("name") or node["code"])
        stack.extend(node.get("children") or [])
    return names


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _human_dimensions(
    human: dict[str, list[int]], weights: dict[str, float], names: dict[str, str]
) -> tuple[list[dict[str, Any]], float | None]:
    means = {code: sum(v) / len(v) for code, v in human.items()}
    raw = {code: weights.get(code, 1.0) for code in means}
    norm = sum(raw.values()) or 1.0
    dims = [
        {"code": code, "name": names.get(code, code), "score": round(means[code], 2),
         "weight": round(raw[code] / norm, 4), "raters": len(human[code])}
        for code in sorted(means)
    ]  # fmt: skip
    total = round(sum(means[c] * raw[c] for c in means) / norm, 2) if means else None
    return dims, total


def final_score(policy: str, ai_total: float | None, human_total: float | None) -> float | None:
    """The final score by the job's policy: a person's rating always counts; under
    "average" one side alone stands in provisionally until the other arrives."""
    if policy != ScorePolicy.AVERAGE:
        return human_total  # human only, or human with the AI as a second opinion
    present = [t for t in (ai_total, human_total) if t is not None]
    return round(sum(present) / len(present), 2) if present else None


def _pending(answers: list[dict[str, Any]]) -> int:
    """Recorded answers still waiting for the AI (a failed recording is never analysed)."""
    waiting = {None, RunStatus.QUEUED, RunStatus.RUNNING}
    return sum(
        1
        for a in answers
        if a["status"] == AnswerStatus.COMPLETE
        and a["quality_status"] != QualityStatus.FAIL
        and a["run_status"] in waiting
    )


def _store(session: InterviewSession, facts: Facts) -> InterviewScore:
    model = session.invitation.template_version.model_snapshot or {}
    names = _names(model)
    ai_dims = [{**d, "name": names.get(d["code"], d["code"])} for d in facts.ai["dimensions"]]
    human_dims, human_total = _human_dimensions(facts.human, dimension_weights(model), names)
    policy = session.application.job.score_policy
    confidences = [r.confidence for r in facts.results if r.confidence is not None]
    values: dict[str, Any] = {
        "application_id": session.application_id,
        "job_id": session.application.job_id,
        "org_unit_id": session.org_unit_id,
        "policy": policy,
        "ai_total": facts.ai["total"],
        "ai_dimensions": ai_dims,
        "ai_confidence": _mean(confidences),
        "answers_analysed": sum(1 for a in facts.answers if a["run_status"] == RunStatus.DONE),
        "answers_pending": _pending(facts.answers),
        "human_total": human_total,
        "human_dimensions": human_dims,
        "raters": facts.raters,
        "final_total": final_score(policy, facts.ai["total"], human_total),
    }
    anomalies = _anomalies(values, facts)
    values["anomalies"] = anomalies
    values["needs_review"] = bool(anomalies) or any(r.needs_human_review for r in facts.results)
    score, _created = InterviewScore.objects.update_or_create(session=session, defaults=values)
    return score


# --- anomalies (F-66) ------------------------------------------------------------------------


def _outliers(ai_dims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(ai_dims) < MIN_OUTLIER_DIMENSIONS:
        return []
    flags = []
    for dim in ai_dims:
        others = [float(d["score"]) for d in ai_dims if d is not dim]
        gap = float(dim["score"]) - sum(others) / len(others)
        if abs(gap) >= OUTLIER_GAP:
            flags.append(_flag(Flag.DIMENSION_OUTLIER, dim, round(gap, 2)))
    return flags


def _flag(code: Flag, dim: dict[str, Any] | None = None, value: Any = None) -> dict[str, Any]:
    flag: dict[str, Any] = {"code": str(code)}
    if dim is not None:
        flag["dimension"], flag["name"] = dim["code"], dim.get("name") or dim["code"]
    if value is not None:
        flag["value"] = value
    return flag


def _disagreements(values: dict[str, Any]) -> list[dict[str, Any]]:
    ai, human = values["ai_total"], values["human_total"]
    flags = []
    if ai is not None and human is not None and abs(ai - human) >= DISAGREEMENT_GAP:
        flags.append(_flag(Flag.AI_HUMAN_DISAGREEMENT, value=round(human - ai, 2)))
    ai_by_code = {d["code"]: float(d["score"]) for d in values["ai_dimensions"]}
    for dim in values["human_dimensions"]:
        gap = dim["score"] - ai_by_code.get(dim["code"], dim["score"])
        if abs(gap) >= DISAGREEMENT_GAP:
            flags.append(_flag(Flag.AI_HUMAN_DISAGREEMENT, dim, round(gap, 2)))
    return flags


def _counted(code: Flag, count: int) -> list[dict[str, Any]]:
    return [_flag(code, value=count)] if count else []


def _anomalies(values: dict[str, Any], facts: Facts) -> list[dict[str, Any]]:
    flags = _outliers(values["ai_dimensions"])
    confidence = values["ai_confidence"]
    unsure = any(r.needs_human_review for r in facts.results)
    if unsure or (confidence is not None and confidence < LOW_CONFIDENCE):
        flags.append(_flag(Flag.LOW_CONFIDENCE, value=confidence))
    signals = sum(len(r.integrity or []) for r in facts.results) + facts.integrity_events
    flags += _counted(Flag.INTEGRITY, signals)
    flags += _disagreements(values)
    failed = (RunStatus.FAILED, RunStatus.SKIPPED)
    flags += _counted(Flag.ANALYSIS_FAILED, sum(a["run_status"] in failed for a in facts.answers))
    poor = (QualityStatus.WARN, QualityStatus.FAIL)
    flags += _counted(Flag.QUALITY, sum(a["quality_status"] in poor for a in facts.answers))
    return flags


# --- the application -------------------------------------------------------------------------


def _sync_application(session: InterviewSession, score: InterviewScore) -> None:
    application = session.application
    overall = None if score.final_total is None else Decimal(f"{score.final_total:.2f}")
    if application.overall_score != overall:
        Application.objects.filter(pk=application.pk).update(overall_score=overall)
        application.overall_score = overall
        audit_record(
            actor="system", action="application.score", obj=application,
            changed_fields=["overall_score"], detail={"session": session.pk},
        )  # fmt: skip
    if (
        application.stage == Stage.INTERVIEW_DONE
        and score.answers_pending == 0
        and score.answers_analysed > 0
    ):
        _advance(application)


def _advance(application: Application) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Every recorded answer has been analysed.")
    try:
        with transaction.atomic():
            application_advance(
                actor=None, application=application, to_stage=Stage.AI_SCORED, reason=reason
            )
    except TransitionRefused:
        pass  # someone moved it meanwhile (e.g. a decision): their move stands
