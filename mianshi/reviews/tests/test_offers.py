"""Offers (F-72): four eyes, approval with the notices, return with a reason, the hire.
Every refusal leaves nothing behind; the mail goes through a real SMTP server."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mianshi.accounts.roles import Role
from mianshi.candidates.models import ApplicationTransition
from mianshi.candidates.pipeline import Stage
from mianshi.common.errors import Conflict
from mianshi.common.tests.support import *  # noqa: F403 (fixtures: smtp, eager, settings)
from mianshi.common.tests.support import Mailbox
from mianshi.compliance.models import AuditEvent
from mianshi.events.models import Event
from mianshi.organisations.scoping import forget_scopes
from mianshi.reviews.models import Decision, FeedbackStatus, Offer, OfferStatus
from mianshi.reviews.services.decisions import decision_make
from mianshi.reviews.services.offers import offer_approve, offer_propose, offer_return
from mianshi.reviews.services.ratings import rating_save
from mianshi.reviews.tests.factories import CODES, ReviewWorld, analysed_interview
from mianshi.reviews.tests.offer_world import EMAIL, approved, hired, offered, terms


def _counts(offer: Offer) -> tuple[int, ...]:
    app = offer.application
    return (
        Offer.objects.count(),
        ApplicationTransition.objects.filter(application=app).count(),
        AuditEvent.objects.count(),
        Event.objects.count(),
    )


def test_an_offer_decision_proposes_the_offer_and_emits_decision_made(
    world: ReviewWorld, eager: None
) -> None:
    offer = offered(world)
    assert offer.status == OfferStatus.PENDING and offer.approver == world.manager
    assert offer.proposed_by == world.hr and offer.hire_unit == world.job.org_unit
    assert offer.application.stage == Stage.OFFER_APPROVAL
    event = Event.objects.filter(type="decision.made").get()
    assert event.data["kind"] == "offer" and event.data["to_stage"] == Stage.OFFER_APPROVAL
    assert event.data["application_id"] == offer.application_id
    assert event.org_unit_id == offer.application.org_unit_id
    assert AuditEvent.objects.filter(action="offer.propose", object_id=str(offer.pk)).exists()


def test_approval_moves_to_onboarding_and_sends_both_notices(
    world: ReviewWorld, smtp: Mailbox, eager: None
) -> None:
    offer = approved(world, offered(world))
    offer.application.refresh_from_db()
    assert offer.status == OfferStatus.APPROVED and offer.decided_at
    assert offer.application.stage == Stage.PENDING_ONBOARDING
    assert len(smtp.messages) == 1 and smtp.recipients[0] == [EMAIL]
    text, _html = smtp.bodies()
    assert "Offer notice" in text and "Medical check notice" in text
    assert "上海市徐汇区体检中心" in text and "身份证、一寸照片两张" in text
    assert "9:30" in text or "09:30" in text  # the check's time, local (Asia/Shanghai)
    decision = Decision.objects.get(pk=offer.decision_id)
    assert decision.feedback_status == FeedbackStatus.SENT
    event = Event.objects.filter(type="offer.approved").get()
    assert event.data == {
        "offer_id": offer.pk,
        "application_id": offer.application_id,
        "approver_id": world.manager.pk,
    }
    assert AuditEvent.objects.filter(action="offer.approve", actor=world.manager).exists()


def test_the_proposer_cannot_name_himself(world: ReviewWorld, make_user: Any) -> None:
    session = analysed_interview(world)
    boss = make_user("boss", Role.HR_ADMIN, world.org.sh)  # may approve offers, not his own
    _rate_and_decide(world, session)
    before = Offer.objects.count()
    with pytest.raises(ValidationError) as refused:
        offer_propose(
            actor=boss, application=session.application, terms=terms(world, approver_id=boss.pk)
        )
    assert "approver_id" in refused.value.message_dict and Offer.objects.count() == before


def _rate_and_decide(world: ReviewWorld, session: Any) -> None:
    rating_save(
        actor=world.hr, session=session, scores=dict.fromkeys(CODES, 7), reasons={}, submit=True
    )
    decision_make(actor=world.hr, application=session.application, kind="offer")


def test_an_approver_without_the_capability_is_refused(world: ReviewWorld, make_user: Any) -> None:
    session = analysed_interview(world)
    _rate_and_decide(world, session)
    other_hr = make_user("hr2", Role.HR, world.org.sh)  # may manage candidates, not approve
    far_manager = make_user("sz_mgr", Role.DEPT_MANAGER, world.org.sz)
    for approver in (other_hr, far_manager):
        with pytest.raises(ValidationError) as refused:
            offer_propose(
                actor=world.hr, application=session.application,
                terms=terms(world, approver_id=approver.pk),
            )  # fmt: skip
        assert "approver_id" in refused.value.message_dict
    assert not Offer.objects.exists()


def test_only_the_named_approver_decides(world: ReviewWorld, make_user: Any) -> None:
    offer = offered(world)
    other_manager = make_user("mgr2", Role.DEPT_MANAGER, world.org.sh)
    before = _counts(offer)
    for actor in (other_manager, world.hr):
        with pytest.raises(PermissionDenied):
            offer_approve(actor=actor, offer=offer)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING and _counts(offer) == before


def test_an_approver_who_lost_the_grant_is_refused(world: ReviewWorld) -> None:
    offer = offered(world)
    world.manager.grants.all().delete()
    forget_scopes(world.manager)
    with pytest.raises(PermissionDenied):
        approved(world, offer)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING


def test_a_returned_offer_keeps_the_application_in_approval_and_can_be_proposed_again(
    world: ReviewWorld, smtp: Mailbox, eager: None
) -> None:
    offer = offered(world)
    with pytest.raises(ValidationError):
        offer_return(actor=world.manager, offer=offer, reason="  ")
    offer_return(actor=world.manager, offer=offer, reason="薪资超出预算，请调整")
    offer.refresh_from_db()
    offer.application.refresh_from_db()
    assert offer.status == OfferStatus.RETURNED and offer.return_reason == "薪资超出预算，请调整"
    assert offer.application.stage == Stage.OFFER_APPROVAL and smtp.messages == []
    with pytest.raises(Conflict):
        offer_return(actor=world.manager, offer=offer, reason="again")
    again = offer_propose(
        actor=world.hr, application=offer.application, terms=terms(world, salary="P5 · 14000")
    )
    assert again.status == OfferStatus.PENDING and again.decision_id == offer.decision_id
    with pytest.raises(Conflict):  # one open offer at a time
        offer_propose(actor=world.hr, application=offer.application, terms=terms(world))


def test_the_hire_moves_to_hired_with_number_and_date(world: ReviewWorld, eager: None) -> None:
    offer = hired(world, approved(world, offered(world, email="")))
    offer.application.refresh_from_db()
    assert offer.application.stage == Stage.HIRED and offer.status == OfferStatus.HIRED
    assert offer.employee_number == "E0001" and offer.hire_date == date(2027, 1, 18)
    assert AuditEvent.objects.filter(action="offer.hire", actor=world.hr).exists()


def test_a_hire_needs_an_approved_offer_and_a_free_number(world: ReviewWorld, eager: None) -> None:
    pending = offered(world)
    with pytest.raises(Conflict):
        hired(world, pending)
    first = hired(world, approved(world, offered(world, "韩梅梅", email="")))
    second = approved(world, pending)
    before = _counts(second)
    with pytest.raises(ValidationError) as refused:
        hired(world, second, number=first.employee_number)
    assert "employee_number" in refused.value.message_dict and _counts(second) == before
    second.refresh_from_db()
    assert second.status == OfferStatus.APPROVED


def test_an_offer_needs_the_offer_decision_first(world: ReviewWorld) -> None:
    session = analysed_interview(world)
    with pytest.raises(Conflict):
        offer_propose(actor=world.hr, application=session.application, terms=terms(world))
    assert not Offer.objects.exists()


def test_bad_terms_are_refused_and_nothing_is_saved(world: ReviewWorld) -> None:
    session = analysed_interview(world)
    _rate_and_decide(world, session)
    app = session.application
    for bad in ({"position": " "}, {"hire_unit_id": world.org.sz.pk}, {"note": "x" * 2001}):
        with pytest.raises(ValidationError):
            offer_propose(actor=world.hr, application=app, terms=terms(world, **bad))
    assert not Offer.objects.exists()


def test_a_refused_decision_writes_no_event(world: ReviewWorld) -> None:
    session = analysed_interview(world)  # no human rating: an offer is refused
    with pytest.raises(Conflict):
        decision_make(actor=world.hr, application=session.application, kind="offer")
    assert not Event.objects.filter(type="decision.made").exists()
    with pytest.raises(ValidationError):  # bad terms refuse the whole decision
        rating_save(
            actor=world.hr, session=session, scores=dict.fromkeys(CODES, 6), reasons={},
            submit=True,
        )  # fmt: skip
        decision_make(
            actor=world.hr, application=session.application, kind="offer",
            offer=terms(world, approver_id=world.hr.pk),
        )  # fmt: skip
    session.application.refresh_from_db()
    assert session.application.stage == Stage.AI_SCORED
    assert not Event.objects.filter(type="decision.made").exists() and not Decision.objects.exists()
