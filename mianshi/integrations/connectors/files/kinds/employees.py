"""Importing employee changes and post-hire records from a file, through the employees app.

Employees are created by the hire itself (employees' consumer of the move to 已入职), so a
file changes existing ones: a row names the employee by number and sets the position or
the status (employee_update writes it: audit, timeline, employee.updated). A post-hire row
(performance rating, probation result, training, promotion, leave) goes through
posthire_record — the one rule every way in shares — with the file as its source; a
record id already imported from a file is skipped by that service, and reported here as a
warning, so sending the same file twice records nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mianshi.employees import selectors as esel
from mianshi.employees.models import Employee, EmployeeStatus, PostHireRecord, RecordSource
from mianshi.employees.services.employees import employee_update
from mianshi.employees.services.posthire import FIELDS, posthire_clean, posthire_record
from mianshi.integrations.connectors.files.kinds.base import (
    BatchProblem,
    ExportSource,
    ImportContext,
    Problems,
    field_problems,
    text,
)

EMPLOYEE_TARGETS = {"employee_number": True, "position": False, "status": False}
POST_HIRE_TARGETS = {"employee_number": True, **{name: False for name in FIELDS}}
SOURCE = RecordSource.EXCEL  # the employees app's source for an uploaded file


class _Employees:
    """The employees a row may name: visible, and managed by the importer."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.seen: dict[str, int] = {}

    def get(self, args: dict[str, Any], problems: Problems) -> Employee | None:
        number = text(args.get("employee_number"))
        found = esel.employees_visible(self.ctx.actor).filter(employee_number=number).first()
        if found is None or not esel.can_manage(user=self.ctx.actor, employee=found):
            problems.append(("employee_number", _("No such employee, or not one you manage.")))
            return None
        return found

    def repeated(self, row: int, key: str, field: str, message: str) -> Problems:
        first = self.seen.setdefault(key, row) if key else row
        return [] if first == row else [(field, message % {"row": first})]


class EmployeeImporter(_Employees):
    """Position and status changes of existing employees."""

    def clean(self, args: dict[str, Any]) -> tuple[dict[str, Any] | None, Problems]:
        problems: Problems = []
        employee = self.get(args, problems)
        data = {k: text(args.get(k)) for k in ("position", "status") if text(args.get(k))}
        if "status" in data and data["status"] not in EmployeeStatus.values:
            problems.append(("status", _("Unknown employee status.")))
        if len(data.get("position", "")) > 120:
            problems.append(("position", _("Enter the position (at most 120 characters).")))
        return (None, problems) if problems else ({"employee": employee, "data": data}, [])

    def duplicates(self, row: int, cleaned: dict[str, Any]) -> Problems:
        message = _("The same employee is on row %(row)s of this file.")
        return self.repeated(row, cleaned["employee"].employee_number, "employee_number", message)

    def check_batch(self, batch: list[tuple[int, Any]]) -> list[BatchProblem]:
        return []

    def write(self, cleaned: dict[str, Any]) -> int:
        employee_update(actor=self.ctx.actor, employee=cleaned["employee"], data=cleaned["data"])
        return 1


class PostHireImporter(_Employees):
    """Performance, probation, training, promotion and leave records."""

    def clean(self, args: dict[str, Any]) -> tuple[dict[str, Any] | None, Problems]:
        problems: Problems = []
        employee = self.get(args, problems)
        data = {k: args[k] for k in FIELDS if args.get(k) not in (None, "")}
        if employee is not None:
            try:
                posthire_clean(employee, data)
            except ValidationError as exc:
                problems.extend(field_problems(exc))
        return (None, problems) if problems else ({"employee": employee, "data": data}, [])

    def duplicates(self, row: int, cleaned: dict[str, Any]) -> Problems:
        message = _("The same record id is on row %(row)s of this file.")
        return self.repeated(row, text(cleaned["data"].get("record_id")), "record_id", message)

    def check_batch(self, batch: list[tuple[int, Any]]) -> list[BatchProblem]:
        ids = {text(c["data"].get("record_id")): row for row, c in batch}
        ids.pop("", None)
        known = PostHireRecord.objects.filter(source=SOURCE, source_record_id__in=ids)
        message = _("Already imported from a file: this row will be skipped.")
        found = set(known.values_list("source_record_id", flat=True))
        return [BatchProblem(ids[k], [("record_id", message)], "warning") for k in found]

    def write(self, cleaned: dict[str, Any]) -> int:
        _record, created = posthire_record(
            actor=self.ctx.actor, employee=cleaned["employee"], data=cleaned["data"], source=SOURCE
        )
        return int(created)


# --- exports -----------------------------------------------------------------------------

EMPLOYEE_COLUMNS = [
    "employee_number", "name", "org_unit", "position", "hire_date", "status", "candidate_id",
]  # fmt: skip
POST_HIRE_COLUMNS = [
    "employee_number", "kind", "period", "date", "value", "score", "probation_result",
    "training_name", "training_hours", "new_position", "leave_type", "note", "record_id",
    "source", "created_at",
]  # fmt: skip


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def employee_export(actor: Any, unit_ids: frozenset[int] | None) -> ExportSource:
    """Employees the user may see (EMPLOYEES_VIEW, the employees app's rule), by number."""
    qs = esel.employees_visible(actor).select_related("candidate").order_by("employee_number")
    if unit_ids is not None:
        qs = qs.filter(org_unit_id__in=unit_ids)
    rows = (_employee(e) for e in qs.iterator(chunk_size=1000))
    return ExportSource(EMPLOYEE_COLUMNS, qs.count(), rows)


def _employee(e: Employee) -> dict[str, Any]:
    return {
        "employee_number": e.employee_number, "name": e.candidate.name if e.candidate else "",
        "org_unit": e.org_unit.code, "position": e.position, "hire_date": _iso(e.hire_date),
        "status": e.status, "candidate_id": e.candidate_id,
    }  # fmt: skip


def post_hire_export(actor: Any, unit_ids: frozenset[int] | None) -> ExportSource:
    """Post-hire records of the employees the user may see, oldest first."""
    visible = esel.employees_visible(actor)
    qs = PostHireRecord.objects.filter(employee__in=visible.values("pk")).order_by("pk")
    if unit_ids is not None:
        qs = qs.filter(org_unit_id__in=unit_ids)
    qs = qs.select_related("employee")
    return ExportSource(POST_HIRE_COLUMNS, qs.count(), (_record(r) for r in qs.iterator(1000)))


def _record(r: PostHireRecord) -> dict[str, Any]:
    return {
        "employee_number": r.employee.employee_number, "kind": r.kind, "period": r.period,
        "date": _iso(r.date), "value": r.raw_value, "score": r.score,
        "probation_result": r.probation_result, "training_name": r.training_name,
        "training_hours": None if r.training_hours is None else str(r.training_hours),
        "new_position": r.new_position, "leave_type": r.leave_type, "note": r.note,
        "record_id": r.source_record_id, "source": r.source, "created_at": _iso(r.created_at),
    }  # fmt: skip
