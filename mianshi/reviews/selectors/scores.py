"""Reads of interview scores and ratings (F-66, F-71): who may rate, the rating form built
from the competency model, the ratings a user may see, and anomaly flags as sentences.

Ratings stay hidden from other raters until the reader submitted their own (independent
judgement first); everyone else reads only the aggregate in InterviewScore.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap, Role
from mianshi.analysis.models import AnalysisResult
from mianshi.analysis.selectors import current_results, interview_scores
from mianshi.analysis.services import dimension_weights
from mianshi.candidates.selectors import visible_applications, visible_via_application
from mianshi.interviews.models import Answer, InterviewSession
from mianshi.jobs.models import RECORDED_TYPES, ScorePolicy
from mianshi.organisations.scoping import units_for
from mianshi.reviews.models import RATING_DONE, InterviewScore, Rating, RatingScore, RatingStatus

# Roles whose holders rate interviews; an auditor reads the trail, never rates (F-71).
RATING_ROLES = {Role.HR_ADMIN, Role.HR, Role.DEPT_MANAGER, Role.INTERVIEWER}
PAD_S = 3.0  # seconds added around an evidence quote so the moment has context


@dataclass(frozen=True)
class RatingDimension:
    """A dimension raters score: code, name, description and raw model weight."""

    code: str
    name: str
    description: str
    weight: float


@dataclass
class DimensionForm:
    """One row of the rating form."""

    code: str
    name: str
    description: str
    rubric: list[str]
    ai_score: float | None
    own_score: int | None
    own_reason: str
    suggested: list[dict[str, Any]] = field(default_factory=list)


# --- access ----------------------------------------------------------------------------------


def session_for_user(*, user: Actor, session_id: int) -> InterviewSession:
    """The interview if its application is visible to `user`, else 404."""
    qs = visible_via_application(InterviewSession.objects.all(), user).select_related(
        "application__job", "application__candidate", "invitation__template_version"
    )
    return get_object_or_404(qs, pk=session_id)


def can_rate(*, user: Actor, session: InterviewSession) -> bool:
    """Whether `user` may rate: a rating role on the unit and the application visible."""
    units = units_for(user, Cap.CANDIDATES_VIEW, roles=RATING_ROLES)
    if session.org_unit_id not in units:
        return False
    return visible_applications(user).filter(pk=session.application_id).exists()


# --- the competency model --------------------------------------------------------------------


def _nodes(model_snapshot: dict[str, Any]) -> Iterator[dict[str, Any]]:
    stack = list(reversed(model_snapshot.get("dimensions") or []))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.get("children") or []))


def _question_codes(session: InterviewSession) -> list[str]:
    snapshots = session.invitation.template_version.items.values_list("snapshot", flat=True)
    codes: list[str] = []
    for snap in snapshots:
        codes += [str(c) for c in snap.get("dimension_codes") or [] if str(c) not in codes]
    return codes


def rating_dimensions(session: InterviewSession) -> list[RatingDimension]:
    """The model snapshot's dimensions the interview's questions score, in model order;
    the model's top-level dimensions when the questions name none of them."""
    model = session.invitation.template_version.model_snapshot or {}
    weights = dimension_weights(model)
    codes = _question_codes(session)
    nodes = [n for n in _nodes(model) if str(n["code"]) in codes]
    if not nodes:
        nodes = list(model.get("dimensions") or [])
    if not nodes:  # no model at all: the questions' own codes
        return [RatingDimension(code, code, "", 1.0) for code in codes]
    return [
        RatingDimension(
            str(n["code"]), str(n.get("name") or n["code"]), str(n.get("description") or ""),
            weights.get(str(n["code"]), 1.0),
        )
        for n in nodes
    ]  # fmt: skip


def ai_dimension_scores(session: InterviewSession) -> dict[str, float]:
    """code → the AI's current score for the interview (0–10)."""
    return {d["code"]: float(d["score"]) for d in interview_scores(session)["dimensions"]}


def weighted_mean(scores: dict[str, float], weights: dict[str, float]) -> float | None:
    """The mean of `scores` weighted by `weights` (normalised over the codes scored)."""
    if not scores:
        return None
    raw = {code: weights.get(code, 1.0) for code in scores}
    norm = sum(raw.values()) or 1.0
    return round(sum(scores[c] * raw[c] for c in scores) / norm, 2)


# --- scores ----------------------------------------------------------------------------------


def interview_score(*, session: InterviewSession) -> InterviewScore | None:
    """The interview's combined scores row, or None before the first refresh."""
    return InterviewScore.objects.filter(session=session).first()


def final_note(score: InterviewScore | None) -> str:
    """A sentence saying what the final score is made of (and when it is provisional)."""
    if score is None or score.final_total is None:
        if score is not None and score.policy != ScorePolicy.AVERAGE and score.ai_total:
            return _("No final score yet: this job's final score needs a human rating.")
        return _("No final score yet.")
    if score.policy == ScorePolicy.AVERAGE:
        if score.human_total is None:
            return _("Provisional: the AI score only, until a rater submits a rating.")
        if score.ai_total is None:
            return _("Provisional: human ratings only, until the AI analysis is done.")
        return _("The mean of the AI score and the human ratings.")
    if score.policy == ScorePolicy.AI_SECOND_OPINION:
        return _("Human ratings; the AI score is shown beside them as a second opinion.")
    return _("Human ratings only.")


def is_provisional(score: InterviewScore | None) -> bool:
    """Whether the final score still waits for the AI or for a human rating."""
    if score is None or score.final_total is None:
        return False
    return score.policy == ScorePolicy.AVERAGE and (
        score.human_total is None or score.ai_total is None
    )


def anomaly_text(flag: dict[str, Any]) -> str:
    """The translated sentence for one stored anomaly flag {code, dimension?, value?}."""
    code, dim, value = flag.get("code"), flag.get("dimension") or "", flag.get("value")
    name = str(flag.get("name") or dim)
    if code == "dimension_outlier":
        return _("%(dimension)s is far from the other dimensions.") % {"dimension": name}
    if code == "low_confidence":
        return _("The AI is not confident about this interview; a person should check it.")
    if code == "integrity":
        return _("%(count)s integrity signals (e.g. leaving the page, pasting).") % {
            "count": value or 0
        }
    if code == "ai_human_disagreement":
        if dim:
            return _("The AI and the raters disagree on %(dimension)s.") % {"dimension": name}
        return _("The AI score and the human ratings disagree.")
    if code == "analysis_failed":
        return _("%(count)s answers could not be analysed.") % {"count": value or 0}
    if code == "quality":
        return _("%(count)s answers have recording quality problems.") % {"count": value or 0}
    return _("Unusual result: %(code)s") % {"code": code}


# --- ratings ---------------------------------------------------------------------------------


def _with_scores() -> Prefetch[Any]:
    return Prefetch("scores", queryset=RatingScore.objects.order_by("id"))


def ratings_visible(*, user: Actor, session: InterviewSession) -> list[Rating]:
    """The user's own rating, and the others' submitted ones once the user submitted theirs
    or declined to rate (a declined rating itself lists no scores: it is not shown)."""
    ratings = (
        Rating.objects.filter(session=session)
        .select_related("rater")
        .prefetch_related(_with_scores())
    )
    own = next((r for r in ratings if r.rater_id == user.pk), None)
    if own is None or own.status not in RATING_DONE:
        return [own] if own is not None else []
    return [r for r in ratings if r.status == RatingStatus.SUBMITTED]


def own_rating(*, user: Actor, session: InterviewSession) -> Rating | None:
    """The user's rating of the interview (draft or submitted), with its scores."""
    return (
        Rating.objects.filter(session=session, rater_id=user.pk)
        .prefetch_related(_with_scores())
        .first()
    )


def _rubric(dim: RatingDimension, snapshots: list[tuple[int, dict[str, Any]]]) -> list[str]:
    lines = [dim.description] if dim.description else []
    for position, snap in snapshots:
        if dim.code not in (snap.get("dimension_codes") or []):
            continue
        for level in sorted(snap.get("rubric") or [], key=lambda r: -int(r["level"])):
            lines.append(
                _("Question %(n)s, level %(level)s: %(text)s")
                % {"n": position, "level": level["level"], "text": level["description"]}
            )
    return lines


def _merge(spans: list[tuple[float, float]], end: float | None) -> list[tuple[float, float]]:
    """Pad each span by PAD_S, clamp to the answer, and merge overlapping ones."""
    merged: list[tuple[float, float]] = []
    for start, stop in sorted(spans):
        start, stop = max(0.0, start - PAD_S), stop + PAD_S
        stop = min(stop, end) if end else stop
        if stop <= start:
            continue  # a quote timed past the answer's measured end: nothing to watch there
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        else:
            merged.append((start, stop))
    return merged


def _answer_end(answer: Answer, result: AnalysisResult | None) -> float | None:
    if result is not None and (result.speech or {}).get("duration_s"):
        return float(result.speech["duration_s"])
    return answer.measured_ms / 1000 if answer.measured_ms else None


def _evidence_spans(result: AnalysisResult | None, code: str) -> list[tuple[float, float]]:
    if result is None:
        return []
    spans = []
    for dim in (result.score or {}).get("dimensions") or []:
        if str(dim.get("name")) != code:
            continue
        for ev in dim.get("evidence") or []:
            if ev.get("start") is not None and ev.get("end") is not None:
                spans.append((float(ev["start"]), float(ev["end"])))
    return spans


def _suggested(
    code: str, answers: list[Answer], results: dict[int, AnalysisResult]
) -> list[dict[str, Any]]:
    scoring = [
        a for a in answers if code in (a.template_question.snapshot.get("dimension_codes") or [])
    ]
    segments = []
    for answer in scoring or answers:
        result = results.get(answer.pk)
        end = _answer_end(answer, result)
        spans = _merge(_evidence_spans(result, code), end) or [(0.0, end or 0.0)]
        segments += [
            {"answer_id": answer.pk, "position": answer.position, "start": round(s, 2),
             "end": round(e, 2)}
            for s, e in spans
        ]  # fmt: skip
    return segments


def rating_form(*, user: Actor, session: InterviewSession) -> list[DimensionForm]:
    """The rating form: per dimension its rubric, the AI's score, the user's own values
    and the moments worth watching (the AI's evidence, padded; else the whole answer)."""
    dims = rating_dimensions(session)
    results = {r.run.answer_id: r for r in current_results(session)}
    answers = list(
        Answer.objects.filter(session=session, answer_type__in=RECORDED_TYPES)
        .select_related("template_question")
        .order_by("position")
    )
    snapshots = [(a.position, a.template_question.snapshot) for a in answers]
    ai = ai_dimension_scores(session)
    own = own_rating(user=user, session=session)
    mine = {s.code: s for s in own.scores.all()} if own else {}
    return [
        DimensionForm(
            code=d.code, name=d.name, description=d.description, rubric=_rubric(d, snapshots),
            ai_score=ai.get(d.code),
            own_score=mine[d.code].score if d.code in mine else None,
            own_reason=mine[d.code].override_reason if d.code in mine else "",
            suggested=_suggested(d.code, answers, results),
        )
        for d in dims
    ]  # fmt: skip
