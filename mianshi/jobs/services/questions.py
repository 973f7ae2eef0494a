"""Question bank writes (F-12): one validation shared by the UI, the API and imports."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor, SystemActor
from mianshi.compliance.services import audit_record
from mianshi.jobs.models import (
    RECORDED_TYPES,
    AnswerType,
    Question,
    QuestionDimension,
    QuestionType,
    RubricLevel,
)
from mianshi.jobs.services.common import (
    full_clean_errors,
    guarded_delete,
    require_manage,
    split_list,
)
from mianshi.organisations.models import OrgUnit

SELF_INTRO_MAX = 300  # a self-introduction is 1–2 minutes; five is the most we allow
MAX_KEYWORDS, KEYWORD_LEN, TAG_LEN = 30, 60, 30
CHOICES_MIN, CHOICES_MAX, CHOICE_TEXT_LEN = 2, 10, 300
# A key is what the candidate's answer stores: one to three letters or digits ("A", "10").
CHOICE_KEY = re.compile(r"^[A-Z0-9]{1,3}$")
# "A. text", "A、text", "B）text", "C: text" — whatever separator the typist's IME produced.
_CHOICE_LINE = re.compile(r"^([A-Za-z0-9]{1,3})\s*[.．、:：)）]\s*(.*)$")
SCALAR_FIELDS = (
    "type",
    "text",
    "answer_type",
    "choices",
    "language",
    "prep_seconds",
    "answer_seconds",
    "max_retakes",
    "screen_share",
    "reference_answer",
    "is_active",
)


@dataclass
class RubricInput:
    """One rubric level: its number, what it looks like, the keywords that evidence it."""

    level: int
    description: str
    keywords: list[str] | str = field(default_factory=list)  # a string is split on ; ； , ，


@dataclass
class QuestionInput:
    """Everything that defines a question, as the UI, the API and imports give it."""

    type: str
    text: str
    answer_type: str = AnswerType.VIDEO
    # [{"key": "A", "text": "…"}]; a string is read one option per line ("A. text").
    choices: list[dict[str, str]] | str = field(default_factory=list)
    language: str = "zh-hans"
    prep_seconds: int = 30
    answer_seconds: int = 120
    max_retakes: int = 0
    screen_share: bool = False
    reference_answer: str = ""
    is_active: bool = True
    tags: list[str] = field(default_factory=list)
    dimension_codes: list[str] = field(default_factory=list)
    rubric: list[RubricInput] = field(default_factory=list)


def question_input_from(question: Question) -> QuestionInput:
    """The current state of `question` as an input (the base a partial update starts from)."""
    rubric = [
        RubricInput(r.level, r.description, list(r.keywords)) for r in question.rubric_levels.all()
    ]
    values = {name: getattr(question, name) for name in SCALAR_FIELDS}
    values["choices"] = [dict(c) for c in question.choices]
    return QuestionInput(
        **values,
        tags=question.tag_list,
        dimension_codes=question.dimension_codes,
        rubric=sorted(rubric, key=lambda r: r.level),
    )


def question_validate(data: QuestionInput) -> dict[str, list[str]]:
    """Errors per field name (empty when `data` makes a valid question); writes nothing."""
    probe = Question(**{name: getattr(data, name) for name in SCALAR_FIELDS})
    probe.text = (probe.text or "").strip()
    probe.choices = choices_normalise(data.choices)
    errors = full_clean_errors(probe, exclude=["org_unit", "tags", "choices"])
    _rules(data, errors)
    _choice_errors(data.answer_type, probe.choices, errors)
    _rubric_errors(data.rubric, errors)
    _list_errors(data, errors)
    return errors


def _rules(data: QuestionInput, errors: dict[str, list[str]]) -> None:
    if data.type == QuestionType.SKILLS_DEMO and not data.screen_share:
        errors.setdefault("screen_share", []).append(_("A skills demo needs screen sharing."))
    is_intro = data.type == QuestionType.SELF_INTRO
    if is_intro and isinstance(data.answer_seconds, int) and data.answer_seconds > SELF_INTRO_MAX:
        msg = _("A self-introduction may last at most %(n)s seconds.") % {"n": SELF_INTRO_MAX}
        errors.setdefault("answer_seconds", []).append(msg)
    if data.screen_share and data.answer_type not in RECORDED_TYPES:
        msg = _("Screen sharing needs a video or audio answer.")
        errors.setdefault("answer_type", []).append(msg)


def choices_from_text(raw: str) -> list[dict[str, str]]:
    """One option per line, "A. text" → [{"key": "A", "text": "text"}]; blank lines skipped.

    A line without a key keeps it empty, so validation can name the line instead of guessing.
    """
    options = []
    for line in (raw or "").splitlines():
        line = line.strip()
        if not line:
            continue
        match = _CHOICE_LINE.match(line)
        key, text = (match.group(1), match.group(2)) if match else ("", line)
        options.append({"key": key, "text": text})
    return options


def choices_to_text(choices: list[dict[str, str]]) -> str:
    """The editor's text form of `choices` (the inverse of `choices_from_text`)."""
    return "\n".join(f"{c.get('key', '')}. {c.get('text', '')}" for c in choices)


def choices_normalise(raw: list[Any] | str | None) -> list[dict[str, str]]:
    """Text or a list of {key, text} → trimmed options with upper-case keys."""
    items = choices_from_text(raw) if isinstance(raw, str) else list(raw or [])
    options = []
    for item in items:
        key, text = (item.get("key"), item.get("text")) if isinstance(item, dict) else ("", item)
        options.append({"key": str(key or "").strip().upper(), "text": str(text or "").strip()})
    return options


def _choice_errors(
    answer_type: str, choices: list[dict[str, str]], errors: dict[str, list[str]]
) -> None:
    found: list[str] = []
    if answer_type != AnswerType.CHOICE:
        if choices:
            found.append(_("Only multiple-choice questions have options; remove them."))
    else:
        if not CHOICES_MIN <= len(choices) <= CHOICES_MAX:
            msg = _("A multiple-choice question needs %(min)s to %(max)s options.")
            found.append(msg % {"min": CHOICES_MIN, "max": CHOICES_MAX})
        keys = [c["key"] for c in choices]
        found += [e for c in choices for e in _option_errors(c)]
        for key in sorted({k for k in keys if k and keys.count(k) > 1}):
            found.append(_("The option key %(key)s is used twice.") % {"key": key})
    if found:
        errors.setdefault("choices", []).extend(dict.fromkeys(found))


def _option_errors(option: dict[str, str]) -> list[str]:
    if not CHOICE_KEY.match(option["key"]):
        msg = _("Option “%(text)s” needs a key of 1–3 letters or digits, written as “A. text”.")
        return [msg % {"text": option["text"][:40]}]
    if not option["text"] or len(option["text"]) > CHOICE_TEXT_LEN:
        msg = _("Option %(key)s needs a text of at most %(n)s characters.")
        return [msg % {"key": option["key"], "n": CHOICE_TEXT_LEN}]
    return []


def _rubric_errors(rubric: list[RubricInput], errors: dict[str, list[str]]) -> None:
    found: list[str] = []
    if not rubric:
        found.append(_("Give at least one rubric level."))
    levels = [r.level for r in rubric]
    for level in sorted({lv for lv in levels if levels.count(lv) > 1}):
        found.append(_("Rubric level %(level)s is given twice.") % {"level": level})
    for r in rubric:
        if not isinstance(r.level, int) or not 1 <= r.level <= 10:
            found.append(_("Rubric levels are whole numbers from 1 to 10."))
        if not (r.description or "").strip():
            found.append(_("Rubric level %(level)s needs a description.") % {"level": r.level})
        if len(r.keywords) > MAX_KEYWORDS or any(len(k) > KEYWORD_LEN for k in r.keywords):
            msg = _("Rubric level %(level)s: at most %(n)s keywords of at most %(len)s characters.")
            found.append(msg % {"level": r.level, "n": MAX_KEYWORDS, "len": KEYWORD_LEN})
    if found:
        errors.setdefault("rubric", []).extend(dict.fromkeys(found))


def _list_errors(data: QuestionInput, errors: dict[str, list[str]]) -> None:
    probe = QuestionDimension()
    for code in data.dimension_codes:
        probe.code = code
        if full_clean_errors(probe, exclude=["question"]):
            msg = _("The dimension code %(code)s is not valid (letters, digits, - and _ only).")
            errors.setdefault("dimension_codes", []).append(msg % {"code": code})
    if any(len(t) > TAG_LEN for t in data.tags) or len(_tags_value(data.tags)) > 500:
        msg = _("Tags are at most %(len)s characters each and 500 in total.") % {"len": TAG_LEN}
        errors.setdefault("tags", []).append(msg)


def _tags_value(tags: list[str]) -> str:
    return f",{','.join(tags)}," if tags else ""


def question_input_normalise(data: QuestionInput) -> QuestionInput:
    """Trim text and split tags, codes and keywords typed with any separator."""
    data.text = (data.text or "").strip()
    data.choices = choices_normalise(data.choices)
    data.tags = split_list(data.tags)
    data.dimension_codes = split_list(data.dimension_codes)
    for r in data.rubric:
        r.description = (r.description or "").strip()
        r.keywords = split_list(r.keywords)
    if all(isinstance(r.level, int) for r in data.rubric):
        data.rubric.sort(key=lambda r: r.level)
    return data


@transaction.atomic
def question_create(
    *, actor: SystemActor, org_unit: OrgUnit, data: QuestionInput, via: str = ""
) -> Question:
    """Add a question to the bank of `org_unit`; refuses invalid input with nothing saved."""
    require_manage(actor, org_unit.pk)
    data = question_input_normalise(data)
    errors = question_validate(data)
    if errors:
        raise ValidationError(errors)
    question = Question(org_unit=org_unit)
    _write(question, data)
    fields = ["org_unit", *SCALAR_FIELDS, "tags", "dimension_codes", "rubric"]
    audit_record(
        actor=actor,
        action="question.create",
        obj=question,
        changed_fields=fields,
        detail={"via": via} if via else None,
    )
    return question


@transaction.atomic
def question_update(*, actor: SystemActor, question: Question, data: QuestionInput) -> Question:
    """Replace the content of `question`; templates already built keep their snapshot."""
    require_manage(actor, question.org_unit_id)
    data = question_input_normalise(data)
    errors = question_validate(data)
    if errors:
        raise ValidationError(errors)
    before = question_input_from(question)
    changed = [
        name for name in before.__dataclass_fields__ if getattr(before, name) != getattr(data, name)
    ]
    if changed:
        _write(question, data)
        audit_record(actor=actor, action="question.update", obj=question, changed_fields=changed)
    return question


@transaction.atomic
def question_delete(*, actor: Actor, question: Question) -> None:
    """Remove a question from the bank; template versions keep their frozen copy."""
    require_manage(actor, question.org_unit_id)
    pk, unit_id = question.pk, question.org_unit_id
    guarded_delete(question, _("This question is in use and cannot be deleted; deactivate it."))
    audit_record(
        actor=actor,
        action="question.delete",
        object_type="jobs.question",
        object_id=pk,
        org_unit_id=unit_id,
    )


def _write(question: Question, data: QuestionInput) -> None:
    for name in SCALAR_FIELDS:
        setattr(question, name, getattr(data, name))
    question.tags = _tags_value(data.tags)
    question.save()
    # A question read through a selector carries prefetched rows that are now stale.
    getattr(question, "_prefetched_objects_cache", {}).clear()
    question.rubric_levels.all().delete()
    RubricLevel.objects.bulk_create(
        RubricLevel(
            question=question, level=r.level, description=r.description, keywords=r.keywords
        )
        for r in data.rubric
    )
    question.dimension_links.all().delete()
    QuestionDimension.objects.bulk_create(
        QuestionDimension(question=question, code=c) for c in data.dimension_codes
    )
