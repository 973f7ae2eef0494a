"""Interview template writes (F-13): ordered questions, versioned once in use.

A version holds frozen copies of its questions and of the competency model's weights.
While nobody uses it, the current version is edited in place; once an interview or an
invitation locks it (`template_version_lock`), any change creates version number + 1, so
an interview always keeps the exact version it was taken with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor, SystemActor
from mianshi.common.errors import Conflict
from mianshi.compliance.services import audit_record
from mianshi.jobs.models import (
    CompetencyModel,
    InterviewTemplate,
    Job,
    Question,
    TemplateQuestion,
    TemplateVersion,
)
from mianshi.jobs.selectors import dimension_tree, shared_unit_ids, template_current_version
from mianshi.jobs.services.common import (
    apply,
    full_clean_errors,
    require_manage,
    require_readable_from,
)
from mianshi.organisations.models import OrgUnit

TEMPLATE_FIELDS = ("name", "description", "job", "competency_model")
MAX_QUESTIONS = 50


def question_snapshot(question: Question) -> dict[str, Any]:
    """The content of `question` a candidate sees and a scorer uses, frozen as plain data."""
    return {
        "id": question.pk,
        "type": question.type,
        "text": question.text,
        "answer_type": question.answer_type,
        "choices": list(question.choices),
        "language": question.language,
        "prep_seconds": question.prep_seconds,
        "answer_seconds": question.answer_seconds,
        "max_retakes": question.max_retakes,
        "screen_share": question.screen_share,
        "reference_answer": question.reference_answer,
        "dimension_codes": question.dimension_codes,
        "rubric": [
            {"level": r.level, "description": r.description, "keywords": list(r.keywords)}
            for r in sorted(question.rubric_levels.all(), key=lambda r: -r.level)
        ],
    }


def model_snapshot(model: CompetencyModel | None) -> dict[str, Any]:
    """The model's dimensions and weights as plain data ({} without a model)."""
    if model is None:
        return {}

    def dim(d: Any) -> dict[str, Any]:
        weight = None if d.weight is None else f"{d.weight.normalize():f}"
        return {
            "code": d.code,
            "name": d.name,
            "weight": weight,
            "children": [dim(c) for c in d.children.all()],
        }

    return {
        "id": model.pk,
        "name": model.name,
        "dimensions": [dim(d) for d in dimension_tree(model)],
    }


@transaction.atomic
def template_create(
    *,
    actor: SystemActor,
    org_unit: OrgUnit,
    name: str,
    description: str = "",
    job: Job | None = None,
    competency_model: CompetencyModel | None = None,
    question_ids: Sequence[int] = (),
) -> InterviewTemplate:
    """Create a template and its version 1 with the questions in the given order."""
    require_manage(actor, org_unit.pk)
    template = InterviewTemplate(
        org_unit=org_unit,
        name=(name or "").strip(),
        description=description,
        job=job,
        competency_model=competency_model,
    )
    _validate(template)
    questions = _questions(actor, question_ids)
    template.save()
    version = TemplateVersion.objects.create(template=template, number=1)
    items = [(q.pk, question_snapshot(q)) for q in questions]
    _fill(version, items, model_snapshot(competency_model))
    audit_record(
        actor=actor,
        action="template.create",
        obj=template,
        changed_fields=["org_unit", *TEMPLATE_FIELDS, "questions"],
        detail={"version": 1},
    )
    return template


@transaction.atomic
def template_update(
    *,
    actor: SystemActor,
    template: InterviewTemplate,
    data: Mapping[str, Any],
    question_ids: Sequence[int] | None = None,
) -> TemplateVersion:
    """Change a template; returns the current version (a new one if the old was in use)."""
    require_manage(actor, template.org_unit_id)
    template = InterviewTemplate.objects.select_for_update().get(pk=template.pk)
    changed = apply(template, dict(data), TEMPLATE_FIELDS)
    _validate(template)
    current = template_current_version(template)
    items, snap = _items(current), current.model_snapshot
    if question_ids is not None or "competency_model" in changed:
        # An explicit save freezes what the bank and the model say now.
        snap = model_snapshot(template.competency_model)
        if question_ids is not None:
            items = [(q.pk, question_snapshot(q)) for q in _questions(actor, question_ids)]
    version = current
    if items != _items(current) or snap != current.model_snapshot:
        if current.is_locked:
            version = TemplateVersion.objects.create(template=template, number=current.number + 1)
        _fill(version, items, snap)
        changed.append("questions")
    if changed:
        template.save()
        audit_record(
            actor=actor,
            action="template.update",
            obj=template,
            changed_fields=changed,
            detail={"version": version.number},
        )
    return version


@transaction.atomic
def template_delete(*, actor: Actor, template: InterviewTemplate) -> None:
    """Delete a template that was never used (interviews keep their version forever)."""
    require_manage(actor, template.org_unit_id)
    if template.versions.filter(locked_at__isnull=False).exists():
        raise Conflict(
            _("This template has been used by interviews and cannot be deleted."), code="in_use"
        )
    pk, unit_id = template.pk, template.org_unit_id
    template.delete()
    audit_record(
        actor=actor,
        action="template.delete",
        object_type="jobs.interviewtemplate",
        object_id=pk,
        org_unit_id=unit_id,
    )


@transaction.atomic
def template_version_lock(
    *, version: TemplateVersion, actor: SystemActor = None
) -> TemplateVersion:
    """Mark `version` as in use (idempotent); from now on edits create a new version."""
    # A conditional UPDATE, so two invitations locking at once record one event only.
    won = TemplateVersion.objects.filter(pk=version.pk, locked_at__isnull=True).update(
        locked_at=timezone.now()
    )
    version.refresh_from_db(fields=["locked_at"])
    if won:
        audit_record(
            actor=actor,
            action="template_version.lock",
            obj=version,
            changed_fields=["locked_at"],
            org_unit_id=version.template.org_unit_id,
            detail={"version": version.number},
        )
    return version


def _validate(template: InterviewTemplate) -> None:
    errors = full_clean_errors(template, exclude=["org_unit"])
    if errors:
        raise ValidationError(errors)
    if template.competency_model is not None:
        require_readable_from(
            template.competency_model.org_unit,
            template.org_unit,
            "competency_model",
            _(
                "The competency model must belong to the template's unit "
                "or one of its parent units."
            ),
        )
    if template.job is not None and not template.job.org_unit.path.startswith(
        template.org_unit.path
    ):
        raise ValidationError(
            {"job": _("The job must belong to the template's unit or one below it.")}
        )


def _questions(actor: SystemActor, ids: Sequence[int]) -> list[Question]:
    """The bank questions for `ids` in order; each must exist, be active and readable."""
    ids = list(ids)
    if len(ids) > MAX_QUESTIONS:
        raise ValidationError(
            {"questions": _("A template holds at most %(n)s questions.") % {"n": MAX_QUESTIONS}}
        )
    if len(set(ids)) != len(ids):
        raise ValidationError({"questions": _("A question appears twice in the template.")})
    qs = Question.objects.filter(pk__in=ids, is_active=True).prefetch_related(
        "rubric_levels", "dimension_links"
    )
    if actor is not None:
        qs = qs.filter(org_unit_id__in=shared_unit_ids(user=actor))
    found = {q.pk: q for q in qs}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        msg = _("These questions do not exist, are inactive or not visible to you: %(ids)s.")
        raise ValidationError({"questions": msg % {"ids": ", ".join(missing)}})
    return [found[i] for i in ids]


Item = tuple[int | None, dict[str, Any]]


def _items(version: TemplateVersion) -> list[Item]:
    return [(i.question_id, i.snapshot) for i in version.items.order_by("position")]


def _fill(version: TemplateVersion, items: Sequence[Item], snap: dict[str, Any]) -> None:
    version.items.all().delete()
    TemplateQuestion.objects.bulk_create(
        TemplateQuestion(version=version, position=pos, question_id=qid, snapshot=snapshot)
        for pos, (qid, snapshot) in enumerate(items, start=1)
    )
    version.model_snapshot = snap
    version.save(update_fields=["model_snapshot"])
    getattr(version, "_prefetched_objects_cache", {}).clear()
