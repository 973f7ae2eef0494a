"""Employees: created from a hire (the outbox consumer calls `employee_from_hire`), then
changed by HR, the API and post-hire records; every change is on the timeline, audited and
announced as `employee.updated`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor, SystemActor
from mianshi.accounts.models import User
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.common.external_refs import external_refs_set
from mianshi.compliance.services import audit_record
from mianshi.employees.models import Employee, EmployeeStatus, StatusChange
from mianshi.employees.services.baseline import baseline_freeze
from mianshi.events.services import event_emit
from mianshi.organisations.scoping import require_cap
from mianshi.reviews.models import Offer, OfferStatus
from mianshi.reviews.services.decisions import latest_session

EDITABLE = ("position", "status")


def require_manage(actor: SystemActor, unit_id: int) -> None:
    """Refuse (403) unless `actor` holds EMPLOYEES_MANAGE on the unit; None is the system."""
    require_cap(actor, Cap.EMPLOYEES_MANAGE, unit_id, _("You may not manage these employees."))


def _emit(kind: str, employee: Employee, changed: list[str] | None = None) -> None:
    data = {
        "employee_id": employee.pk,
        "candidate_id": employee.candidate_id,
        "application_id": employee.application_id,
        "status": employee.status,
        "changed_fields": changed or [],
    }
    event_emit(type=f"employee.{kind}", data=data, org_unit_id=employee.org_unit_id)


def _facts(application: Application) -> dict[str, Any]:
    """Number, unit, position and date from the hired offer; a hire made without one gets
    a provisional number HR corrects."""
    offer = (
        Offer.objects.filter(application=application, status=OfferStatus.HIRED)
        .order_by("-id")
        .first()
    )
    if offer is None:
        return {
            "employee_number": f"H{application.pk:06d}", "org_unit_id": application.org_unit_id,
            "position": application.job.title, "hire_date": timezone.localdate(), "offer": None,
        }  # fmt: skip
    return {
        "employee_number": offer.employee_number, "org_unit_id": offer.hire_unit_id,
        "position": offer.position, "hire_date": offer.hire_date, "offer": offer,
    }  # fmt: skip


def _reader(facts: dict[str, Any], actor_id: int | None) -> User | None:
    offer = facts["offer"]
    pk = offer.hired_by_id if offer is not None and offer.hired_by_id else actor_id
    return User.objects.filter(pk=pk, is_active=True).first() if pk else None


@transaction.atomic
def employee_from_hire(*, application_id: int, actor_id: int | None = None) -> Employee:
    """The employee of a hired application, created with its frozen interview baseline on
    the first call; later calls (a redelivered event) return the same row."""
    existing = Employee.objects.filter(application_id=application_id).first()
    if existing is not None:
        return existing
    application = Application.objects.select_related("job").get(pk=application_id)
    facts = _facts(application)
    employee = Employee.objects.create(
        application=application, candidate_id=application.candidate_id, **facts
    )
    reader = _reader(facts, actor_id)
    baseline_freeze(employee=employee, session=latest_session(application), reader=reader)
    audit_record(actor=reader, action="employee.create", obj=employee,
                 detail={"application": application_id})  # fmt: skip
    _emit("created", employee)
    return employee


def _check(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be changed.")})
    if "status" in data and data["status"] not in EmployeeStatus.values:
        raise ValidationError({"status": _("Unknown employee status.")})
    if "position" in data and not 0 < len(str(data["position"]).strip()) <= 120:
        raise ValidationError({"position": _("Enter the position (at most 120 characters).")})
    return {k: str(v).strip() for k, v in data.items()}


def employee_apply(
    *, actor: SystemActor, employee: Employee, data: dict[str, Any], extra: list[str] | None = None
) -> list[str]:
    """Apply checked changes inside the caller's transaction; returns the changed fields
    (`extra`: fields the caller changed itself, audited with these)."""
    changed = [k for k, v in _check(data).items() if getattr(employee, k) != v]
    for name in changed:
        StatusChange.objects.create(
            employee=employee, field=name, old=getattr(employee, name), new=data[name].strip(),
            actor=actor,
        )  # fmt: skip
        setattr(employee, name, data[name].strip())
    if changed:
        employee.save(update_fields=[*changed, "updated_at"])
        _emit("updated", employee, changed)
    fields = [*changed, *(["external_refs"] if extra else [])]
    audit_record(actor=actor, action="employee.update", obj=employee, changed_fields=fields)
    return changed


@transaction.atomic
def employee_update(
    *,
    actor: Actor,
    employee: Employee,
    data: dict[str, Any],
    external_refs: Mapping[str, str | None] | None = None,
) -> Employee:
    """Change the position or status of an employee the actor manages, and the EHRs' ids
    (None clears one; an id another employee holds is a 409 with nothing saved)."""
    require_manage(actor, employee.org_unit_id)
    locked = Employee.objects.select_for_update().get(pk=employee.pk)
    refs = external_refs_set(obj=locked, refs=external_refs) if external_refs else []
    changed = employee_apply(actor=actor, employee=locked, data=data, extra=refs)
    if refs and not changed:
        _emit("updated", locked, ["external_refs"])
    return locked
