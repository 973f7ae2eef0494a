"""Post-hire records (F-93): one checking rule for every way in (API, signed webhook,
Excel, the page), so a record means the same whatever brought it.

A record carrying its source's id is written once: the same id from the same source finds
the stored record. A probation result, a promotion or a leave also changes the employee
(status, position), which shows on the timeline and is announced as `employee.updated`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.actor import SystemActor
from mianshi.compliance.services import audit_record
from mianshi.employees.models import (
    Employee,
    EmployeeStatus,
    LeaveType,
    PostHireKind,
    PostHireRecord,
    ProbationResult,
    RecordSource,
)
from mianshi.employees.services.employees import employee_apply, require_manage
from mianshi.employees.services.scales import scale_for, scale_map
from mianshi.events.services import event_emit

FIELDS = (
    "kind", "period", "date", "value", "probation_result", "training_name", "training_hours",
    "new_position", "leave_type", "note", "record_id",
)  # fmt: skip
_PROBATION_STATUS = {
    ProbationResult.PASS: EmployeeStatus.ACTIVE,
    ProbationResult.EXTEND: EmployeeStatus.PROBATION,
    ProbationResult.FAIL: EmployeeStatus.LEFT,
}


def _text(data: dict[str, Any], name: str, limit: int) -> str:
    value = data.get(name)
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        raise ValidationError({name: _("At most %(n)s characters.") % {"n": limit}})
    return text


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError as exc:
        raise ValidationError({"date": _("Enter the date as YYYY-MM-DD.")}) from exc


def _hours(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValidationError({"training_hours": _("Enter the hours as a number.")}) from exc
    if not hours.is_finite() or not 0 < hours < 10000:
        raise ValidationError({"training_hours": _("Enter the hours as a number.")})
    return hours.quantize(Decimal("0.1"))


def _choice(data: dict[str, Any], name: str, choices: Any) -> str:
    value = _text(data, name, 20).lower()
    if value not in choices.values:
        raise ValidationError({name: _("Choose one of: %(v)s.") % {"v": ", ".join(choices.values)}})
    return value


def _performance(employee: Employee, data: dict[str, Any]) -> dict[str, Any]:
    raw = _text(data, "value", 40)
    if not raw or not (_text(data, "period", 20) or data.get("date")):
        raise ValidationError({"value": _("A rating needs its value and its period.")})
    return {"raw_value": raw, "score": scale_map(scale_for(employee.org_unit), raw)}


def _probation(employee: Employee, data: dict[str, Any]) -> dict[str, Any]:
    return {"probation_result": _choice(data, "probation_result", ProbationResult)}


def _training(employee: Employee, data: dict[str, Any]) -> dict[str, Any]:
    name = _text(data, "training_name", 200)
    if not name:
        raise ValidationError({"training_name": _("Name the training.")})
    return {"training_name": name, "training_hours": _hours(data.get("training_hours"))}


def _promotion(employee: Employee, data: dict[str, Any]) -> dict[str, Any]:
    position = _text(data, "new_position", 120)
    if not position:
        raise ValidationError({"new_position": _("Enter the new position.")})
    return {"new_position": position}


def _leave(employee: Employee, data: dict[str, Any]) -> dict[str, Any]:
    if not data.get("date"):
        raise ValidationError({"date": _("Enter the last working day.")})
    return {"leave_type": _choice(data, "leave_type", LeaveType)}


# Each kind's own fields, each required where the kind has no meaning without it.
_BY_KIND = {
    PostHireKind.PERFORMANCE: _performance,
    PostHireKind.PROBATION: _probation,
    PostHireKind.TRAINING: _training,
    PostHireKind.PROMOTION: _promotion,
    PostHireKind.LEAVE: _leave,
}


def posthire_clean(employee: Employee, data: dict[str, Any]) -> dict[str, Any]:
    """The record's fields from `data`, checked; ValidationError names the bad field."""
    kind = _choice(data, "kind", PostHireKind)
    fields = {
        "kind": kind,
        "period": _text(data, "period", 20),
        "date": _date(data.get("date")),
        "note": _text(data, "note", 2000),
        "source_record_id": _text(data, "record_id", 100),
    }
    fields.update(_BY_KIND[PostHireKind(kind)](employee, data))
    return fields


def _effects(fields: dict[str, Any]) -> dict[str, str]:
    kind = fields["kind"]
    if kind == PostHireKind.PROBATION:
        return {"status": _PROBATION_STATUS[fields["probation_result"]]}
    if kind == PostHireKind.PROMOTION:
        return {"position": fields["new_position"]}
    if kind == PostHireKind.LEAVE:
        return {"status": EmployeeStatus.LEFT}
    return {}


def posthire_write(
    *,
    actor: SystemActor,
    employee: Employee,
    fields: dict[str, Any],
    source: str,
    channel: str = "",
) -> tuple[PostHireRecord, bool]:
    """Store checked `fields` in the caller's transaction: (record, created); a record id
    already seen from this source returns the stored record and changes nothing."""
    record_id = fields.get("source_record_id") or ""
    if record_id:
        seen = PostHireRecord.objects.filter(
            source=source, channel=channel, source_record_id=record_id
        ).first()
        if seen is not None:
            return seen, False
    record = PostHireRecord.objects.create(
        employee=employee, org_unit_id=employee.org_unit_id, source=source, channel=channel,
        created_by=actor, **fields,
    )  # fmt: skip
    employee_apply(actor=actor, employee=employee, data=_effects(fields))
    data = {"record_id": record.pk, "employee_id": employee.pk, "kind": record.kind,
            "period": record.period}  # fmt: skip
    event_emit(type="post_hire.recorded", data=data, org_unit_id=employee.org_unit_id)
    detail = {"employee": employee.pk, "kind": record.kind, "source": source}
    audit_record(actor=actor, action="post_hire.record", obj=record, detail=detail)
    return record, True


@transaction.atomic
def posthire_record(
    *,
    actor: SystemActor,
    employee: Employee,
    data: dict[str, Any],
    source: str = RecordSource.API,
) -> tuple[PostHireRecord, bool]:
    """Record one post-hire fact about an employee the actor manages: (record, created)."""
    require_manage(actor, employee.org_unit_id)
    rows = Employee.objects.select_for_update(of=("self",)).select_related("org_unit")
    locked = rows.get(pk=employee.pk)
    fields = posthire_clean(locked, data)
    return posthire_write(actor=actor, employee=locked, fields=fields, source=source)
