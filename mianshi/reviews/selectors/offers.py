"""Reads of offers: scoped through the application (404 outside), the approver's inbox,
and who may be named approver of a unit (OFFERS_APPROVE there, not the proposer)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from mianshi.accounts.actor import Actor
from mianshi.accounts.models import User
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.candidates.selectors import visible_applications
from mianshi.organisations.scoping import has_cap
from mianshi.reviews.models import Offer, OfferStatus

_RELATED = ("application__candidate", "application__job", "hire_unit", "approver", "proposed_by")


def offers_visible(user: Actor) -> QuerySet[Offer]:
    """Offers on applications `user` may see."""
    return Offer.objects.filter(application__in=visible_applications(user)).select_related(
        *_RELATED
    )


def offer_get(*, user: Actor, pk: int) -> Offer:
    """An offer `user` may see, else 404."""
    return get_object_or_404(offers_visible(user), pk=pk)


def offers_of(*, application: Application) -> list[Offer]:
    """The application's offers, newest first."""
    return list(application.offers.select_related(*_RELATED).order_by("-created_at", "-id"))


def offers_to_approve(*, user: Actor) -> QuerySet[Offer]:
    """The approver's inbox: offers naming `user` that wait for them, oldest first."""
    return (
        offers_visible(user)
        .filter(approver=user, status=OfferStatus.PENDING)
        .order_by("created_at", "id")
    )


def approver_choices(*, unit_id: int, proposer: Actor) -> list[User]:
    """Active users who may approve offers of the unit, the proposer left out (four eyes)."""
    users = User.objects.filter(is_active=True, grants__isnull=False).exclude(pk=proposer.pk)
    return [u for u in users.distinct().order_by("username") if _approves(u, unit_id)]


def _approves(user: User, unit_id: int) -> bool:
    return has_cap(user, Cap.OFFERS_APPROVE, unit_id=unit_id)
