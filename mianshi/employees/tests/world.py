"""Test data for the archive: a hire made through the real offer flow, so the outbox's
consumer creates the employee exactly as in production."""

from __future__ import annotations

from typing import Any

from mianshi.employees.models import Employee
from mianshi.reviews.tests.factories import ReviewWorld
from mianshi.reviews.tests.offer_world import approved, hired, offered


def hire(world: ReviewWorld, name: str = "李雷", number: str = "E0001", **kw: Any) -> Employee:
    """An interviewed, rated, offered, approved and hired candidate's employee."""
    offer = hired(world, approved(world, offered(world, name, email="", **kw)), number=number)
    return Employee.objects.get(application_id=offer.application_id)
