"""Competency model writes (F-11): dimension weights are all-or-nothing and sum to 100."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor, SystemActor
from mianshi.compliance.services import audit_record
from mianshi.jobs.models import CompetencyModel, Dimension
from mianshi.jobs.services.common import apply, full_clean_errors, guarded_delete, require_manage
from mianshi.organisations.models import OrgUnit

HUNDRED = Decimal("100")
MODEL_FIELDS = ("name", "description")


@dataclass
class DimensionInput:
    """One dimension as typed by a user or read from a file; children are its sub-items."""

    name: str
    weight: Decimal | str | float | int | None = None
    code: str = ""
    description: str = ""
    children: list[DimensionInput] = field(default_factory=list)


@transaction.atomic
def competency_model_create(
    *,
    actor: SystemActor,
    org_unit: OrgUnit,
    name: str,
    description: str = "",
    dimensions: Sequence[DimensionInput] = (),
) -> CompetencyModel:
    """Create a model with its dimensions; refuses (nothing saved) unless weights sum to 100."""
    require_manage(actor, org_unit.pk)
    model = CompetencyModel(org_unit=org_unit, name=name.strip(), description=description)
    _validate_model(model)
    dims = _normalise(dimensions)
    model.save()
    _write_dimensions(model, dims)
    audit_record(
        actor=actor,
        action="competency_model.create",
        obj=model,
        changed_fields=["org_unit", "name", "description", "dimensions"],
    )
    return model


@transaction.atomic
def competency_model_update(
    *,
    actor: SystemActor,
    model: CompetencyModel,
    data: Mapping[str, Any],
    dimensions: Sequence[DimensionInput] | None = None,
) -> CompetencyModel:
    """Change name/description and, when given, replace the dimensions all-or-nothing."""
    require_manage(actor, model.org_unit_id)
    changed = apply(model, dict(data), MODEL_FIELDS)
    _validate_model(model)
    if dimensions is not None:
        dims = _normalise(dimensions)
        if _write_dimensions(model, dims):
            changed.append("dimensions")
    if changed:
        model.save()
        audit_record(
            actor=actor, action="competency_model.update", obj=model, changed_fields=changed
        )
    return model


@transaction.atomic
def competency_model_delete(*, actor: Actor, model: CompetencyModel) -> None:
    """Delete a model no template uses (jobs simply lose the link)."""
    require_manage(actor, model.org_unit_id)
    pk, unit_id = model.pk, model.org_unit_id
    guarded_delete(model, _("This competency model is used by an interview template."))
    audit_record(
        actor=actor,
        action="competency_model.delete",
        object_type="jobs.competencymodel",
        object_id=pk,
        org_unit_id=unit_id,
    )


def _validate_model(model: CompetencyModel) -> None:
    errors = full_clean_errors(model, exclude=["org_unit"])
    same = CompetencyModel.objects.filter(org_unit_id=model.org_unit_id, name=model.name)
    if model.name and same.exclude(pk=model.pk).exists():
        errors.setdefault("name", []).append(
            _("This unit already has a competency model with this name.")
        )
    if errors:
        raise ValidationError(errors)


# Dimension validation -----------------------------------------------------------------


def dimensions_validate(dimensions: Sequence[DimensionInput]) -> list[DimensionInput]:
    """Clean copies of `dimensions` (codes filled, weights Decimal) or ValidationError."""
    return _normalise(dimensions)


def _normalise(dimensions: Sequence[DimensionInput]) -> list[DimensionInput]:
    errors: list[str] = []
    clean = [_clean_one(d, errors, depth=0) for d in dimensions]
    if not clean:
        errors.append(_("A competency model needs at least one dimension."))
    _check_codes(clean, errors)
    _check_sum(clean, errors, None)
    if errors:
        raise ValidationError({"dimensions": errors})
    return clean


def _clean_one(dim: DimensionInput, errors: list[str], *, depth: int) -> DimensionInput:
    name = (dim.name or "").strip()
    if not name or len(name) > 120:
        errors.append(_("Every dimension needs a name of at most 120 characters."))
    code = (dim.code or "").strip() or slugify(name, allow_unicode=True)
    weight = _decimal(dim.weight, name, errors)
    if depth == 0 and weight is None:
        errors.append(_("The dimension %(name)s needs a weight.") % {"name": name})
    if depth > 0 and dim.children:
        errors.append(
            _("Sub-items cannot have sub-items of their own (%(name)s).") % {"name": name}
        )
    children = [_clean_one(c, errors, depth=depth + 1) for c in dim.children]
    if children:
        _check_sum(children, errors, name)
    return DimensionInput(name, weight, code, (dim.description or "").strip(), children)


def _decimal(raw: Any, name: str, errors: list[str]) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip().rstrip("%"))
    except InvalidOperation:
        errors.append(_("The weight of %(name)s is not a number.") % {"name": name})
        return None
    if (
        not value.is_finite()
        or value <= 0
        or value > HUNDRED
        or value != value.quantize(Decimal("0.01"))
    ):
        msg = _(
            "The weight of %(name)s must be above 0 and at most 100, with at most two decimals."
        )
        errors.append(msg % {"name": name})
        return None
    return value


def _check_codes(dims: list[DimensionInput], errors: list[str]) -> None:
    codes = [d.code for d in dims] + [c.code for d in dims for c in d.children]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        errors.append(_("The dimension code %(code)s is used twice.") % {"code": code})
    probe = Dimension(name="x")
    for code in codes:
        probe.code = code
        if full_clean_errors(probe, exclude=["model", "parent", "name", "weight"]):
            errors.append(
                _("The dimension code %(code)s is not valid (letters, digits, - and _ only).")
                % {"code": code}
            )


def _check_sum(dims: list[DimensionInput], errors: list[str], parent: str | None) -> None:
    weights = [d.weight for d in dims]
    if parent is not None and all(w is None for w in weights):
        return  # sub-item weights are optional, but all or none
    if parent is not None and any(w is None for w in weights):
        errors.append(
            _("Give a weight to every sub-item of %(name)s, or to none.") % {"name": parent}
        )
        return
    total = sum((w for w in weights if isinstance(w, Decimal)), Decimal(0))
    if dims and total != HUNDRED and all(w is not None for w in weights):
        fmt = {"sum": f"{total.normalize():f}", "name": parent}
        if parent is None:
            errors.append(
                _("The dimension weights must add up to 100%%; they add up to %(sum)s%%.") % fmt
            )
        else:
            errors.append(
                _(
                    "The sub-item weights of %(name)s must add up to 100%%; "
                    "they add up to %(sum)s%%."
                )
                % fmt
            )


# Dimension persistence ----------------------------------------------------------------


def _write_dimensions(model: CompetencyModel, dims: list[DimensionInput]) -> bool:
    """Replace the model's dimensions, keeping rows (and ids) whose code survives."""
    before = _signature(model)
    existing = {d.code: d for d in model.dimensions.all()}
    keep: set[int] = set()
    for pos, dim in enumerate(dims):
        row = _upsert(model, existing, dim, None, pos)
        keep.add(row.pk)
        keep.update(_upsert(model, existing, c, row, i).pk for i, c in enumerate(dim.children))
    model.dimensions.exclude(pk__in=keep).delete()
    return before != _signature(model)


def _upsert(
    model: CompetencyModel,
    existing: dict[str, Dimension],
    dim: DimensionInput,
    parent: Dimension | None,
    position: int,
) -> Dimension:
    row = existing.get(dim.code) or Dimension(model=model, code=dim.code)
    row.parent, row.position, row.name = parent, position, dim.name
    row.description, row.weight = dim.description, dim.weight  # type: ignore[assignment]
    row.save()
    return row


def _signature(model: CompetencyModel) -> list[tuple[Any, ...]]:
    rows = model.dimensions.order_by("parent_id", "position").values_list(
        "code", "name", "description", "weight", "parent__code", "position"
    )
    return sorted(rows, key=str)
