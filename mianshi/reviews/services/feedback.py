"""Messages to the candidate after a decision (F-72): drafting and sending.

The draft is built from the interview's evidence — the strongest dimensions with a short
quote of the candidate's own words, the weakest one, and the engine's suggestions — and
never shows a score or how the AI works. It is written in the candidate's language (the
interview's) and then in English. HR may edit it before it goes.

Sending happens in the task `reviews.send_feedback`, outside any transaction (a slow mail
server must not hold a database lock): a conditional UPDATE claims the decision, so a
duplicate or redelivered message finds nothing to send.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from interview_analysis.scorer import advice as engine_advice
from mianshi.analysis.models import AnalysisResult
from mianshi.analysis.selectors import current_results, interview_scores
from mianshi.candidates.models import Application
from mianshi.common.claims import claim
from mianshi.common.mail import DeliveryError, mail_build, mail_send
from mianshi.compliance.services import audit_record
from mianshi.interviews.models import InterviewSession
from mianshi.invitations.services import organisation_label
from mianshi.jobs.models import Job
from mianshi.reviews.models import Decision, DecisionKind, FeedbackStatus, InterviewScore

log = logging.getLogger(__name__)
Outcome = Literal["sent", "failed", "retry", "skipped"]

MAX_SUBJECT, MAX_BODY, MAX_QUOTE = 200, 8000, 60
# A send takes seconds; a claim older than this belongs to a worker that died mid-send.
STALE_CLAIM = timedelta(minutes=15)
# Queued, unclaimed decisions this old lost their message (broker down at commit time).
LOST_MESSAGE = timedelta(minutes=30)
# A claim left this often by a dead worker means the send itself kills workers: give up.
MAX_CLAIMS = 5


# --- which decisions message the candidate ----------------------------------------------


def notifies(kind: str, job: Job) -> bool:
    """Whether the decision can message the candidate at all (an offer is approved first)."""
    return kind != DecisionKind.OFFER


def has_feedback(kind: str, job: Job) -> bool:
    """Whether the message is a feedback e-mail (a second round with a template sends the
    interview invitation instead)."""
    if kind == DecisionKind.SECOND_ROUND:
        return job.second_round_template_id is None
    return kind in (DecisionKind.REJECT, DecisionKind.TALENT_POOL)


def notify_default(kind: str) -> bool:
    """Rejections and advances are always worth telling; a talent-pool note is optional."""
    return kind in (DecisionKind.REJECT, DecisionKind.SECOND_ROUND)


# --- drafting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Strength:
    name: str
    quote: str


@dataclass(frozen=True)
class Draft:
    """The facts of one feedback message, rendered once per language."""

    kind: str
    candidate_name: str
    job_title: str
    org_name: str
    strengths: list[Strength] = field(default_factory=list)
    improve: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


def _names(results: list[AnalysisResult]) -> dict[str, str]:
    """Dimension code → name from the competency model the interview was scored with."""
    if not results:
        return {}
    model = results[0].run.answer.template_question.version.model_snapshot or {}
    names: dict[str, str] = {}
    stack = list(model.get("dimensions") or [])
    while stack:
        node = stack.pop()
        names[str(node.get("code"))] = str(node.get("name") or node.get("code"))
        stack.extend(node.get("children") or [])
    return names


def _scores(session: InterviewSession) -> dict[str, float]:
    """Per dimension: the raters' scores once someone rated, the AI's otherwise."""
    stored = InterviewScore.objects.filter(session=session).first()
    dims = (stored.human_dimensions or stored.ai_dimensions) if stored else []
    if not dims:
        dims = interview_scores(session)["dimensions"]
    return {str(d["code"]): float(d["score"]) for d in dims if d.get("score") is not None}


def _short(quote: str) -> str:
    text = " ".join(quote.split())
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1] + "…"


def _quotes(results: list[AnalysisResult]) -> dict[str, list[str]]:
    """Per dimension, quotes of the answers that scored it: its own evidence first, then the
    answer's general evidence; from the answer that scored it best first."""
    found: dict[str, list[tuple[int, float, str]]] = {}
    for result in results:
        general = [str(e["quote"]) for e in result.score.get("evidence") or [] if e.get("quote")]
        for dim in result.score.get("dimensions") or []:
            own = [str(e["quote"]) for e in dim.get("evidence") or [] if e.get("quote")]
            score = float(dim.get("score") or 0)
            items = found.setdefault(str(dim.get("name")), [])
            items += [(0, -score, q) for q in own] + [(1, -score, q) for q in general]
    return {code: [q for *_key, q in sorted(items)] for code, items in found.items()}


def _strengths(
    codes: list[str], names: dict[str, str], quotes: dict[str, list[str]]
) -> list[Strength]:
    """One quote per strength, a different one for each when the evidence allows."""
    used: set[str] = set()
    out = []
    for code in codes:
        quote = next((q for q in quotes.get(code, []) if q not in used), "")
        used.add(quote)
        out.append(Strength(names.get(code, code), _short(quote)))
    return out


# The engine's advice in both languages, so a tip can be shown in each section's language.
_ENGINE_TEXTS: list[dict[str, str]] = [
    {str(lang): text for lang, text in texts.items()} for texts in engine_advice._ADVICE.values()
]
_ENGINE_TEXTS.append({str(lang): text for lang, text in engine_advice._POLISH.items()})
# Runs stored before the engine's Chinese said 您 hold the 你 wording: both find the texts.
_ADVICE_BY_TEXT = {
    key: texts
    for texts in _ENGINE_TEXTS
    for text in texts.values()
    for key in (text, text.replace("您", "你"))
}
# "The rubric also expects: …" would hand the candidate the scoring key: not sent.
_RUBRIC_PREFIXES = tuple(t.split("{")[0] for t in engine_advice._RUBRIC.values())


def _suggestions(results: list[AnalysisResult]) -> list[str]:
    ordered = sorted(results, key=lambda r: r.run.answer.position)
    tips = [str(t) for r in ordered for t in r.score.get("suggestions") or []]
    useful = [t for t in dict.fromkeys(tips) if t and not t.startswith(_RUBRIC_PREFIXES)]
    return useful[:2]


def _tip(text: str, language: str) -> str:
    texts = _ADVICE_BY_TEXT.get(text)
    return texts["en" if language == "en" else "zh"] if texts else text


def _evidence(session: InterviewSession, kind: str) -> dict[str, Any]:
    """Strengths (1–2), the area to improve and tips; a talent-pool note keeps the praise."""
    results = list(current_results(session))
    names, scores = _names(results), _scores(session)
    ranked = sorted(scores, key=lambda code: (-scores[code], code))
    top = ranked[: max(1, min(2, len(ranked) - 1))]
    strengths = _strengths(top, names, _quotes(results))
    if kind != DecisionKind.REJECT:
        return {"strengths": strengths}
    low = ranked[-1:] if len(ranked) > 1 else []
    return {
        "strengths": strengths,
        "improve": [names.get(c, c) for c in low],
        "suggestions": _suggestions(results),
    }


def _languages(session: InterviewSession | None) -> list[str]:
    """The candidate's language (the interview's), then English."""
    language = (session.language if session else "") or settings.LANGUAGE_CODE
    first = "en" if language.lower().startswith("en") else "zh-hans"
    return [first] if first == "en" else [first, "en"]


def _render(draft: Draft, language: str, sections: int) -> tuple[str, str]:
    with translation.override(language):
        context = {
            "d": draft,
            "tips": [_tip(t, language) for t in draft.suggestions],
            "language": language,
            "sections": sections,
        }
        subject = render_to_string("reviews/email/feedback_subject.txt", context)
        body = render_to_string("reviews/email/feedback.txt", context)
    return " ".join(subject.split()), body.strip()


def feedback_compose(
    *, application: Application, session: InterviewSession | None, kind: str
) -> tuple[str, str]:
    """The drafted (subject, body) of the decision's message to the candidate."""
    facts = _evidence(session, kind) if session is not None else {}
    draft = Draft(
        kind=kind,
        candidate_name=application.candidate.name,
        job_title=application.job.title,
        org_name=organisation_label(application.org_unit),
        **facts,
    )
    languages = _languages(session)
    parts = [_render(draft, lang, len(languages)) for lang in languages]
    subject = " / ".join(p[0] for p in parts)
    if len(subject) > MAX_SUBJECT:
        subject = subject[: MAX_SUBJECT - 1] + "…"
    return subject, "\n\n\n".join(p[1] for p in parts)


def feedback_text(
    draft: tuple[str, str] | None, *, subject: str | None, body: str | None
) -> tuple[str, str]:
    """HR's edited subject and body where given, the draft's otherwise; checked."""
    draft_subject, draft_body = draft or ("", "")
    title = " ".join((draft_subject if subject is None else subject).split())
    text = (draft_body if body is None else body).replace("\r\n", "\n").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["feedback_subject"] = _("Enter the subject of the message.")
    elif len(title) > MAX_SUBJECT:
        errors["feedback_subject"] = _("The subject has at most 200 characters.")
    if not text:
        errors["feedback_body"] = _("Write the message to the candidate, or do not send one.")
    elif len(text) > MAX_BODY:
        errors["feedback_body"] = _("The message has at most 8000 characters.")
    if errors:
        raise ValidationError(errors)
    return title, text


# --- sending -----------------------------------------------------------------------------


def _enqueue(decision_id: int) -> None:
    from mianshi.reviews.tasks import send_feedback

    send_feedback.delay(decision_id)


def feedback_enqueue(*, decision_id: int) -> None:
    """Send the decision's queued message once the current transaction commits."""
    # robust: a broker hiccup after commit must not turn HR's decision into a 500; the
    # maintenance task finds the queued message later.
    transaction.on_commit(partial(_enqueue, decision_id), robust=True)


def _claim(decision_id: int) -> bool:
    free = {"feedback_status": FeedbackStatus.QUEUED, "feedback_claimed_at__isnull": True}
    return claim(
        Decision.objects, pk=decision_id, expect=free,
        to={"feedback_claimed_at": timezone.now()}, count="feedback_attempts",
    )  # fmt: skip


def _send(decision: Decision) -> str:
    address = decision.application.candidate.email
    if not address:
        raise DeliveryError(_("The candidate has no e-mail address."))
    subject, text = decision.feedback_subject, decision.feedback_body
    html = render_to_string("reviews/email/feedback.html", {"subject": subject, "body": text})
    return mail_send(mail_build(to=address, subject=subject, text=text, html=html))


@transaction.atomic
def _settle(decision: Decision, status: str, *, error: str = "") -> None:
    fields: dict[str, Any] = {"feedback_status": status, "feedback_error": error[:500]}
    if status == FeedbackStatus.SENT:
        fields["feedback_sent_at"] = timezone.now()
    if status == FeedbackStatus.QUEUED:
        fields["feedback_claimed_at"] = None  # the retry claims it again
    Decision.objects.filter(pk=decision.pk, feedback_status=FeedbackStatus.QUEUED).update(**fields)
    if status != FeedbackStatus.QUEUED:
        audit_record(
            actor=None,
            action=f"decision.feedback_{status}",
            obj=decision,
            changed_fields=["feedback_status"],
            detail={"kind": decision.kind, "application": decision.application_id},
        )


def feedback_attempt(*, decision_id: int, final: bool = True) -> Outcome:
    """Claim and send one decision's queued message; temporary failures go back to the
    queue unless `final`."""
    if not _claim(decision_id):
        return "skipped"
    decision = Decision.objects.select_related("application__candidate").get(pk=decision_id)
    try:
        provider_id = _send(decision)
    except DeliveryError as exc:
        retry = exc.temporary and not final
        status = FeedbackStatus.QUEUED if retry else FeedbackStatus.FAILED
        _settle(decision, status, error=exc.message)
        log.warning("feedback of decision %s failed: %s", decision.pk, exc.message)
        return "retry" if retry else "failed"
    except Exception:
        # A bug must not leave the claim standing until the stale-claim sweep.
        log.exception("feedback of decision %s crashed", decision.pk)
        _settle(decision, FeedbackStatus.FAILED, error=_("Unexpected error; see the server log."))
        return "failed"
    _settle(decision, FeedbackStatus.SENT)
    log.info("feedback of decision %s e-mailed as %s", decision.pk, provider_id)
    return "sent"


def _give_up(stale: QuerySet[Decision]) -> int:
    """Fail the messages whose every claim died with its worker."""
    doomed = list(stale.filter(feedback_attempts__gte=MAX_CLAIMS)[:500])
    for decision in doomed:
        _settle(decision, FeedbackStatus.FAILED, error=_("Sending stopped the worker each time."))
        log.error("feedback of decision %s abandoned after %s claims", decision.pk, MAX_CLAIMS)
    return len(doomed)


def feedback_maintain(*, now: datetime | None = None) -> dict[str, int]:
    """Release claims of dead workers and re-send messages that never reached the broker;
    a message claimed MAX_CLAIMS times without an outcome fails instead."""
    now = now or timezone.now()
    queued = Decision.objects.filter(feedback_status=FeedbackStatus.QUEUED)
    stale = queued.filter(feedback_claimed_at__lt=now - STALE_CLAIM)
    abandoned = _give_up(stale)
    stale_ids = list(stale.values_list("pk", flat=True)[:500])
    released = stale.filter(pk__in=stale_ids).update(feedback_claimed_at=None)
    lost = queued.filter(feedback_claimed_at__isnull=True, created_at__lt=now - LOST_MESSAGE)
    ids = sorted(set(stale_ids) | set(lost.values_list("pk", flat=True)[:500]))
    for pk in ids:
        _enqueue(pk)
    return {"released": released, "requeued": len(ids), "abandoned": abandoned}
