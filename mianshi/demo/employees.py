"""The demo's employee archive: the hire of 林晓东, whose interview the demo recorded through
the server and the worker analysed, with a year of performance ratings on the timeline.

Nothing here writes an analysis: the hire follows the real interview (`demo_interviews`
calls `hire()` once the analysis and 面试官 赵磊's rating are in). The offer decision,
approval by the sales manager, the hire, the employee with its frozen baseline, the
performance scale and the ratings all go through the services, so the archive, the events
and the HR-JSON push to the stand-in EHR are the product's own. Calling it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from mianshi.accounts.models import User
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import Stage
from mianshi.employees.models import Employee, PerformanceScale
from mianshi.employees.services.employees import employee_from_hire
from mianshi.employees.services.posthire import posthire_record
from mianshi.employees.services.scales import DEFAULT_GRADES
from mianshi.organisations.models import OrgUnit
from mianshi.reviews.services.decisions import decision_make
from mianshi.reviews.services.offers import OfferTerms, offer_approve, offer_hire

NUMBER = "SH-2027-001"
RATINGS = [("2027-Q1", "A"), ("2027-Q2", "B"), ("2027-Q3", "S")]
START = dt.date(2027, 1, 4)


def _offer(application: Application, hr: User, manager: User) -> None:
    """HR offers (the interview is analysed and rated), the sales manager approves, HR hires."""
    terms = OfferTerms(
        position=application.job.title, start_date=START, approver_id=manager.pk,
        salary="P5", medical_place="上海市徐汇区体检中心", medical_materials="身份证、一寸照片",
    )  # fmt: skip
    reason = "AI 评分与面试官评分一致，建议录用。"
    decision_make(actor=hr, application=application, kind="offer", reason=reason, offer=terms)
    offer = application.offers.get()
    offer_approve(actor=manager, offer=offer)
    offer_hire(actor=hr, offer=offer, hire_date=START, employee_number=NUMBER)


def _ratings(employee: Employee, hr: User) -> None:
    PerformanceScale.objects.get_or_create(
        org_unit=OrgUnit.objects.get(code="sh"),
        defaults={"name": "年度绩效 S/A/B/C/D", "grades": DEFAULT_GRADES},
    )
    for n, (period, grade) in enumerate(RATINGS):
        data = {"kind": "performance", "period": period, "value": grade,
                "date": dt.date(2027, 3 * (n + 1), 28), "record_id": f"demo-{period}"}  # fmt: skip
        posthire_record(actor=hr, employee=employee, data=data)


@transaction.atomic
def hire(application: Application) -> Employee | None:
    """Hire the analysed and rated demo candidate of `application` (made once); None while
    the interview is not yet where the product allows an offer (AI scored)."""
    existing = Employee.objects.filter(employee_number=NUMBER).first()
    if existing is not None:
        return existing
    application.refresh_from_db()
    if application.stage != Stage.AI_SCORED:
        return None
    hr, manager = User.objects.get(username="hr_sh"), User.objects.get(username="mgr_sh_sales")
    _offer(application, hr, manager)
    # The outbox's consumer makes the same employee when the worker runs; this call only
    # makes sure the demo has it at once (the second of the two finds it).
    employee = employee_from_hire(application_id=application.pk, actor_id=hr.pk)
    _ratings(employee, hr)
    return employee
