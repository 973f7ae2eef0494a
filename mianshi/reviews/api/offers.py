"""Review API: offers — propose (after the "offer" decision), the approver's inbox,
approve, return with a reason, record the hire. Scope candidates:write for writes.

An offer outside the caller's scope answers 404; a person who may not act, 403 (only the
named approver approves); a state that no longer allows it, 409; bad input, 422.
"""

from typing import Any

from ninja import Router, Status

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.candidates.selectors import application_for_write, application_get
from mianshi.compliance.services import audit_read
from mianshi.reviews.api.schemas_offers import HireIn, OfferIn, OfferOut, ReturnIn
from mianshi.reviews.selectors import offers as sel
from mianshi.reviews.services import offers as svc

router = Router(tags=["reviews"])
READ, WRITE = "candidates:read", "candidates:write"


@router.post("/applications/{int:application_id}/offers", response={201: OfferOut})
def propose_offer(request: ApiRequest, application_id: int, payload: OfferIn) -> Any:
    require_scope(request, WRITE)
    application = application_for_write(user=request.user, pk=application_id)
    terms = svc.OfferTerms(**payload.model_dump())
    return Status(201, svc.offer_propose(actor=request.user, application=application, terms=terms))


@router.get("/applications/{int:application_id}/offers", response=list[OfferOut])
def list_offers(request: ApiRequest, application_id: int) -> Any:
    require_scope(request, READ)
    offers = sel.offers_of(application=application_get(user=request.user, pk=application_id))
    audit_read(actor=request.user, action="offer.list", ids=[o.pk for o in offers])
    return offers


@router.get("/offers/to-approve", response=list[OfferOut])
def offers_to_approve(request: ApiRequest) -> Any:
    require_scope(request, READ)
    offers = list(sel.offers_to_approve(user=request.user))
    audit_read(actor=request.user, action="offer.list", ids=[o.pk for o in offers])
    return offers


@router.get("/offers/{int:offer_id}", response=OfferOut)
def get_offer(request: ApiRequest, offer_id: int) -> Any:
    require_scope(request, READ)
    offer = sel.offer_get(user=request.user, pk=offer_id)
    audit_read(actor=request.user, action="offer.view", obj=offer, detail={"page": "api"})
    return offer


@router.post("/offers/{int:offer_id}/approve", response=OfferOut)
def approve_offer(request: ApiRequest, offer_id: int) -> Any:
    require_scope(request, WRITE)
    offer = sel.offer_get(user=request.user, pk=offer_id)
    return svc.offer_approve(actor=request.user, offer=offer)


@router.post("/offers/{int:offer_id}/return", response=OfferOut)
def return_offer(request: ApiRequest, offer_id: int, payload: ReturnIn) -> Any:
    require_scope(request, WRITE)
    offer = sel.offer_get(user=request.user, pk=offer_id)
    return svc.offer_return(actor=request.user, offer=offer, reason=payload.reason)


@router.post("/offers/{int:offer_id}/hire", response=OfferOut)
def hire(request: ApiRequest, offer_id: int, payload: HireIn) -> Any:
    require_scope(request, WRITE)
    offer = sel.offer_get(user=request.user, pk=offer_id)
    return svc.offer_hire(
        actor=request.user, offer=offer, hire_date=payload.hire_date,
        employee_number=payload.employee_number,
    )  # fmt: skip
