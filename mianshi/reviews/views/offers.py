"""Offer pages (F-72): the application's offer page (propose, approve or return, record
the hire) and the approver's inbox "offers to approve".

Thin: a form checks types, the service decides; a refusal re-renders the page with the
translated message (400/403/409), the fields as typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.selectors import application_for_write, application_get
from mianshi.common.errors import DomainError
from mianshi.compliance.services import audit_read
from mianshi.organisations.scoping import has_cap
from mianshi.reviews.forms_offers import HireForm, OfferForm, ReturnForm
from mianshi.reviews.models import OPEN_OFFER, OfferStatus
from mianshi.reviews.selectors import offers as sel
from mianshi.reviews.selectors.report import person
from mianshi.reviews.services import offers as svc

FORMS = {"propose": OfferForm, "return": ReturnForm, "hire": HireForm}


def _approvers(request: AuthedHttpRequest, application: Application) -> list[tuple[int, str]]:
    users = sel.approver_choices(unit_id=application.org_unit_id, proposer=request.user)
    return [(u.pk, person(u)) for u in users]


def _forms(
    request: AuthedHttpRequest, application: Application, bound: Form | None
) -> dict[str, Form]:
    forms: dict[str, Form] = {
        "propose": OfferForm(approvers=_approvers(request, application)),
        "return": ReturnForm(),
        "hire": HireForm(),
    }
    if bound is not None:
        forms[next(k for k, v in FORMS.items() if isinstance(bound, v))] = bound
    return forms


def _page(
    request: AuthedHttpRequest,
    application: Application,
    *,
    bound: Form | None = None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    offers = sel.offers_of(application=application)
    live = next((o for o in offers if o.status in OPEN_OFFER), None)
    manages = has_cap(request.user, Cap.CANDIDATES_MANAGE, unit_id=application.org_unit_id)
    pending = live is not None and live.status == OfferStatus.PENDING
    context: dict[str, Any] = {
        "application": application,
        "offers": offers,
        "open_offer": live,
        "forms": _forms(request, application, bound),
        "error": error,
        "can_propose": manages and live is None and application.stage == Stage.OFFER_APPROVAL,
        "can_decide": pending and live is not None and live.approver_id == request.user.pk,
        "can_hire": manages and live is not None and live.status == OfferStatus.APPROVED,
    }
    return render(request, "reviews/offer_page.html", context, status=status)


@login_required
@require_GET
def offer_page(request: AuthedHttpRequest, application_id: int) -> HttpResponse:
    """The application's offers and what the reader may do with them (the read of the
    candidate's name and terms is audited like the candidate's page)."""
    application = application_get(user=request.user, pk=application_id)
    audit_read(actor=request.user, action="offer.view", obj=application, detail={"page": "ui"})
    return _page(request, application)


def _refused(
    request: AuthedHttpRequest, application: Application, form: Form, exc: Exception
) -> HttpResponse:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            name = "approver" if field == "approver_id" else field
            form.add_error(name if name in form.fields else None, errors)
        return _page(request, application, bound=form, status=400)
    message = exc.message if isinstance(exc, DomainError) else _("You may not do this.")
    status = exc.status if isinstance(exc, DomainError) else 403
    return _page(request, application, bound=form, status=status, error=str(message))


def _done(application: Application, text: str, request: AuthedHttpRequest) -> HttpResponse:
    messages.success(request, text)
    return redirect(reverse("reviews:offer_page", args=[application.pk]))


@login_required
@require_POST
def offer_propose(request: AuthedHttpRequest, application_id: int) -> HttpResponse:
    application = application_for_write(user=request.user, pk=application_id)
    form = OfferForm(request.POST, approvers=_approvers(request, application))
    if not form.is_valid():
        return _page(request, application, bound=form, status=400)
    data = form.cleaned_data
    terms = svc.OfferTerms(
        position=data["position"], start_date=data["start_date"], approver_id=data["approver"],
        salary=data["salary"], note=data["note"], medical_at=data["medical_at"],
        medical_place=data["medical_place"], medical_materials=data["medical_materials"],
    )  # fmt: skip
    try:
        svc.offer_propose(actor=request.user, application=application, terms=terms)
    except (ValidationError, DomainError) as exc:
        return _refused(request, application, form, exc)
    return _done(application, _("The offer was sent for approval."), request)


def _act(
    request: AuthedHttpRequest, offer_id: int, form: Form, run: Any, text: str
) -> HttpResponse:
    offer = sel.offer_get(user=request.user, pk=offer_id)
    application = offer.application
    if not form.is_valid():
        return _page(request, application, bound=form, status=400)
    try:
        run(offer, form.cleaned_data)
    except (ValidationError, DomainError) as exc:
        return _refused(request, application, form, exc)
    return _done(application, text, request)


@login_required
@require_POST
def offer_approve(request: AuthedHttpRequest, offer_id: int) -> HttpResponse:
    def run(offer: Any, _data: dict[str, Any]) -> None:
        svc.offer_approve(actor=request.user, offer=offer)

    return _act(request, offer_id, ReturnForm({"reason": "-"}), run, _("The offer was approved."))


@login_required
@require_POST
def offer_return(request: AuthedHttpRequest, offer_id: int) -> HttpResponse:
    def run(offer: Any, data: dict[str, Any]) -> None:
        svc.offer_return(actor=request.user, offer=offer, reason=data["reason"])

    return _act(request, offer_id, ReturnForm(request.POST), run, _("The offer was returned."))


@login_required
@require_POST
def offer_hire(request: AuthedHttpRequest, offer_id: int) -> HttpResponse:
    def run(offer: Any, data: dict[str, Any]) -> None:
        svc.offer_hire(actor=request.user, offer=offer, hire_date=data["hire_date"],
                       employee_number=data["employee_number"])  # fmt: skip

    return _act(request, offer_id, HireForm(request.POST), run, _("The hire was recorded."))


@login_required
@require_GET
def offers_to_approve(request: AuthedHttpRequest) -> HttpResponse:
    """The approver's inbox: offers naming the reader that wait for a decision."""
    offers = list(sel.offers_to_approve(user=request.user))
    audit_read(actor=request.user, action="offer.list", ids=[o.pk for o in offers])
    return render(request, "reviews/offer_inbox.html", {"offers": offers})
