"""The offer notice and the medical-check notice (体检通知) the candidate gets on approval.

Both go in one e-mail, in the candidate's language and then in English, through the offer
decision's message slot: `reviews.send_feedback` claims, sends outside the transaction,
retries temporary failures and the beat's maintenance re-sends lost ones, so an approved
offer's notice has the same delivery guarantees as any other decision message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation

from mianshi.common.zoned import zoned
from mianshi.invitations.services import organisation_label
from mianshi.reviews.models import Decision, FeedbackStatus, Offer
from mianshi.reviews.services import feedback as fb

MAX_SUBJECT = 200


@dataclass(frozen=True)
class Notice:
    """The facts of the notice, formatted per language at render time."""

    candidate_name: str
    org_name: str
    position: str
    salary: str
    start_date: date | str
    medical_at: datetime | str | None
    medical_place: str
    medical_materials: str


def _languages(offer: Offer) -> list[str]:
    session = offer.decision.session
    language = (session.language if session else "") or settings.LANGUAGE_CODE
    return ["en"] if language.lower().startswith("en") else ["zh-hans", "en"]


def _render(notice: Notice, language: str, sections: int) -> tuple[str, str]:
    with translation.override(language):
        local = Notice(
            **{
                **notice.__dict__,
                "start_date": formats.date_format(notice.start_date, "DATE_FORMAT"),
                "medical_at": _when(notice.medical_at),
            }
        )
        context = {"n": local, "language": language, "sections": sections}
        subject = render_to_string("reviews/email/offer_notice_subject.txt", context)
        body = render_to_string("reviews/email/offer_notice.txt", context)
    return " ".join(subject.split()), body.strip()


def _when(value: datetime | str | None) -> str:
    if not isinstance(value, datetime):
        return ""
    return zoned(value)  # a candidate reads times with their zone (common/zoned.py)


def offer_notice_compose(offer: Offer) -> tuple[str, str]:
    """(subject, body) of the approved offer's notice to the candidate."""
    application = offer.application
    notice = Notice(
        candidate_name=application.candidate.name,
        org_name=organisation_label(offer.hire_unit),
        position=offer.position,
        salary=offer.salary,
        start_date=offer.start_date,
        medical_at=offer.medical_at,
        medical_place=offer.medical_place,
        medical_materials=offer.medical_materials,
    )
    languages = _languages(offer)
    parts = [_render(notice, lang, len(languages)) for lang in languages]
    subject = " / ".join(p[0] for p in parts)
    if len(subject) > MAX_SUBJECT:
        subject = subject[: MAX_SUBJECT - 1] + "…"
    return subject, "\n\n\n".join(p[1] for p in parts)


def offer_notice_queue(offer: Offer) -> bool:
    """Queue the notice on the offer's decision (sent after commit); False without an
    e-mail address, when HR must tell the candidate another way."""
    if not offer.application.candidate.email:
        return False
    decision: Decision = offer.decision
    decision.feedback_subject, decision.feedback_body = offer_notice_compose(offer)
    decision.feedback_status = FeedbackStatus.QUEUED
    decision.feedback_claimed_at, decision.feedback_error = None, ""
    fields = ["feedback_subject", "feedback_body", "feedback_status", "feedback_claimed_at"]
    decision.save(update_fields=[*fields, "feedback_error"])
    fb.feedback_enqueue(decision_id=decision.pk)
    return True
