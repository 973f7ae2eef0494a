"""Offer to employee with a REAL Celery worker: the approval's notice is mailed by the
worker (reviews.send_feedback), the hire's event is dispatched by it to the archive's
consumer, which creates the employee with its baseline once; a second dispatch of the
same event does nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mianshi.common.tests.real_worker import RealWorkers
from mianshi.employees.models import Baseline, Employee
from mianshi.events.dispatcher import event_dispatch
from mianshi.events.models import Event
from mianshi.reviews.services.offers import offer_approve, offer_hire
from mianshi.reviews.tests.factories import ReviewWorld
from mianshi.reviews.tests.offer_world import EMAIL, offered


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_mails_the_notice_and_files_the_hire_once(
    world: ReviewWorld, smtp: Any, real_workers: RealWorkers
) -> None:
    offer = offered(world)
    real_workers.start()
    offer_approve(actor=world.manager, offer=offer)
    real_workers.wait_until(lambda: smtp.messages, what="the offer notice", timeout=120)
    assert smtp.recipients == [[EMAIL]]
    offer_hire(actor=world.hr, offer=offer, hire_date=dt.date(2027, 1, 18), employee_number="E1")
    employee = real_workers.wait_until(
        lambda: Employee.objects.filter(application_id=offer.application_id).first(),
        what="the worker to create the employee",
        timeout=120,
    )
    assert employee.employee_number == "E1"
    assert Baseline.objects.get(employee=employee).dimensions
    event = Event.objects.get(type="application.stage_changed", data__to_stage="hired")
    event_dispatch(event_id=event.pk)
    assert Employee.objects.count() == 1 and Baseline.objects.count() == 1
    assert Event.objects.filter(type="employee.created").count() == 1
