"""The employee as a connector's mapping template reads it: one thin, documented dict.

The connectors' `records.py` asks this module instead of reading our tables, so the
archive can change its models without breaking a customer's template. Built as the
system (the caller checks scope first). Shape, every id an int:

{"employee_id", "employee_number", "org_unit_id", "unit": {"id", "name", "code"},
 "position", "hire_date", "status", "candidate_id", "application_id",
 "external_refs": {"employee": {}, "candidate": {}},
 "baseline": {"policy", "ai", "human", "final", "dimensions": [{"code", "name", "final"}]}
 | None, "updated_at"}

No name, phone or e-mail: an EHR that needs them maps the candidate record.
"""

from __future__ import annotations

from typing import Any

from mianshi.common.external_refs import external_refs_of
from mianshi.employees.models import Baseline, Employee


def _baseline(employee: Employee) -> dict[str, Any] | None:
    found = Baseline.objects.filter(employee=employee).first()
    if found is None:
        return None
    dims = [
        {"code": d.get("code"), "name": d.get("name"), "final": d.get("final")}
        for d in found.dimensions or []
    ]
    return {
        "policy": found.policy, "ai": found.ai_total, "human": found.human_total,
        "final": found.final_total, "dimensions": dims,
    }  # fmt: skip


def _refs(employee: Employee) -> dict[str, dict[str, str]]:
    candidate = employee.candidate
    return {
        "employee": external_refs_of(employee),
        "candidate": external_refs_of(candidate) if candidate is not None else {},
    }


def employee_record(pk: int) -> dict[str, Any] | None:
    """The employee `pk` as a template's source record; None when there is none."""
    employee = Employee.objects.select_related("org_unit", "candidate").filter(pk=pk).first()
    if employee is None:
        return None
    unit = employee.org_unit
    return {
        "employee_id": employee.pk, "employee_number": employee.employee_number,
        "org_unit_id": unit.pk, "unit": {"id": unit.pk, "name": unit.name, "code": unit.code},
        "position": employee.position, "hire_date": employee.hire_date.isoformat(),
        "status": employee.status, "candidate_id": employee.candidate_id,
        "application_id": employee.application_id, "external_refs": _refs(employee),
        "baseline": _baseline(employee), "updated_at": employee.updated_at.isoformat(),
    }  # fmt: skip
