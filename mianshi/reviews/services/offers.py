"""Offers (F-72): proposed after the "offer" decision, signed off by a named approver, then
the notices to the candidate and the hire.

Four eyes: the proposer names an approver who holds OFFERS_APPROVE on the unit the hire
joins and is not the proposer; only that person approves or returns. A returned offer
leaves the application in "offer approval": a return is about the terms (salary, start,
position), which the proposer revises and proposes again; sending the candidate to another
round instead is a separate decision the pipeline table already allows from that stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.models import User
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import application_advance
from mianshi.common.errors import Conflict
from mianshi.compliance.services import audit_record
from mianshi.events.services import event_emit
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import has_cap, require_cap, subtree_ids
from mianshi.reviews.models import OPEN_OFFER, Decision, DecisionKind, Offer, OfferStatus
from mianshi.reviews.services.offer_notice import offer_notice_queue

MAX_TEXT = 2000


@dataclass(frozen=True)
class OfferTerms:
    """What the proposer fills in; `hire_unit_id` None = the application's unit."""

    position: str
    start_date: date
    approver_id: int
    hire_unit_id: int | None = None
    salary: str = ""
    note: str = ""
    medical_at: datetime | None = None
    medical_place: str = ""
    medical_materials: str = ""


def _require_manage(actor: Actor, unit_id: int) -> None:
    message = _("You may not manage candidates of this organisation unit.")
    require_cap(actor, Cap.CANDIDATES_MANAGE, unit_id, message)


def _hire_unit(application: Application, unit_id: int | None) -> OrgUnit:
    if unit_id is None:
        return application.org_unit
    if unit_id not in subtree_ids(application.org_unit_id):
        raise ValidationError({"hire_unit_id": _("Choose the job's unit or a unit below it.")})
    return OrgUnit.objects.get(pk=unit_id)


def _approver(actor: Actor, approver_id: int, unit: OrgUnit) -> User:
    if approver_id == actor.pk:
        raise ValidationError({"approver_id": _("Someone else must approve your offer.")})
    approver = User.objects.filter(pk=approver_id, is_active=True).first()
    if approver is None or not has_cap(approver, Cap.OFFERS_APPROVE, unit_id=unit.pk):
        raise ValidationError({"approver_id": _("This person may not approve offers here.")})
    return approver


def _check_text(terms: OfferTerms) -> None:
    errors: dict[str, str] = {}
    if not terms.position.strip():
        errors["position"] = _("Enter the position offered.")
    elif len(terms.position.strip()) > 120:
        errors["position"] = _("The position has at most 120 characters.")
    if len(terms.salary) > 200 or len(terms.medical_place) > 200:
        errors["salary"] = _("Salary and place have at most 200 characters each.")
    if max(len(terms.note), len(terms.medical_materials)) > MAX_TEXT:
        errors["note"] = _("Notes have at most 2000 characters.")
    if errors:
        raise ValidationError(errors)


def _offer_decision(application: Application) -> Decision:
    decision = (
        Decision.objects.filter(application=application, kind=DecisionKind.OFFER)
        .order_by("-created_at", "-id")
        .first()
    )
    if application.stage != Stage.OFFER_APPROVAL or decision is None:
        raise Conflict(_("Decide on an offer first: the application is not in offer approval."))
    if Offer.objects.filter(application=application, status__in=OPEN_OFFER).exists():
        raise Conflict(_("This application already has an offer in approval or approved."))
    return decision


def _audit(actor: Actor | None, offer: Offer, action: str, fields: list[str]) -> None:
    audit_record(
        actor=actor,
        action=f"offer.{action}",
        obj=offer,
        changed_fields=fields,
        detail={"application": offer.application_id, "status": offer.status},
    )


@transaction.atomic
def offer_propose(*, actor: Actor, application: Application, terms: OfferTerms) -> Offer:
    """Propose the offer of an application in "offer approval" to a named approver."""
    _require_manage(actor, application.org_unit_id)
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("org_unit")
        .get(pk=application.pk)
    )
    decision = _offer_decision(locked)
    _check_text(terms)
    unit = _hire_unit(locked, terms.hire_unit_id)
    offer = Offer.objects.create(
        application=locked, decision=decision, org_unit_id=locked.org_unit_id, hire_unit=unit,
        position=terms.position.strip(), salary=terms.salary.strip(), start_date=terms.start_date,
        note=terms.note.strip(), medical_at=terms.medical_at,
        medical_place=terms.medical_place.strip(),
        medical_materials=terms.medical_materials.strip(), proposed_by=actor,
        approver=_approver(actor, terms.approver_id, unit),
    )  # fmt: skip
    _audit(actor, offer, "propose", ["status", "approver", "position", "start_date"])
    return offer


def _lock_pending(actor: Actor, offer: Offer) -> Offer:
    """The offer, locked, when `actor` is its approver and it still waits for them."""
    locked = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("application__candidate", "hire_unit", "decision__session")
        .get(pk=offer.pk)
    )
    if locked.approver_id != actor.pk or locked.proposed_by_id == actor.pk:
        raise PermissionDenied(_("Only the named approver decides on this offer."))
    require_cap(actor, Cap.OFFERS_APPROVE, locked.hire_unit_id, _("You may not approve offers."))
    if locked.status != OfferStatus.PENDING:
        raise Conflict(_("This offer is no longer waiting for approval."))
    return locked


@transaction.atomic
def offer_approve(*, actor: Actor, offer: Offer) -> Offer:
    """Approve: the application moves to "pending onboarding" and the candidate gets the
    offer and medical-check notices after the commit."""
    locked = _lock_pending(actor, offer)
    locked.status, locked.decided_at = OfferStatus.APPROVED, timezone.now()
    locked.save(update_fields=["status", "decided_at", "updated_at"])
    # The approver may not manage candidates (a department manager): the move is the
    # system's on the approver's behalf; the offer's audit names the approver.
    reason = _("Offer approved")
    application_advance(
        actor=None, application=locked.application, to_stage=Stage.PENDING_ONBOARDING, reason=reason
    )
    offer_notice_queue(locked)
    data = {"offer_id": locked.pk, "application_id": locked.application_id, "approver_id": actor.pk}
    event_emit(type="offer.approved", data=data, org_unit_id=locked.org_unit_id)
    _audit(actor, locked, "approve", ["status"])
    offer.status = locked.status
    return locked


@transaction.atomic
def offer_return(*, actor: Actor, offer: Offer, reason: str) -> Offer:
    """Return the offer to its proposer with a reason; the application stays in approval."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": _("Give the reason for returning the offer.")})
    if len(text) > MAX_TEXT:
        raise ValidationError({"reason": _("The reason has at most 2000 characters.")})
    locked = _lock_pending(actor, offer)
    locked.status, locked.decided_at = OfferStatus.RETURNED, timezone.now()
    locked.return_reason = text
    locked.save(update_fields=["status", "decided_at", "return_reason", "updated_at"])
    _audit(actor, locked, "return", ["status", "return_reason"])
    offer.status = locked.status
    return locked


def _check_hire(offer: Offer, hire_date: date | None, employee_number: str) -> str:
    number = (employee_number or "").strip()
    errors: dict[str, str] = {}
    if not number or len(number) > 40:
        errors["employee_number"] = _("Enter the employee number (at most 40 characters).")
    elif Offer.objects.filter(employee_number=number).exclude(pk=offer.pk).exists():
        errors["employee_number"] = _("This employee number is already taken.")
    if hire_date is None:
        errors["hire_date"] = _("Enter the hire date.")
    if errors:
        raise ValidationError(errors)
    return number


@transaction.atomic
def offer_hire(
    *, actor: Actor, offer: Offer, hire_date: date | None, employee_number: str
) -> Offer:
    """Record the hire: "pending onboarding" → "hired"; the employee archive follows."""
    _require_manage(actor, offer.org_unit_id)
    locked = Offer.objects.select_for_update(of=("self",)).get(pk=offer.pk)
    if locked.status != OfferStatus.APPROVED:
        raise Conflict(_("Only an approved offer can become a hire."))
    number = _check_hire(locked, hire_date, employee_number)
    locked.status, locked.hire_date, locked.employee_number = OfferStatus.HIRED, hire_date, number
    locked.hired_by = actor
    locked.save(update_fields=["status", "hire_date", "employee_number", "hired_by", "updated_at"])
    application_advance(
        actor=actor, application=locked.application, to_stage=Stage.HIRED, reason=_("Hired")
    )
    _audit(actor, locked, "hire", ["status", "hire_date", "employee_number"])
    offer.status = locked.status
    return locked
