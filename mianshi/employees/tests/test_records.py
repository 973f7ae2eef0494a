"""The employee record connectors map: its documented keys, the baseline summary, the
EHR's ids, and no identifier in clear."""

from __future__ import annotations

import pytest

from mianshi.common.external_refs import external_refs_set
from mianshi.employees.records import employee_record
from mianshi.employees.tests.world import hire
from mianshi.integrations.connectors.records import RecordMissing, record_build
from mianshi.reviews.tests.factories import ReviewWorld

pytestmark = pytest.mark.django_db

KEYS = {
    "employee_id", "employee_number", "org_unit_id", "unit", "position", "hire_date",
    "status", "candidate_id", "application_id", "external_refs", "baseline", "updated_at",
}  # fmt: skip


def test_a_hire_becomes_a_thin_documented_record(world: ReviewWorld) -> None:
    employee = hire(world, number="E0007")
    external_refs_set(obj=employee, refs={"successfactors": "SF-7"})
    record = employee_record(employee.pk)
    assert record is not None and set(record) == KEYS
    assert (record["employee_number"], record["hire_date"]) == ("E0007", "2027-01-18")
    assert record["unit"]["code"] == employee.org_unit.code
    assert record["candidate_id"] == employee.candidate_id
    assert record["external_refs"]["employee"] == {"successfactors": "SF-7"}
    baseline = employee.baseline
    assert record["baseline"]["final"] == baseline.final_total
    assert [d["code"] for d in record["baseline"]["dimensions"]] == [
        d["code"] for d in baseline.dimensions
    ]
    assert "李雷" not in str(record)


def test_the_connectors_read_it_through_their_builder(world: ReviewWorld) -> None:
    employee = hire(world)
    assert record_build(kind="employee", object_id=employee.pk)["kind"] == "employee"
    assert employee_record(employee.pk + 1000) is None
    with pytest.raises(RecordMissing):
        record_build(kind="employee", object_id=employee.pk + 1000)
