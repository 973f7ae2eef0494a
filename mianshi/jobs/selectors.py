"""Reads of jobs, competency models, questions and templates, always scoped to the user.

Jobs and templates are visible in the user's grant subtrees. Competency models and
questions are also *shared downwards*: one owned by an ancestor unit (e.g. 总部) is
readable by users of its descendants, so a province can run one unified model and bank.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.jobs.models import (
    CompetencyModel,
    Dimension,
    InterviewTemplate,
    Job,
    Question,
    TemplateQuestion,
    TemplateVersion,
)
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import scope, units_for
from mianshi.organisations.selectors import orgunits_usable


def shared_unit_ids(*, user: Actor) -> frozenset[int]:
    """Units whose shared models and questions `user` may read: own subtrees plus ancestors."""
    own = units_for(user, Cap.JOBS_VIEW)
    paths = OrgUnit.objects.filter(id__in=own).values_list("path", flat=True)
    ancestors = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    return own | ancestors


def manageable_units(*, user: Actor) -> QuerySet[OrgUnit]:
    """Units where `user` may create and edit jobs, models, questions and templates."""
    return orgunits_usable(user=user, cap=Cap.JOBS_MANAGE)


def can_manage(*, user: Actor, obj: Any) -> bool:
    """Whether `user` may change `obj` (it must be owned inside a JOBS_MANAGE subtree)."""
    return obj.org_unit_id in units_for(user, Cap.JOBS_MANAGE)


# Jobs ---------------------------------------------------------------------------------


def job_list_for(
    *, user: Actor, q: str = "", status: str = "", org_unit: int | None = None
) -> QuerySet[Job]:
    """The jobs `user` may see, optionally filtered by text, status and unit."""
    qs = scope(Job.objects.select_related("org_unit", "competency_model"), user, Cap.JOBS_VIEW)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if org_unit:
        qs = qs.filter(org_unit_id=org_unit)
    return qs


def job_get_for(*, user: Actor, pk: int) -> Job:
    """One job `user` may see, else 404."""
    return get_object_or_404(job_list_for(user=user), pk=pk)


# Competency models --------------------------------------------------------------------


def competency_model_list_for(*, user: Actor, q: str = "") -> QuerySet[CompetencyModel]:
    """Models owned in the user's subtrees or shared from an ancestor unit."""
    qs = CompetencyModel.objects.filter(org_unit_id__in=shared_unit_ids(user=user))
    qs = (
        qs.select_related("org_unit")
        .annotate(dimension_count=Count("dimensions"))
        .order_by("name", "id")
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    return qs


def competency_model_get_for(*, user: Actor, pk: int) -> CompetencyModel:
    """One readable model with its dimensions prefetched, else 404."""
    qs = competency_model_list_for(user=user).prefetch_related(_dimension_prefetch())
    return get_object_or_404(qs, pk=pk)


def _dimension_prefetch() -> Prefetch[Any]:
    children = Prefetch("children", queryset=Dimension.objects.order_by("position", "id"))
    top = Dimension.objects.filter(parent__isnull=True).prefetch_related(children)
    return Prefetch("dimensions", queryset=top, to_attr="top_dimensions")


def dimension_tree(model: CompetencyModel) -> list[Dimension]:
    """Top-level dimensions (children prefetched) in order."""
    top = getattr(model, "top_dimensions", None)
    if top is not None:
        return list(top)
    qs = model.dimensions.filter(parent__isnull=True).prefetch_related("children")
    return list(qs.order_by("position", "id"))


# Questions ----------------------------------------------------------------------------


def question_list_for(
    *,
    user: Actor,
    q: str = "",
    type: str = "",
    language: str = "",
    tag: str = "",
    dimension: str = "",
    active: bool | None = None,
) -> QuerySet[Question]:
    """Questions of the bank `user` may read (own subtrees and shared from ancestors)."""
    qs = Question.objects.filter(org_unit_id__in=shared_unit_ids(user=user))
    qs = qs.select_related("org_unit").prefetch_related("rubric_levels", "dimension_links")
    if q:
        qs = qs.filter(Q(text__icontains=q) | Q(reference_answer__icontains=q))
    if type:
        qs = qs.filter(type=type)
    if language:
        qs = qs.filter(language=language)
    if tag:
        qs = qs.filter(tags__contains=f",{tag.strip()},")
    if dimension:
        qs = qs.filter(dimension_links__code=dimension.strip()).distinct()
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def question_get_for(*, user: Actor, pk: int) -> Question:
    """One readable question, else 404."""
    return get_object_or_404(question_list_for(user=user), pk=pk)


# Interview templates ------------------------------------------------------------------


def template_list_for(
    *, user: Actor, q: str = "", job: int | None = None
) -> QuerySet[InterviewTemplate]:
    """The templates `user` may see."""
    qs = InterviewTemplate.objects.select_related("org_unit", "job", "competency_model")
    qs = scope(qs, user, Cap.JOBS_VIEW)
    if q:
        qs = qs.filter(name__icontains=q)
    if job:
        qs = qs.filter(job_id=job)
    return qs.annotate(version_count=Count("versions")).order_by("name", "id")


def template_get_for(*, user: Actor, pk: int) -> InterviewTemplate:
    """One visible template, else 404."""
    return get_object_or_404(template_list_for(user=user), pk=pk)


def template_current_version(template: InterviewTemplate) -> TemplateVersion:
    """The newest version of `template` (every template has at least version 1)."""
    version = _versions(template).first()
    if version is None:  # only possible for a template written outside the services
        raise TemplateVersion.DoesNotExist(f"template {template.pk} has no version")
    return version


def template_versions(template: InterviewTemplate) -> QuerySet[TemplateVersion]:
    """All versions of `template`, newest first, with their questions."""
    return _versions(template)


def template_version_get(*, template: InterviewTemplate, number: int) -> TemplateVersion:
    """One version of an already scoped template, else 404."""
    return get_object_or_404(_versions(template), number=number)


def _versions(template: InterviewTemplate) -> QuerySet[TemplateVersion]:
    items = Prefetch("items", queryset=TemplateQuestion.objects.order_by("position"))
    return template.versions.order_by("-number").prefetch_related(items)
