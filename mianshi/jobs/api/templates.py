"""/api/jobs/templates: interview templates and their versions."""

from ninja import Router, Status
from ninja.pagination import paginate

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.common.pagination import BoundedPageNumberPagination
from mianshi.jobs import selectors, services
from mianshi.jobs.api.refs import resolve_ids, unit_ref
from mianshi.jobs.models import InterviewTemplate, TemplateVersion
from mianshi.jobs.schemas import TemplateIn, TemplateOut, TemplatePatch, TemplateUpdate, VersionOut

router = Router()


@router.get("", response=list[TemplateOut])
@paginate(BoundedPageNumberPagination, page_size=50)
def template_list(request: ApiRequest, q: str = "", job: int | None = None):  # type: ignore[no-untyped-def]
    require_scope(request, "jobs:read")
    return selectors.template_list_for(user=request.user, q=q, job=job)


@router.post("", response={201: TemplateOut})
def template_create(request: ApiRequest, payload: TemplateIn) -> Status[InterviewTemplate]:
    require_scope(request, "jobs:write")
    refs = resolve_ids(request.user, payload.dict(include={"job_id", "competency_model_id"}))
    template = services.template_create(
        actor=request.user,
        org_unit=unit_ref(request.user, payload.org_unit_id),
        name=payload.name,
        description=payload.description or "",
        question_ids=payload.question_ids,
        **refs,
    )
    return Status(201, template)


@router.get("/{int:pk}", response=TemplateOut)
def template_detail(request: ApiRequest, pk: int) -> InterviewTemplate:
    require_scope(request, "jobs:read")
    return selectors.template_get_for(user=request.user, pk=pk)


@router.put("/{int:pk}", response=TemplateOut)
def template_replace(request: ApiRequest, pk: int, payload: TemplateUpdate) -> InterviewTemplate:
    data = payload.dict(exclude={"question_ids"})
    data["description"] = data["description"] or ""
    return _update(request, pk, data, payload.question_ids)


@router.patch("/{int:pk}", response=TemplateOut)
def template_patch(request: ApiRequest, pk: int, payload: TemplatePatch) -> InterviewTemplate:
    data = {k: v for k, v in payload.dict(exclude_unset=True, exclude={"question_ids"}).items()}
    if data.get("name") is None:
        data.pop("name", None)
    return _update(request, pk, data, payload.question_ids)


def _update(
    request: ApiRequest, pk: int, data: dict, question_ids: list[int] | None
) -> InterviewTemplate:  # type: ignore[type-arg]
    require_scope(request, "jobs:write")
    template = selectors.template_get_for(user=request.user, pk=pk)
    services.template_update(
        actor=request.user,
        template=template,
        data=resolve_ids(request.user, data),
        question_ids=question_ids,
    )
    return selectors.template_get_for(user=request.user, pk=pk)


@router.delete("/{int:pk}", response={204: None})
def template_delete(request: ApiRequest, pk: int) -> Status[None]:
    require_scope(request, "jobs:write")
    services.template_delete(
        actor=request.user, template=selectors.template_get_for(user=request.user, pk=pk)
    )
    return Status(204, None)


@router.get("/{int:pk}/versions", response=list[VersionOut])
def version_list(request: ApiRequest, pk: int) -> list[TemplateVersion]:
    require_scope(request, "jobs:read")
    return list(selectors.template_versions(selectors.template_get_for(user=request.user, pk=pk)))


@router.get("/{int:pk}/versions/{int:number}", response=VersionOut)
def version_detail(request: ApiRequest, pk: int, number: int) -> TemplateVersion:
    require_scope(request, "jobs:read")
    template = selectors.template_get_for(user=request.user, pk=pk)
    return selectors.template_version_get(template=template, number=number)
