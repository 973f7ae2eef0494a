"""Everything the per-interview PDF report shows (F-73), read once and scoped to the reader.

The report is a record someone may rely on months later, so it says plainly what the AI
found, how sure it was, what the people who rated and decided concluded, and under which
consent the data was processed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mianshi.accounts.actor import Actor
from mianshi.analysis.models import AnalysisResult
from mianshi.analysis.selectors import current_results
from mianshi.candidates.models import Application, Candidate
from mianshi.candidates.selectors import identifiers_in_document
from mianshi.interviews.models import Answer, Consent, InterviewSession
from mianshi.jobs.models import ScorePolicy
from mianshi.organisations.models import OrgUnit
from mianshi.reviews.models import (
    Decision,
    InterviewScore,
    Rating,
    RatingScore,
    RatingStatus,
)
from mianshi.reviews.selectors.ai_labels import ISSUE_LABELS, SIGNALS
from mianshi.reviews.selectors.blind import score_hidden, visible_flags
from mianshi.reviews.selectors.scores import (
    anomaly_text,
    final_note,
    rating_dimensions,
    ratings_visible,
    session_for_user,
)
from mianshi.reviews.selectors.workbench_answers import quotes
from mianshi.reviews.services.scores import final_score

# Why the engine asked for a person (interview_analysis.pipeline.review_reasons codes).
_REASONS = {
    "low_transcript_confidence": gettext_noop("The speech recognition was unsure of the words."),
    "empty_transcript": gettext_noop("No speech was recognised."),
    "short_answer": gettext_noop("The answer is very short."),
    "low_score_confidence": gettext_noop("The scorer is not confident about its score."),
    "low_confidence": gettext_noop("The scorer is not confident about its score."),
    "prompt_injection": gettext_noop(
        "The answer contains text addressed to the AI grader; its judgement was not used."
    ),
    "score:needs_review": gettext_noop("The scorer is not confident about the level."),
    "score:short_answer": gettext_noop("The answer is very short."),
    "score:off_topic": gettext_noop("The answer seems off-topic."),
    "score:wrong_language": gettext_noop("The answer is not in the question's language."),
    "score:asr_unsure": gettext_noop("The speech recognition was unsure of the words."),
    "score:features_disagree": gettext_noop(
        "The answer's content and structure point different ways."
    ),
}
SHOWN_QUOTES = 3  # per dimension in full; the rest in small print


@dataclass
class Evidence:
    """A quote the AI based a dimension score on, and where to find it."""

    quote: str
    element: str
    position: int
    start: float | None
    end: float | None
    rank: int = 0  # its place in the answer's evidence (0: worth most points)
    language: str = "zh-hans"  # its question's: a page marks the quote with it (`lang`)

    @property
    def span(self) -> str:
        """Where in the answer's recording the quote is said, as "0:07–0:12"."""
        if self.start is None:
            return ""
        end = f"–{clock(self.end)}" if self.end is not None else ""
        return clock(self.start) + end


def clock(seconds: float | None) -> str:
    """Seconds as m:ss."""
    whole = int(seconds or 0)
    return f"{whole // 60}:{whole % 60:02d}"


@dataclass
class DimensionLine:
    """One competency dimension: AI, human and final scores with the AI's evidence."""

    code: str
    name: str
    weight: float
    ai: float | None
    human: float | None
    final: float | None
    evidence: list[Evidence] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why the AI's score needs a person

    @property
    def top(self) -> list[Evidence]:
        return self.evidence[:SHOWN_QUOTES]

    @property
    def more(self) -> list[Evidence]:
        return self.evidence[SHOWN_QUOTES:]


@dataclass
class AnswerLine:
    """One answered question: the rubric level the AI matched and how sure it was."""

    position: int
    question: str
    level: int | None
    level_text: str
    score: float | None
    confidence: float | None
    needs_review: bool
    reasons: list[str]
    duration_s: float | None


@dataclass
class RatingLine:
    """One submitted rating: who, when, the weighted score, per dimension score and reason."""

    rater: str
    submitted_at: datetime | None
    total: float | None
    comment: str
    scores: list[tuple[str, int, float | None, str]]  # (dimension, score, AI shown, reason)


@dataclass
class ReportData:
    """The whole report of one interview."""

    session: InterviewSession
    application: Application
    candidate: Candidate
    identifiers: dict[str, str]
    organisation: list[str]
    score: InterviewScore | None
    score_note: str
    policy_label: str
    dimensions: list[DimensionLine]
    answers: list[AnswerLine]
    anomalies: list[str]
    ratings: list[RatingLine]
    ratings_hidden: int
    decisions: list[Decision]
    consents: list[Consent]
    workbench_url: str
    generated_at: datetime
    generated_by: str
    human_hidden: bool = False  # F-71: the reader rates this interview and has not yet

    @property
    def decided_by(self) -> str:
        return person(self.decisions[0].decided_by) if self.decisions else ""


def person(user: Actor) -> str:
    """A user as a reader knows them: the full name, else the login name."""
    return (user.get_full_name() or user.get_username()) if user else ""


def interview_report(*, user: Actor, session_id: int) -> ReportData:
    """The report of one interview whose application `user` may see (404 otherwise)."""
    session = session_for_user(user=user, session_id=session_id)
    application, candidate = session.application, session.application.candidate
    score = InterviewScore.objects.filter(session=session).first()
    blind = score_hidden(user=user, session=session, score=score)
    results = list(current_results(session))
    dimensions = _dimensions(session, score, results, hidden=blind)
    decisions = _decisions(session)
    names = {d.code: d.name for d in dimensions}
    ratings, hidden = _ratings(user, session, names, decided=bool(decisions))
    return ReportData(
        session=session,
        application=application,
        candidate=candidate,
        identifiers=identifiers_in_document(candidate=candidate),
        organisation=_organisation(application.org_unit_id),
        score=score,
        score_note=final_note(score),
        policy_label=_policy_label(score),
        dimensions=dimensions,
        answers=_answers(session, results),
        anomalies=[anomaly_text(f) for f in visible_flags(_flags(score), hidden=blind)],
        ratings=ratings,
        ratings_hidden=hidden,
        decisions=decisions,
        consents=list(Consent.objects.filter(session=session)),
        workbench_url=settings.PUBLIC_URL + reverse("reviews:workbench", args=[session.pk]),
        generated_at=timezone.now(),
        generated_by=person(user),
        human_hidden=blind,
    )


def _flags(score: InterviewScore | None) -> list[Any]:
    return list(score.anomalies or []) if score else []


def _organisation(unit_id: int) -> list[str]:
    """The unit's names from the root down (总部 / 上海分公司 / 销售部)."""
    path = OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first() or ""
    ids = [int(p) for p in path.strip("/").split("/") if p.isdigit()] or [unit_id]
    names = dict(OrgUnit.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [names[i] for i in ids if i in names]


def _policy_label(score: InterviewScore | None) -> str:
    if score is None or score.policy not in ScorePolicy.values:
        return ""
    return str(ScorePolicy(score.policy).label)


def _by_code(dimensions: Any) -> dict[str, float]:
    return {
        str(d["code"]): float(d["score"])
        for d in dimensions or []
        if isinstance(d, dict) and d.get("code") and d.get("score") is not None
    }


def _dimensions(
    session: InterviewSession,
    score: InterviewScore | None,
    results: list[AnalysisResult],
    *,
    hidden: bool,
) -> list[DimensionLine]:
    """Per dimension the AI, human and final scores; while the reader's own rating is due
    (hidden) the human and final ones stay empty, as on the workbench."""
    ai = _by_code(score.ai_dimensions) if score else {}
    human = _by_code(score.human_dimensions) if score and not hidden else {}
    policy = score.policy if score else ""
    evidence, reasons = _evidence(results), _dimension_reasons(results)
    return [
        DimensionLine(
            code=d.code,
            name=d.name,
            weight=d.weight,
            ai=ai.get(d.code),
            human=human.get(d.code),
            # The total's policy applied per dimension, so the columns add up the same way.
            final=None if hidden else final_score(policy, ai.get(d.code), human.get(d.code)),
            evidence=evidence.get(d.code, []),
            reasons=reasons.get(d.code, []),
        )
        for d in rating_dimensions(session)
    ]


def _evidence(results: list[AnalysisResult]) -> dict[str, list[Evidence]]:
    """code → the quotes of every current result scoring that dimension, each sentence once;
    the strongest quote of each answer first, then the second of each, and so on."""
    found: dict[str, list[Evidence]] = {}
    for result in sorted(results, key=lambda r: r.run.answer.position):
        for dim in _dicts((result.score or {}).get("dimensions")):
            found.setdefault(str(dim.get("name")), []).extend(
                Evidence(q.quote, q.label, q.position, q.start, q.end, q.rank, q.language)
                for q in quotes(result.run.answer, dim.get("evidence"))
            )
    return {code: sorted(items, key=lambda e: e.rank) for code, items in found.items()}


def _dimension_reasons(results: list[AnalysisResult]) -> dict[str, list[str]]:
    """code → "Q2: The answer is very short." for each answer scoring it that needs review."""
    out: dict[str, list[str]] = {}
    for result in sorted(results, key=lambda r: r.run.answer.position):
        texts = list(dict.fromkeys(reason_text(r) for r in result.review_reasons or []))
        if not (result.needs_human_review and texts):
            continue
        line = _("Q%(n)s: %(reasons)s") % {
            "n": result.run.answer.position,
            "reasons": " ".join(texts),
        }
        for dim in _dicts((result.score or {}).get("dimensions")):
            out.setdefault(str(dim.get("name")), []).append(line)
    return out


def _dicts(items: Any) -> list[dict[str, Any]]:
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _answers(session: InterviewSession, results: list[AnalysisResult]) -> list[AnswerLine]:
    by_answer = {r.run.answer_id: r for r in results}
    answers = Answer.objects.filter(session=session).select_related("template_question")
    return [_answer_line(a, by_answer.get(a.pk)) for a in answers.order_by("position")]


def _answer_line(answer: Answer, result: AnalysisResult | None) -> AnswerLine:
    snapshot = answer.template_question.snapshot
    level = result.level if result else None
    rubric = {int(r["level"]): str(r["description"]) for r in snapshot.get("rubric") or []}
    return AnswerLine(
        position=answer.position,
        question=str(snapshot.get("text") or ""),
        level=level,
        level_text=rubric.get(level, "") if level is not None else "",
        score=result.total if result else None,
        confidence=result.confidence if result else None,
        needs_review=bool(result and result.needs_human_review),
        reasons=list(
            dict.fromkeys(reason_text(r) for r in (result.review_reasons if result else []))
        ),
        duration_s=answer.measured_ms / 1000 if answer.measured_ms else None,
    )


def reason_text(code: str) -> str:
    """A review reason code of the engine as a sentence in the reader's language; a code
    added to the engine later reads as a generic sentence, never as the code."""
    kind, _sep, detail = str(code).partition(":")
    if kind == "quality" and detail:
        issue = ISSUE_LABELS.get(detail) or _("a problem with the recording")
        return _("Recording quality: %(issue)s") % {"issue": issue}
    if kind == "integrity" and detail:
        signal = SIGNALS.get(detail) or _("an integrity signal")
        return _("Integrity signal: %(signal)s") % {"signal": signal}
    return (
        _(_REASONS[code])
        if code in _REASONS
        else _("Another check of the analysis asks for a person.")
    )


def _ratings(
    user: Actor, session: InterviewSession, names: dict[str, str], *, decided: bool
) -> tuple[list[RatingLine], int]:
    """The submitted ratings the reader may see, and how many others stay hidden.

    Before a decision the report follows the workbench (F-71): a reader who has not
    submitted their own rating sees none of the others', so the PDF opens no way round
    independent rating. Once someone decided, the rating is over and the record is whole.
    """
    submitted = list(
        Rating.objects.filter(session=session, status=RatingStatus.SUBMITTED)
        .select_related("rater")
        .prefetch_related(Prefetch("scores", queryset=RatingScore.objects.order_by("id")))
    )
    if not decided:
        allowed = {r.pk for r in ratings_visible(user=user, session=session)}
        shown = [r for r in submitted if r.pk in allowed]
    else:
        shown = submitted
    return [_rating_line(r, names) for r in shown], len(submitted) - len(shown)


def _rating_line(rating: Rating, names: dict[str, str]) -> RatingLine:
    return RatingLine(
        rater=person(rating.rater),
        submitted_at=rating.submitted_at,
        total=rating.total,
        comment=rating.comment,
        scores=[
            (names.get(s.code, s.code), s.score, s.ai_score, s.override_reason)
            for s in rating.scores.all()
        ],
    )


def _decisions(session: InterviewSession) -> list[Decision]:
    """Decisions taken on this interview (or on its application without naming one)."""
    rule = Q(session=session) | Q(session__isnull=True)
    qs = Decision.objects.filter(rule, application_id=session.application_id)
    return list(qs.select_related("decided_by").order_by("-created_at", "-id"))
