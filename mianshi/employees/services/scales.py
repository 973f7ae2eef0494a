"""Performance scales: the customer's ratings mapped to 0–1 so outcomes compare across
units and years. A unit's own scale applies, else the nearest one up the org tree."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.compliance.services import audit_record
from mianshi.employees.models import PerformanceScale
from mianshi.employees.services.employees import require_manage
from mianshi.organisations.models import OrgUnit

DEFAULT_GRADES = {"S": 1.0, "A": 0.75, "B": 0.5, "C": 0.25, "D": 0.0}


def scale_for(unit: OrgUnit) -> PerformanceScale | None:
    """The scale of `unit` or of its nearest ancestor that has one."""
    ids = [int(p) for p in unit.path.strip("/").split("/") if p.isdigit()] or [unit.pk]
    scales = {s.org_unit_id: s for s in PerformanceScale.objects.filter(org_unit_id__in=ids)}
    return next((scales[i] for i in reversed(ids) if i in scales), None)


def _number(raw: str) -> float | None:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def scale_map(scale: PerformanceScale | None, raw: str) -> float:
    """`raw` (a grade or a number) on 0–1 by `scale`; ValidationError when it has no place."""
    text = (raw or "").strip()
    grades = {str(k).strip().upper(): float(v) for k, v in (scale.grades if scale else {}).items()}
    if text.upper() in grades:
        return grades[text.upper()]
    number = _number(text)
    for band in (scale.ranges if scale else []) if number is not None else []:
        if float(band["min"]) <= number <= float(band["max"]):  # type: ignore[operator]
            return float(band["value"])
    if scale is None:
        raise ValidationError({"value": _("No performance scale is configured for this unit.")})
    raise ValidationError({"value": _("“%(value)s” is not on the unit's scale.") % {"value": text}})


def _check_grades(grades: Any) -> dict[str, float]:
    if not isinstance(grades, dict):
        raise ValidationError({"grades": _("Grades map each label to a value from 0 to 1.")})
    out: dict[str, float] = {}
    for label, value in grades.items():
        if not str(label).strip() or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ValidationError({"grades": _("Grades map each label to a value from 0 to 1.")})
        out[str(label).strip()] = float(value)
    return out


def _check_ranges(ranges: Any) -> list[dict[str, float]]:
    message = _("Each range needs min ≤ max and a value from 0 to 1.")
    if not isinstance(ranges, list):
        raise ValidationError({"ranges": message})
    out = []
    for band in ranges:
        try:
            low, high, value = (float(band[k]) for k in ("min", "max", "value"))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError({"ranges": message}) from exc
        if not (low <= high and 0 <= value <= 1) or not all(map(math.isfinite, (low, high))):
            raise ValidationError({"ranges": message})
        out.append({"min": low, "max": high, "value": value})
    return out


@transaction.atomic
def scale_set(
    *, actor: Actor, org_unit: OrgUnit, name: str, grades: Any, ranges: Any
) -> PerformanceScale:
    """Create or replace the unit's performance scale."""
    require_manage(actor, org_unit.pk)
    checked = {"grades": _check_grades(grades), "ranges": _check_ranges(ranges)}
    if not checked["grades"] and not checked["ranges"]:
        raise ValidationError({"grades": _("Give grades, numeric ranges or both.")})
    if not 0 < len(name.strip()) <= 80:
        raise ValidationError({"name": _("Name the scale (at most 80 characters).")})
    scale, _created = PerformanceScale.objects.update_or_create(
        org_unit=org_unit, defaults={"name": name.strip(), **checked}
    )
    audit_record(actor=actor, action="performance_scale.set", obj=scale, org_unit_id=org_unit.pk)
    return scale
