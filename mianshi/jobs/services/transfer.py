"""Imports of question banks and competency models (F-15): validate every row, then save all.

An import either saves everything or nothing: every row is parsed and validated first,
and the errors of all rows are reported at once, each with its row number and column.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.jobs.models import CompetencyModel, Question
from mianshi.jobs.services.common import require_manage
from mianshi.jobs.services.competency import competency_model_create, dimensions_validate
from mianshi.jobs.services.questions import (
    QuestionInput,
    question_create,
    question_input_normalise,
    question_validate,
)
from mianshi.jobs.transfer import competency as model_io
from mianshi.jobs.transfer import questions as question_io
from mianshi.jobs.transfer.files import detect_format, file_error, read_json, read_rows
from mianshi.organisations.models import OrgUnit

FIELD_TO_COLUMN = {"rubric": "level_N_description", "__all__": "", "dimensions": "weight"}


@transaction.atomic
def question_bank_import(
    *, actor: Actor, org_unit: OrgUnit, filename: str, content: bytes
) -> list[Question]:
    """Add every question of the file to the bank of `org_unit`, or none if any row is wrong."""
    require_manage(actor, org_unit.pk)
    fmt = detect_format(filename, content)
    inputs, messages = [], []
    for number, (data, errors) in _question_items(fmt, content):
        if data is not None:
            errors = {
                k: "; ".join(v)
                for k, v in question_validate(question_input_normalise(data)).items()
            }
        messages += [_cell_message(fmt, number, col, msg) for col, msg in errors.items()]
        inputs.append(data)
    if not inputs:
        raise file_error(_("The file contains no questions."))
    if messages:
        raise ValidationError({"file": messages})
    return [
        question_create(actor=actor, org_unit=org_unit, data=d, via="import") for d in inputs if d
    ]


def _question_items(
    fmt: str, content: bytes
) -> list[tuple[int, tuple[QuestionInput | None, dict[str, str]]]]:
    if fmt != "json":
        return [(n, question_io.question_from_row(row)) for n, row in read_rows(fmt, content)]
    doc = read_json(content)
    items = doc.get("questions") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise file_error(_("The JSON file must hold a list of questions."))
    return [(n, question_io.question_from_dict(item)) for n, item in enumerate(items, start=1)]


@transaction.atomic
def competency_models_import(
    *, actor: Actor, org_unit: OrgUnit, filename: str, content: bytes
) -> list[CompetencyModel]:
    """Create every model of the file in `org_unit`, or none if any row is wrong."""
    require_manage(actor, org_unit.pk)
    fmt = detect_format(filename, content)
    found, errors = _model_items(fmt, content)
    messages = [_cell_message(fmt, n, col, msg) for n, col, msg in errors]
    messages += [m for model in found for m in _model_problems(fmt, model, org_unit, found)]
    if not found and not messages:
        raise file_error(_("The file contains no competency models."))
    if messages:
        raise ValidationError({"file": messages})
    return [
        competency_model_create(
            actor=actor,
            org_unit=org_unit,
            name=m.name,
            description=m.description,
            dimensions=m.dimensions,
        )
        for m in found
    ]


def _model_items(
    fmt: str, content: bytes
) -> tuple[list[model_io.ModelInput], list[tuple[int, str, str]]]:
    if fmt != "json":
        return model_io.models_from_rows(read_rows(fmt, content))
    doc = read_json(content)
    items = doc.get("models") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise file_error(_("The JSON file must hold a list of competency models."))
    return model_io.models_from_json(items)


def _model_problems(
    fmt: str, model: model_io.ModelInput, unit: OrgUnit, everything: list[model_io.ModelInput]
) -> list[str]:
    problems: list[str] = []
    if not model.name.strip() or len(model.name) > 120:
        problems.append(_("The model needs a name of at most 120 characters."))
    if [m.name for m in everything].count(model.name) > 1:
        problems.append(_("The file holds this model name twice."))
    if CompetencyModel.objects.filter(org_unit=unit, name=model.name.strip()).exists():
        problems.append(_("This unit already has a competency model with this name."))
    try:
        dimensions_validate(model.dimensions)
    except ValidationError as exc:
        problems += exc.messages
    return [_model_message(fmt, model, p) for p in problems]


def _model_message(fmt: str, model: model_io.ModelInput, message: str) -> str:
    rows = ", ".join(str(n) for n in model.rows)
    if fmt == "json":
        return _("Item %(rows)s (model %(model)s): %(message)s") % {
            "rows": rows,
            "model": model.name,
            "message": message,
        }
    return _("Rows %(rows)s (model %(model)s): %(message)s") % {
        "rows": rows,
        "model": model.name,
        "message": message,
    }


def _cell_message(fmt: str, number: int, column: str, message: str) -> str:
    column = FIELD_TO_COLUMN.get(column, column)
    label = _column_label(column)
    where = f"{column} ({label})" if label and label != column else column
    if fmt == "json":
        return _("Item %(row)s, field %(column)s: %(message)s") % {
            "row": number,
            "column": where,
            "message": message,
        }
    return _("Row %(row)s, column %(column)s: %(message)s") % {
        "row": number,
        "column": where,
        "message": message,
    }


def _column_label(column: str) -> str:
    """The translated name of a column, so 第 3 行 answer_seconds reads as 答题时间 too."""
    if column.startswith("level_"):
        return str(_("rubric level"))
    try:
        return str(getattr(Question._meta.get_field(column), "verbose_name", ""))
    except FieldDoesNotExist:
        labels = {
            "dimension_codes": _("dimension codes"),
            "tags": _("tags"),
            "model": _("model name"),
        }
        return str(labels.get(column, ""))
