"""Test data for offers: an interviewed, rated application decided "offer", and the terms
proposed to the Shanghai branch's manager (who may approve offers, four eyes)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.test import TestCase

from mianshi.candidates.services import candidate_update
from mianshi.reviews.models import Offer
from mianshi.reviews.services.decisions import decision_make
from mianshi.reviews.services.offers import OfferTerms, offer_approve, offer_hire
from mianshi.reviews.services.ratings import rating_save
from mianshi.reviews.tests.factories import CODES, ReviewWorld, analysed_interview

EMAIL = "li.lei@example.com"
MEDICAL_AT = datetime(2027, 1, 8, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def terms(world: ReviewWorld, **kw: Any) -> OfferTerms:
    values: dict[str, Any] = {
        "position": "销售代表",
        "start_date": date(2027, 1, 18),
        "approver_id": world.manager.pk,
        "salary": "P5 · 月薪 15000",
        "medical_at": MEDICAL_AT,
        "medical_place": "上海市徐汇区体检中心",
        "medical_materials": "身份证、一寸照片两张",
    }
    return OfferTerms(**{**values, **kw})


def offered(world: ReviewWorld, name: str = "李雷", email: str = EMAIL, **kw: Any) -> Offer:
    """An application decided "offer" with the terms proposed; the Offer waits for approval."""
    session = analysed_interview(world, name, **kw)
    application = session.application
    if email:
        candidate_update(actor=world.hr, candidate=application.candidate, data={"email": email})
    ai = kw.get("scores") or {}
    # One point above the AI's (6.0 unless given): a person's view, within the override gap.
    rating = {code: min(10, round(ai.get(code, 6.0)) + 1) for code in CODES}
    rating_save(actor=world.hr, session=session, scores=rating, reasons={}, submit=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        decision_make(actor=world.hr, application=application, kind="offer", offer=terms(world))
    return Offer.objects.get(application=application)


def approved(world: ReviewWorld, offer: Offer) -> Offer:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return offer_approve(actor=world.manager, offer=offer)


def hired(world: ReviewWorld, offer: Offer, number: str = "E0001") -> Offer:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return offer_hire(
            actor=world.hr, offer=offer, hire_date=date(2027, 1, 18), employee_number=number
        )
