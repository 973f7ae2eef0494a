"""The review workbench (F-70): one interview with everything a reviewer needs on one screen.

`workbench_session` finds the interview through the candidates' scoping (interviewers see
only assigned ones; anything else is 404); `workbench_get` loads answers, recordings,
events, runs and results with a fixed number of queries whatever the interview's size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.analysis.models import AnalysisRun
from mianshi.candidates.models import Application, Candidate
from mianshi.candidates.selectors import visible_applications, visible_via_application
from mianshi.common.pagination import DB_ID_MAX
from mianshi.interviews.consents import consents_latest
from mianshi.interviews.models import (
    Answer,
    Consent,
    InterviewSession,
    Recording,
    RecordingStatus,
    SessionEvent,
)
from mianshi.jobs.models import Job
from mianshi.organisations.scoping import units_for
from mianshi.reviews.models import InterviewScore, Rating
from mianshi.reviews.selectors.scores import anomaly_text
from mianshi.reviews.selectors.workbench_answers import (
    LOW_CONFIDENCE,
    AnswerView,
    Moment,
    Quote,
    answer_view,
    quotes,
)


@dataclass
class DimensionView:
    """One competency dimension's AI score with the quotes it rests on."""

    code: str
    name: str
    score: float | None
    weight: float | None
    confidence: float | None
    needs_review: bool
    evidence: list[Quote] = field(default_factory=list)


@dataclass(frozen=True)
class OtherApplication:
    """The candidate's other application (earlier or for another job) and its latest
    interview's scores."""

    application: Application
    session_id: int | None
    ai_total: float | None
    final_total: float | None


@dataclass
class Workbench:
    """Everything the workbench page and its API show of one interview."""

    session: InterviewSession
    answers: list[AnswerView]
    dimensions: list[DimensionView]
    score: InterviewScore | None
    anomalies: list[dict[str, Any]]
    consents: list[Consent]
    session_events: list[Moment]
    others: list[OtherApplication]
    can_manage: bool
    names: dict[str, str] = field(default_factory=dict)  # dimension code → name

    @property
    def application(self) -> Application:
        return self.session.application

    @property
    def candidate(self) -> Candidate:
        return self.session.application.candidate

    @property
    def job(self) -> Job:
        return self.session.application.job

    @property
    def pending(self) -> bool:
        return any(a.pending for a in self.answers)

    @property
    def needs_review(self) -> bool:
        flagged = self.score is not None and (self.score.needs_review or self.score.anomalies)
        return bool(flagged) or any(d.needs_review for d in self.dimensions)


# --- finding and loading -------------------------------------------------------------------


def sessions_for_review(user: Actor) -> QuerySet[InterviewSession]:
    """Interviews of applications `user` may see (the candidates' scoping rules)."""
    return visible_via_application(InterviewSession.objects.all(), user)


def _known(pk: int) -> int:
    """An id the database can hold; anything larger cannot exist (404, not an overflow)."""
    if not 0 < pk <= DB_ID_MAX:
        raise Http404
    return pk


def workbench_session(*, user: Actor, session_id: int) -> InterviewSession:
    """The interview with everything the workbench shows prefetched, or 404; the user's
    own rating's status and comment ride along as `my_rating_status` / `my_rating_comment`."""
    _known(session_id)
    mine = Rating.objects.filter(session=OuterRef("pk"), rater_id=user.pk)
    qs = (
        sessions_for_review(user)
        .select_related(
            "application__candidate", "application__job", "invitation__template_version", "score"
        )
        .annotate(
            my_rating_status=Subquery(mine.values("status")[:1]),
            my_rating_comment=Subquery(mine.values("comment")[:1]),
        )
    )
    return get_object_or_404(_with_details(qs), pk=session_id)


def review_session(*, user: Actor, session_id: int) -> InterviewSession:
    """The interview with its application, candidate and job only (no answers), or 404."""
    _known(session_id)
    qs = sessions_for_review(user).select_related("application__candidate", "application__job")
    return get_object_or_404(qs, pk=session_id)


def answer_for_review(*, user: Actor, answer_id: int) -> Answer:
    """An answer of an interview `user` may see (with its session), or 404."""
    _known(answer_id)
    qs = Answer.objects.filter(session__in=sessions_for_review(user)).select_related("session")
    return get_object_or_404(qs, pk=answer_id)


def _with_details(qs: QuerySet[InterviewSession]) -> QuerySet[InterviewSession]:
    recordings = Recording.objects.filter(is_current=True).exclude(
        status=RecordingStatus.TERMINATED
    )
    runs = AnalysisRun.objects.select_related("result").order_by("-queued_at", "-id")
    return qs.prefetch_related(
        Prefetch("answers", queryset=Answer.objects.select_related("template_question")),
        Prefetch("answers__recordings", queryset=recordings.order_by("attempt", "segment")),
        Prefetch("answers__analysis_runs", queryset=runs),
        # One query for every event; answers take theirs from it (see _events_by_answer).
        Prefetch("events", queryset=SessionEvent.objects.order_by("at", "id")),
        Prefetch("consents", queryset=Consent.objects.order_by("at", "id")),
    )


def _events_by_answer(session: InterviewSession) -> dict[int | None, list[SessionEvent]]:
    grouped: dict[int | None, list[SessionEvent]] = {}
    for event in session.events.all():
        grouped.setdefault(event.answer_id, []).append(event)
    return grouped


def workbench_get(*, user: Actor, session: InterviewSession) -> Workbench:
    """The workbench of an interview loaded by `workbench_session`."""
    events = _events_by_answer(session)
    answers = sorted(session.answers.all(), key=lambda a: a.position)
    views = [_answer(a, events.get(a.pk, [])) for a in answers]
    score = _score(session)
    application = session.application
    return Workbench(
        session=session,
        answers=views,
        dimensions=dimensions(session, views, score),
        score=score,
        anomalies=[_anomaly(f) for f in (score.anomalies if score else []) or []],
        consents=latest_consents(session),
        session_events=[_moment(e) for e in events.get(None, [])],
        others=other_applications(user=user, application=application),
        can_manage=application.org_unit_id in units_for(user, Cap.CANDIDATES_MANAGE),
        names=dimension_names(session),
    )


def _answer(answer: Answer, events: list[SessionEvent]) -> AnswerView:
    # The answer's events come from the session's one prefetch, not a query per answer.
    return answer_view(answer, list(answer.analysis_runs.all()), events)


def _moment(event: SessionEvent) -> Moment:
    return Moment(event.kind, event.get_kind_display(), None, at=event.at)


def _score(session: InterviewSession) -> InterviewScore | None:
    try:
        return session.score  # type: ignore[no-any-return]
    except InterviewScore.DoesNotExist:
        return None


def _anomaly(flag: Any) -> dict[str, Any]:
    flag = flag if isinstance(flag, dict) else {"code": str(flag)}
    return {"code": str(flag.get("code") or ""), "text": anomaly_text(flag), **flag}


def latest_consents(session: InterviewSession) -> list[Consent]:
    """The latest decision per consent kind, with its time and notice version."""
    return list(consents_latest(session).values())


def other_applications(*, user: Actor, application: Application) -> list[OtherApplication]:
    """The candidate's other visible applications, newest first, with their latest scores
    (annotated: one query however many there are)."""
    latest = InterviewScore.objects.filter(application=OuterRef("pk")).order_by(
        "-updated_at", "-id"
    )
    qs = (
        visible_applications(user)
        .filter(candidate_id=application.candidate_id)
        .exclude(pk=application.pk)
        .select_related("job")
        .annotate(
            score_session=Subquery(latest.values("session_id")[:1]),
            score_ai=Subquery(latest.values("ai_total")[:1]),
            score_final=Subquery(latest.values("final_total")[:1]),
        )
        .order_by("-created_at", "-id")
    )
    return [
        OtherApplication(a, a.score_session, a.score_ai, a.score_final)  # type: ignore[attr-defined]
        for a in qs
    ]


# --- AI dimension scores -------------------------------------------------------------------


def _tree(snapshot: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The model snapshot's dimensions depth-first in the model's order."""
    stack = list(reversed(snapshot.get("dimensions") or []))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.get("children") or []))


def dimension_names(session: InterviewSession) -> dict[str, str]:
    """code → name of every dimension of the interview's competency model snapshot."""
    model = session.invitation.template_version.model_snapshot or {}
    return {str(n["code"]): str(n.get("name") or n["code"]) for n in _tree(model)}


def dimensions(
    session: InterviewSession, answers: list[AnswerView], score: InterviewScore | None
) -> list[DimensionView]:
    """Per dimension the AI's score (the combined row when there is one, else the mean over
    the current results), its evidence, and whether a person must look closer; in the
    competency model's order."""
    names = dimension_names(session)
    order = {code: i for i, code in enumerate(names)}
    found = _from_results(answers)
    stored = {str(d.get("code")): d for d in (score.ai_dimensions if score else []) or []}
    codes = sorted(set(found) | set(stored), key=lambda c: (order.get(c, len(order)), c))
    return [_dimension(c, found.get(c, _Found()), stored.get(c, {}), names) for c in codes]


@dataclass
class _Found:
    """What the current results say about one dimension."""

    scores: list[float] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    confidences: list[float] = field(default_factory=list)
    review: bool = False


def _dimension(
    code: str, found: _Found, row: dict[str, Any], names: dict[str, str]
) -> DimensionView:
    mean = round(sum(found.scores) / len(found.scores), 2) if found.scores else None
    confidence = min(found.confidences) if found.confidences else None
    low = confidence is not None and confidence < LOW_CONFIDENCE
    return DimensionView(
        code=code, name=str(row.get("name") or names.get(code, code)),
        score=_num(row.get("score"), mean), weight=_num(row.get("weight"), None),
        confidence=confidence, needs_review=found.review or low, evidence=found.quotes,
    )  # fmt: skip


def _num(value: Any, fallback: float | None) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok else fallback


def _from_results(answers: list[AnswerView]) -> dict[str, _Found]:
    """code → what the answers' results of their current done runs say (a pending
    re-run's older result is not counted, as in the combined scores)."""
    found: dict[str, _Found] = {}
    for view in answers:
        result = view.run.result if view.run else None
        if result is None or not isinstance(result.score, dict):
            continue
        for dim in result.score.get("dimensions") or []:
            if not isinstance(dim, dict) or _num(dim.get("score"), None) is None:
                continue
            item = found.setdefault(str(dim.get("name")), _Found())
            item.scores.append(float(dim["score"]))
            item.quotes += quotes(view.answer, dim.get("evidence"), view.transcript_part)
            if result.confidence is not None:
                item.confidences.append(result.confidence)
            item.review = item.review or result.needs_human_review
    return found
