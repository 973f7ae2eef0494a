"""Turning ids in request bodies into scoped objects; an unknown or hidden id is a 422."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.jobs import selectors
from mianshi.jobs.models import CompetencyModel, InterviewTemplate, Job
from mianshi.jobs.transfer.files import ExportFile
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.selectors import orgunit_resolve


def unit_ref(user: Actor, pk: int) -> OrgUnit:
    """A unit where `user` manages jobs; one outside them is as unknown as a missing one."""
    return orgunit_resolve(user=user, pk=pk, cap=Cap.JOBS_MANAGE, field="org_unit_id")


def model_ref(user: Actor, pk: int | None) -> CompetencyModel | None:
    return _ref(selectors.competency_model_get_for, user, pk, "competency_model_id")


def job_ref(user: Actor, pk: int | None) -> Job | None:
    return _ref(selectors.job_get_for, user, pk, "job_id")


def template_ref(user: Actor, pk: int | None) -> InterviewTemplate | None:
    return _ref(selectors.template_get_for, user, pk, "interview_template_id")


def second_round_ref(user: Actor, pk: int | None) -> InterviewTemplate | None:
    return _ref(selectors.template_get_for, user, pk, "second_round_template_id")


def _ref(get: Any, user: Actor, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    try:
        return get(user=user, pk=pk)
    except Http404 as exc:
        raise ValidationError({field: _("No such object, or not visible to you.")}) from exc


def resolve_ids(user: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Replace the *_id keys of a request body by the objects they name."""
    out = dict(data)
    for key, field, resolve in (
        ("competency_model_id", "competency_model", model_ref),
        ("interview_template_id", "interview_template", template_ref),
        ("second_round_template_id", "second_round_template", second_round_ref),
        ("job_id", "job", job_ref),
    ):
        if key in out:
            out[field] = resolve(user, out.pop(key))
    return out


def download(request: HttpRequest, file: ExportFile) -> HttpResponse:
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response
