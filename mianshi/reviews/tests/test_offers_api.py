"""Offers through the API: propose, the approver's inbox, approve/return, the hire;
403 for anyone but the named approver, 404 for another branch, 409/422 for the rest."""

from __future__ import annotations

from typing import Any

from mianshi.accounts.roles import Role
from mianshi.candidates.pipeline import Stage
from mianshi.common.tests.support import *  # noqa: F403 (fixtures: smtp, eager, settings)
from mianshi.compliance.models import AuditEvent
from mianshi.reviews.models import Offer, OfferStatus
from mianshi.reviews.services.decisions import decision_make
from mianshi.reviews.services.ratings import rating_save
from mianshi.reviews.tests.factories import CODES, ReviewWorld, analysed_interview

SCOPES = ["candidates:read", "candidates:write"]


def _in_approval(world: ReviewWorld) -> Any:
    session = analysed_interview(world)
    rating_save(
        actor=world.hr, session=session, scores=dict.fromkeys(CODES, 6), reasons={}, submit=True
    )
    decision_make(actor=world.hr, application=session.application, kind="offer")
    return session.application


def _terms(world: ReviewWorld, **kw: Any) -> dict[str, Any]:
    body = {
        "position": "销售代表", "start_date": "2027-01-18", "approver_id": world.manager.pk,
        "medical_at": "2027-01-08T09:30:00+08:00", "medical_place": "体检中心",
        "medical_materials": "身份证",
    }  # fmt: skip
    return {**body, **kw}


def test_propose_approve_and_hire_through_the_api(
    world: ReviewWorld, api_for: Any, eager: None
) -> None:
    app = _in_approval(world)
    hr, manager = api_for(world.hr, SCOPES), api_for(world.manager, SCOPES)
    proposed = hr.post(f"/reviews/applications/{app.pk}/offers", _terms(world))
    assert proposed.status_code == 201, proposed.content
    offer_id = proposed.json()["id"]
    assert [o["id"] for o in manager.get("/reviews/offers/to-approve").json()] == [offer_id]
    assert hr.get("/reviews/offers/to-approve").json() == []
    assert hr.post(f"/reviews/offers/{offer_id}/approve", {}).status_code == 403
    approved = manager.post(f"/reviews/offers/{offer_id}/approve", {})
    assert approved.status_code == 200 and approved.json()["status"] == OfferStatus.APPROVED
    assert manager.post(f"/reviews/offers/{offer_id}/approve", {}).status_code == 409
    body = {"hire_date": "2027-01-18", "employee_number": "E0042"}
    assert manager.post(f"/reviews/offers/{offer_id}/hire", body).status_code == 403
    hired = hr.post(f"/reviews/offers/{offer_id}/hire", body)
    assert hired.status_code == 200 and hired.json()["employee_number"] == "E0042"
    app.refresh_from_db()
    assert app.stage == Stage.HIRED


def test_refusals_through_the_api(
    world: ReviewWorld, api_for: Any, make_user: Any, eager: None
) -> None:
    app = _in_approval(world)
    hr = api_for(world.hr, SCOPES)
    url = f"/reviews/applications/{app.pk}/offers"
    assert hr.post(url, _terms(world, approver_id=world.hr.pk)).status_code == 422  # four eyes
    assert hr.post(url, _terms(world, approver_id=world.interviewer.pk)).status_code == 422
    assert hr.post(url, _terms(world, surprise=1)).status_code == 422
    assert not Offer.objects.exists()
    stranger = api_for(make_user("sz_hr", Role.HR, world.org.sz), SCOPES)
    assert stranger.post(url, _terms(world)).status_code == 404
    offer_id = hr.post(url, _terms(world)).json()["id"]
    assert stranger.get(f"/reviews/offers/{offer_id}").status_code == 404
    assert stranger.post(f"/reviews/offers/{offer_id}/approve", {}).status_code == 404
    assert hr.post(url, _terms(world)).status_code == 409  # one open offer at a time
    manager = api_for(world.manager, SCOPES)
    assert manager.post(f"/reviews/offers/{offer_id}/return", {"reason": ""}).status_code == 422
    returned = manager.post(f"/reviews/offers/{offer_id}/return", {"reason": "薪资请再议"})
    assert returned.status_code == 200 and returned.json()["status"] == OfferStatus.RETURNED
    reader = api_for(world.manager, ["candidates:read"])
    assert reader.post(f"/reviews/offers/{offer_id}/approve", {}).status_code == 403


def test_reads_of_offers_are_audited(world: ReviewWorld, api_for: Any, login: Any) -> None:
    app = _in_approval(world)
    hr = api_for(world.hr, SCOPES)
    offer_id = hr.post(f"/reviews/applications/{app.pk}/offers", _terms(world)).json()["id"]
    assert hr.get(f"/reviews/offers/{offer_id}").status_code == 200
    assert AuditEvent.objects.filter(action="offer.view", actor=world.hr).exists()
    hr.get(f"/reviews/applications/{app.pk}/offers")
    listed = AuditEvent.objects.filter(action="offer.list").get()
    assert listed.detail["ids"] == [offer_id]
    login(world.manager).get(f"/reviews/applications/{app.pk}/offer/")
    assert AuditEvent.objects.filter(action="offer.view", actor=world.manager).exists()
