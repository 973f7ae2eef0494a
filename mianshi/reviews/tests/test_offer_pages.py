"""The offer pages: HR proposes from the application's offer page, the approver finds it
in "offers to approve" and approves or returns it, HR records the hire; refusals are the
page again with the message (400/409), never a 500, and nothing saved."""

from __future__ import annotations

from typing import Any

from django.test import Client

from mianshi.accounts.roles import Role
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import candidate_update
from mianshi.common.tests.support import *  # noqa: F403 (fixtures: smtp, eager, settings)
from mianshi.common.tests.support import Mailbox
from mianshi.interviews.models import InterviewSession
from mianshi.reviews.models import Offer, OfferStatus
from mianshi.reviews.services.decisions import decision_make
from mianshi.reviews.services.ratings import rating_save
from mianshi.reviews.tests.factories import CODES, ReviewWorld, analysed_interview

PROPOSAL = {
    "position": "销售代表", "start_date": "2027-01-18", "salary": "P5",
    "medical_at": "2027-01-08T09:30", "medical_place": "体检中心", "medical_materials": "身份证",
}  # fmt: skip


def _in_approval(world: ReviewWorld, email: str = "li@example.com") -> Any:
    session = analysed_interview(world)
    if email:
        candidate_update(
            actor=world.hr, candidate=session.application.candidate, data={"email": email}
        )
    rating_save(
        actor=world.hr, session=session, scores=dict.fromkeys(CODES, 6), reasons={}, submit=True
    )
    decision_make(actor=world.hr, application=session.application, kind="offer")
    return session.application


def test_propose_approve_and_hire_on_the_pages(
    world: ReviewWorld,
    login: Any,
    smtp: Mailbox,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    app = _in_approval(world)
    hr, manager = login(world.hr), login(world.manager)
    page = hr.get(f"/reviews/applications/{app.pk}/offer/")
    assert page.status_code == 200 and b"data-offer-propose" in page.content
    assert f'value="{world.manager.pk}"'.encode() in page.content
    assert f'value="{world.hr.pk}"'.encode() not in page.content  # not himself
    with django_capture_on_commit_callbacks(execute=True):
        sent = hr.post(
            f"/reviews/applications/{app.pk}/offer/propose/",
            {**PROPOSAL, "approver": world.manager.pk},
        )
    assert sent.status_code == 302
    offer = Offer.objects.get()
    inbox = manager.get("/reviews/offers/")
    assert inbox.status_code == 200 and f'data-offer="{offer.pk}"'.encode() in inbox.content
    assert b"data-offer-approve" in manager.get(f"/reviews/applications/{app.pk}/offer/").content
    assert b"data-offer-approve" not in hr.get(f"/reviews/applications/{app.pk}/offer/").content
    with django_capture_on_commit_callbacks(execute=True):
        assert manager.post(f"/reviews/offers/{offer.pk}/approve/").status_code == 302
    assert len(smtp.messages) == 1
    with django_capture_on_commit_callbacks(execute=True):
        done = hr.post(
            f"/reviews/offers/{offer.pk}/hire/",
            {"hire_date": "2027-01-18", "employee_number": "E7"},
        )
    assert done.status_code == 302
    app.refresh_from_db()
    assert app.stage == Stage.HIRED


def test_refusals_re_render_the_page(world: ReviewWorld, login: Any, make_user: Any) -> None:
    app = _in_approval(world, email="")
    hr = login(world.hr)
    url = f"/reviews/applications/{app.pk}/offer/propose/"
    bad = hr.post(url, {**PROPOSAL, "approver": world.hr.pk})  # not a choice: the form says no
    assert bad.status_code == 400 and not Offer.objects.exists()
    missing = hr.post(url, {**PROPOSAL, "position": "", "approver": world.manager.pk})
    assert missing.status_code == 400 and not Offer.objects.exists()
    hr.post(url, {**PROPOSAL, "approver": world.manager.pk})
    offer = Offer.objects.get()
    again = hr.post(url, {**PROPOSAL, "approver": world.manager.pk})
    assert again.status_code == 409 and Offer.objects.count() == 1
    assert hr.post(f"/reviews/offers/{offer.pk}/approve/").status_code == 403
    manager = login(world.manager)
    assert manager.post(f"/reviews/offers/{offer.pk}/return/", {"reason": ""}).status_code == 400
    assert (
        manager.post(f"/reviews/offers/{offer.pk}/return/", {"reason": "预算"}).status_code == 302
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.RETURNED
    stranger = login(make_user("sz_hr", Role.HR, world.org.sz))
    assert stranger.get(f"/reviews/applications/{app.pk}/offer/").status_code == 404
    assert stranger.post(f"/reviews/offers/{offer.pk}/return/", {"reason": "x"}).status_code == 404
    assert Client().get("/reviews/offers/").status_code == 302  # sign in first


def test_the_workbench_links_the_offer_page(world: ReviewWorld, login: Any) -> None:
    app = _in_approval(world, email="")
    session = InterviewSession.objects.get(application=app)
    page = login(world.hr).get(f"/reviews/interviews/{session.pk}/")
    assert b"data-offer-link" in page.content
