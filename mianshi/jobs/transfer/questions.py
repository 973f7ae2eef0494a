"""Question bank ↔ JSON documents and spreadsheet rows (one row per question)."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _

from mianshi.jobs.models import AnswerType, Question, QuestionType
from mianshi.jobs.services.common import split_list
from mianshi.jobs.services.questions import (
    QuestionInput,
    RubricInput,
    choices_from_text,
    choices_to_text,
    question_input_from,
)
from mianshi.jobs.transfer.files import parse_bool, parse_int

JSON_FORMAT = "mianshi.question_bank"
BASE_COLUMNS = [
    "type",
    "language",
    "text",
    "answer_type",
    "choices",
    "prep_seconds",
    "answer_seconds",
    "max_retakes",
    "screen_share",
    "reference_answer",
    "tags",
    "dimension_codes",
    "is_active",
]
INT_COLUMNS = {"prep_seconds", "answer_seconds", "max_retakes"}
BOOL_COLUMNS = {"screen_share", "is_active"}
LEVEL_COLUMN = re.compile(r"^level_(\d+)_(description|keywords)$")


def question_to_dict(question: Question) -> dict[str, Any]:
    """Full-fidelity JSON form of one question."""
    data = question_input_from(question)
    out = {name: getattr(data, name) for name in BASE_COLUMNS}
    out["rubric"] = [
        {"level": r.level, "description": r.description, "keywords": r.keywords}
        for r in data.rubric
    ]
    return out


def questions_document(questions: list[Question]) -> dict[str, Any]:
    return {
        "format": JSON_FORMAT,
        "version": 1,
        "questions": [question_to_dict(q) for q in questions],
    }


def question_to_row(question: Question) -> dict[str, Any]:
    data = question_to_dict(question)
    row = {k: v for k, v in data.items() if k != "rubric"}
    row["tags"], row["dimension_codes"] = ";".join(data["tags"]), ";".join(data["dimension_codes"])
    row["choices"] = choices_to_text(data["choices"])  # one option per line inside the cell
    row["screen_share"], row["is_active"] = (
        str(data["screen_share"]).lower(),
        str(data["is_active"]).lower(),
    )
    for level in data["rubric"]:
        row[f"level_{level['level']}_description"] = level["description"]
        row[f"level_{level['level']}_keywords"] = ";".join(level["keywords"])
    return row


def row_header(rows: list[dict[str, Any]]) -> list[str]:
    """Base columns, then level columns for every level used, highest first (3, 2, 1)."""
    levels = {int(m.group(1)) for r in rows for k in r if (m := LEVEL_COLUMN.match(k))}
    levels |= {3, 2, 1}  # an empty bank still exports a usable template to fill in
    pairs = [
        [f"level_{n}_description", f"level_{n}_keywords"] for n in sorted(levels, reverse=True)
    ]
    return BASE_COLUMNS + [c for pair in pairs for c in pair]


# Import -------------------------------------------------------------------------------


def question_from_dict(item: Any) -> tuple[QuestionInput | None, dict[str, str]]:
    """A JSON item → input, or the errors per key that stop it from being read."""
    if not isinstance(item, dict):
        return None, {"": _("Each question must be a JSON object.")}
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in BASE_COLUMNS:
        if name in item:
            values[name] = _typed_json(name, item[name], errors)
    rubric = _rubric_json(item.get("rubric"), errors)
    if errors:
        return None, errors
    values["tags"], values["dimension_codes"] = (
        values.get("tags", []),
        values.get("dimension_codes", []),
    )
    return QuestionInput(**{**_defaults(), **values, "rubric": rubric}), {}


def _typed_json(name: str, value: Any, errors: dict[str, str]) -> Any:
    expected: type | tuple[type, ...] = str
    if name in INT_COLUMNS:
        expected = int
    elif name in BOOL_COLUMNS:
        expected = bool
    elif name in {"tags", "dimension_codes", "choices"}:
        expected = list
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        errors[name] = _("This value has the wrong type.")
    elif name == "choices" and not _are_options(value):
        errors[name] = _("Each option must be an object with the strings “key” and “text”.")
    return value


def _are_options(items: Any) -> bool:
    return all(
        isinstance(item, dict) and all(isinstance(item.get(k), str) for k in ("key", "text"))
        for item in items
    )


def _rubric_json(raw: Any, errors: dict[str, str]) -> list[RubricInput]:
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        errors["rubric"] = _("The rubric must be a list of levels.")
        return []
    try:
        return [
            RubricInput(
                int(r["level"]), str(r.get("description", "")), list(r.get("keywords") or [])
            )
            for r in raw
        ]
    except (KeyError, TypeError, ValueError):
        errors["rubric"] = _("Each rubric level needs a whole-number level.")
        return []


def question_from_row(row: dict[str, str]) -> tuple[QuestionInput | None, dict[str, str]]:
    """A spreadsheet row → input, or the errors per column that stop it from being read."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in BASE_COLUMNS:
        raw = row.get(name, "")
        if raw == "":
            continue
        try:
            values[name] = _typed_cell(name, raw)
        except ValueError:
            errors[name] = _("“%(value)s” is not a valid value.") % {"value": raw[:40]}
    rubric = _rubric_cells(row, errors)
    if errors:
        return None, errors
    return QuestionInput(**{**_defaults(), **values, "rubric": rubric}), {}


def _typed_cell(name: str, raw: str) -> Any:
    if name in INT_COLUMNS:
        return parse_int(raw)
    if name in BOOL_COLUMNS:
        return parse_bool(raw)
    if name == "type":
        return _code(raw, QuestionType)
    if name == "answer_type":
        return _code(raw, AnswerType)
    if name == "choices":
        # Lines inside the cell (Alt+Enter in Excel), or "A. 是 | B. 否" typed on one line.
        return choices_from_text(raw if "\n" in raw else raw.replace("|", "\n"))
    return raw  # tags, codes and keywords are split by the service


def _code(raw: str, choices: type[TextChoices]) -> str:
    """Accept the code or the label in either language (people type 行为面试 in Excel)."""
    wanted = raw.strip().lower()
    for choice in choices:
        labels = {choice.value}
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                labels.add(str(choice.label).lower())
        if wanted in labels:
            return choice.value
    raise ValueError(raw)


def _rubric_cells(row: dict[str, str], errors: dict[str, str]) -> list[RubricInput]:
    levels: dict[int, RubricInput] = {}
    for column, value in row.items():
        match = LEVEL_COLUMN.match(column)
        if not match or not value:
            continue
        level = levels.setdefault(int(match.group(1)), RubricInput(int(match.group(1)), ""))
        if match.group(2) == "description":
            level.description = value
        else:
            level.keywords = split_list(value)
    for level in levels.values():
        if not level.description:
            errors[f"level_{level.level}_description"] = _("Keywords need a level description.")
    return sorted(levels.values(), key=lambda r: -r.level)


def _defaults() -> dict[str, Any]:
    fresh = QuestionInput(type="", text="")
    return {name: getattr(fresh, name) for name in BASE_COLUMNS}
