"""Competency models ↔ JSON documents and spreadsheet rows (one row per dimension)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from mianshi.jobs.models import CompetencyModel
from mianshi.jobs.selectors import dimension_tree
from mianshi.jobs.services.competency import DimensionInput
from mianshi.jobs.transfer.files import Row

JSON_FORMAT = "mianshi.competency_models"
COLUMNS = ["model", "model_description", "code", "name", "description", "weight", "parent"]


@dataclass
class ModelInput:
    """One model read from a file, with the rows it came from (for error messages)."""

    name: str
    description: str = ""
    dimensions: list[DimensionInput] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


def _weight(value: Any) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def model_to_dict(model: CompetencyModel) -> dict[str, Any]:
    """Full-fidelity JSON form of one model."""

    def dim(d: Any) -> dict[str, Any]:
        return {
            "code": d.code,
            "name": d.name,
            "description": d.description,
            "weight": _weight(d.weight),
            "children": [dim(c) for c in d.children.all()],
        }

    return {
        "name": model.name,
        "description": model.description,
        "dimensions": [dim(d) for d in dimension_tree(model)],
    }


def models_document(models: list[CompetencyModel]) -> dict[str, Any]:
    return {"format": JSON_FORMAT, "version": 1, "models": [model_to_dict(m) for m in models]}


def model_to_rows(model: CompetencyModel) -> list[dict[str, Any]]:
    rows = []
    for d in dimension_tree(model):
        for dim, parent in [(d, ""), *[(c, d.code) for c in d.children.all()]]:
            rows.append(
                {
                    "model": model.name,
                    "model_description": model.description,
                    "code": dim.code,
                    "name": dim.name,
                    "description": dim.description,
                    "weight": _weight(dim.weight) or "",
                    "parent": parent,
                }
            )
    return rows


# Import -------------------------------------------------------------------------------


def models_from_json(items: list[Any]) -> tuple[list[ModelInput], list[tuple[int, str, str]]]:
    """JSON models → inputs; errors as (item number, key, message)."""
    found: list[ModelInput] = []
    errors: list[tuple[int, str, str]] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("dimensions"), list):
            errors.append(
                (number, "dimensions", _("Each model must be an object with a list of dimensions."))
            )
            continue
        try:
            dims = [_dim_json(d) for d in item["dimensions"]]
        except (TypeError, KeyError, AttributeError):
            errors.append(
                (number, "dimensions", _("Each dimension must be an object with a name."))
            )
            continue
        found.append(
            ModelInput(str(item.get("name", "")), str(item.get("description", "")), dims, [number])
        )
    return found, errors


def _dim_json(raw: dict[str, Any]) -> DimensionInput:
    return DimensionInput(
        name=str(raw["name"]),
        weight=raw.get("weight"),
        code=str(raw.get("code") or ""),
        description=str(raw.get("description") or ""),
        children=[_dim_json(c) for c in raw.get("children") or []],
    )


def models_from_rows(rows: list[Row]) -> tuple[list[ModelInput], list[tuple[int, str, str]]]:
    """Spreadsheet rows grouped by the `model` column → inputs; errors per (row, column)."""
    models: dict[str, ModelInput] = {}
    parents: dict[tuple[str, str], DimensionInput] = {}
    errors: list[tuple[int, str, str]] = []
    for number, row in rows:
        name = row.get("model", "")
        if not name:
            errors.append((number, "model", _("The model name is missing.")))
            continue
        model = models.setdefault(name, ModelInput(name, row.get("model_description", "")))
        model.rows.append(number)
        dim = DimensionInput(
            row.get("name", ""),
            row.get("weight") or None,
            row.get("code", ""),
            row.get("description", ""),
        )
        if not dim.name:
            errors.append((number, "name", _("The dimension name is missing.")))
        parent_code = row.get("parent", "")
        if not parent_code:
            model.dimensions.append(dim)
            parents[(name, dim.code or dim.name)] = dim
        elif (name, parent_code) in parents:
            parents[(name, parent_code)].children.append(dim)
        else:
            msg = _("No earlier dimension of this model has the code %(code)s.") % {
                "code": parent_code
            }
            errors.append((number, "parent", msg))
    return list(models.values()), errors
