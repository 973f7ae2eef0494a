"""Reads of the employee archive, scoped like candidates: EMPLOYEES_VIEW on the employee's
unit, anything else 404; and the timeline, built from the hire, the changes and the
post-hire records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.common.external_refs import external_ref_ids
from mianshi.employees.models import (
    Baseline,
    Employee,
    EmployeeStatus,
    InboundSource,
    PerformanceScale,
    PostHireKind,
    PostHireRecord,
)
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import has_cap, scope


def employees_visible(user: Actor) -> QuerySet[Employee]:
    """The employees whose unit lies where `user` holds EMPLOYEES_VIEW."""
    return scope(Employee.objects.select_related("org_unit"), user, Cap.EMPLOYEES_VIEW)


def employee_list(
    *, user: Actor, q: str = "", status: str = "", external_ref: str = ""
) -> QuerySet[Employee]:
    """Visible employees by number/position text, status and an EHR's "source:id"."""
    qs = employees_visible(user)
    if external_ref:
        qs = qs.filter(pk__in=external_ref_ids(Employee, external_ref))
    if q.strip():
        text = q.strip()
        qs = qs.filter(Q(employee_number__icontains=text) | Q(position__icontains=text))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-hire_date", "-id")


def employee_get(*, user: Actor, pk: int) -> Employee:
    """An employee `user` may see, else 404."""
    return get_object_or_404(employees_visible(user), pk=pk)


def employee_for_write(*, user: Actor, pk: int) -> Employee:
    """An employee `user` may see (else 404); the services check the right to change it."""
    return employee_get(user=user, pk=pk)


def can_manage(*, user: Actor, employee: Employee) -> bool:
    return has_cap(user, Cap.EMPLOYEES_MANAGE, unit_id=employee.org_unit_id)


def baseline_of(employee: Employee) -> Baseline | None:
    return Baseline.objects.filter(employee=employee).first()


def units_for_employees(*, user: Actor) -> QuerySet[OrgUnit]:
    return scope(OrgUnit.objects.all(), user, Cap.EMPLOYEES_MANAGE, field="id").order_by("path")


def unit_for_employees(*, user: Actor, pk: int) -> OrgUnit:
    """A unit where `user` manages employees, else 404."""
    return get_object_or_404(units_for_employees(user=user), pk=pk)


def scales_visible(*, user: Actor) -> QuerySet[PerformanceScale]:
    """The scales of the units where `user` manages employees."""
    qs = PerformanceScale.objects.select_related("org_unit")
    return scope(qs, user, Cap.EMPLOYEES_MANAGE).order_by("org_unit__path")


def sources_visible(*, user: Actor) -> QuerySet[InboundSource]:
    return scope(InboundSource.objects.all(), user, Cap.EMPLOYEES_MANAGE).order_by("name")


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline: when, what kind, a one-line summary, and the source."""

    when: dt.date
    kind: str
    title: str
    detail: str
    source: str = ""
    record_id: int | None = None


def _record_detail(r: PostHireRecord) -> str:
    if r.kind == PostHireKind.PERFORMANCE:
        score = f" ({r.score:.2f})" if r.score is not None else ""
        return f"{r.period} {r.raw_value}{score}".strip()
    if r.kind == PostHireKind.PROBATION:
        return r.get_probation_result_display()
    if r.kind == PostHireKind.TRAINING:
        hours = _("%(h)s h") % {"h": r.training_hours} if r.training_hours is not None else ""
        return f"{r.training_name} {hours}".strip()
    if r.kind == PostHireKind.PROMOTION:
        return r.new_position
    return r.get_leave_type_display()


def _record_entry(r: PostHireRecord) -> TimelineEntry:
    when = r.date or r.created_at.date()
    title = str(r.get_kind_display())
    return TimelineEntry(when, r.kind, title, _record_detail(r), r.get_source_display(), r.pk)


def _change_entry(change: Any) -> TimelineEntry:
    if change.field == "status":
        old = _status_label(change.old)
        new = _status_label(change.new)
        return TimelineEntry(change.at.date(), "status", _("Status changed"), f"{old} → {new}")
    return TimelineEntry(
        change.at.date(), "position", _("Position changed"), f"{change.old} → {change.new}"
    )


def _status_label(value: str) -> str:
    return str(EmployeeStatus(value).label) if value in EmployeeStatus.values else value


def employee_timeline(*, employee: Employee) -> list[TimelineEntry]:
    """Hire, post-hire records and changes, newest first (same day: the later entry first)."""
    hire = TimelineEntry(employee.hire_date, "hire", _("Hired"), employee.position)
    records = [_record_entry(r) for r in employee.records.order_by("created_at", "id")]
    changes = [_change_entry(c) for c in employee.changes.order_by("at", "id")]
    entries = [hire, *records, *changes]
    order = {id(e): i for i, e in enumerate(entries)}
    return sorted(entries, key=lambda e: (e.when, order[id(e)]), reverse=True)
