"""The archive is filled from the outbox (F-92): one employee per hired application, its
interview baseline equal to what the workbench shows, and the report sealed on disk."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.http import Http404

from mianshi.accounts.roles import Role
from mianshi.compliance.models import AuditEvent
from mianshi.employees.consumers import hire as hire_consumer
from mianshi.employees.models import Baseline, Employee
from mianshi.employees.selectors import employee_get
from mianshi.employees.services.baseline import baseline_freeze, baseline_report_download
from mianshi.employees.tests.world import hire
from mianshi.events.models import Event
from mianshi.organisations.scoping import forget_scopes
from mianshi.reviews.models import InterviewScore
from mianshi.reviews.selectors.workbench import workbench_get, workbench_session
from mianshi.reviews.tests.factories import ReviewWorld

SCORES = {"communication": 8.0, "customer_focus": 5.0, "problem_solving": 3.0}


def test_a_hire_creates_one_employee_even_when_the_consumer_runs_twice(world: ReviewWorld) -> None:
    employee = hire(world, scores=SCORES)
    assert (employee.employee_number, employee.position) == ("E0001", "销售代表")
    assert employee.org_unit == world.job.org_unit and employee.status == "probation"
    event = Event.objects.filter(type="application.stage_changed", data__to_stage="hired").get()
    hire_consumer(event)
    hire_consumer(event)
    assert Employee.objects.count() == 1 and Baseline.objects.count() == 1
    created = Event.objects.filter(type="employee.created").get()
    assert (
        created.data["employee_id"] == employee.pk and created.org_unit_id == employee.org_unit_id
    )


def test_the_baseline_equals_the_workbench(world: ReviewWorld) -> None:
    employee = hire(world, scores=SCORES)
    baseline = employee.baseline
    assert baseline.session_id is not None
    session = workbench_session(user=world.hr, session_id=baseline.session_id)
    wb = workbench_get(user=world.hr, session=session)
    score = InterviewScore.objects.get(session=session)
    assert baseline.ai_total == score.ai_total and baseline.final_total == score.final_total
    assert baseline.human_total == score.human_total is not None
    shown = {d.code: d for d in wb.dimensions}
    frozen = {d["code"]: d for d in baseline.dimensions}
    assert set(frozen) == set(shown)
    human = {d["code"]: d["score"] for d in score.human_dimensions}
    for code, d in shown.items():
        assert frozen[code]["ai"] == d.score is not None
        assert frozen[code]["human"] == human[code] is not None
        assert frozen[code]["final"] == round((d.score + human[code]) / 2, 2)  # "average"
    assert all(d["evidence"] and d["evidence"][0]["quote"] for d in baseline.dimensions)
    assert baseline.growth_areas[0]["code"] == "problem_solving"


def test_the_report_is_sealed_and_its_download_audited(world: ReviewWorld) -> None:
    employee = hire(world, scores=SCORES)
    path = employee.baseline.report_path
    with default_storage.open(path, "rb") as stored:
        assert not stored.read().startswith(b"%PDF")  # encrypted at rest
    pdf, name = baseline_report_download(actor=world.hr, employee=employee)
    assert pdf.startswith(b"%PDF") and name.endswith("E0001.pdf")
    assert AuditEvent.objects.filter(action="employee.baseline_report_download").exists()


def test_another_branch_sees_nothing(world: ReviewWorld, make_user: Any) -> None:
    employee = hire(world)
    stranger = make_user("sz_hr", Role.HR, world.org.sz)
    with pytest.raises(Http404):
        employee_get(user=stranger, pk=employee.pk)
    assert employee_get(user=world.manager, pk=employee.pk) == employee


def test_a_hirer_who_lost_sight_still_leaves_the_scores_frozen(world: ReviewWorld) -> None:
    employee = hire(world, scores=SCORES)
    session = employee.baseline.session
    employee.baseline.delete()
    employee.refresh_from_db()
    world.hr.grants.all().delete()
    forget_scopes(world.hr)
    baseline = baseline_freeze(employee=employee, session=session, reader=world.hr)
    assert baseline.final_total is not None and len(baseline.dimensions) == 3
    assert baseline.report_path == ""
