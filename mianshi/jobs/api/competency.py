"""/api/jobs/models: competency models with their dimensions, plus import/export."""

from typing import Any

from django.http import HttpResponse
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import paginate

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.common.pagination import BoundedPageNumberPagination
from mianshi.jobs import selectors, services
from mianshi.jobs.api.refs import download, unit_ref
from mianshi.jobs.models import CompetencyModel
from mianshi.jobs.schemas import (
    DimensionIn,
    ExportFormat,
    ImportOut,
    ModelIn,
    ModelOut,
    ModelPatch,
    ModelSummary,
    ModelUpdate,
)
from mianshi.jobs.services import DimensionInput
from mianshi.jobs.transfer.export import competency_models_export
from mianshi.jobs.transfer.files import read_limited

router = Router()


def dimension_inputs(items: list[DimensionIn] | None) -> list[DimensionInput] | None:
    if items is None:
        return None
    return [
        DimensionInput(d.name, d.weight, d.code, d.description, dimension_inputs(d.children) or [])
        for d in items
    ]


@router.get("", response=list[ModelSummary])
@paginate(BoundedPageNumberPagination, page_size=50)
def model_list(request: ApiRequest, q: str = ""):  # type: ignore[no-untyped-def]
    require_scope(request, "jobs:read")
    return selectors.competency_model_list_for(user=request.user, q=q)


@router.post("", response={201: ModelOut})
def model_create(request: ApiRequest, payload: ModelIn) -> Status[CompetencyModel]:
    require_scope(request, "jobs:write")
    model = services.competency_model_create(
        actor=request.user,
        org_unit=unit_ref(request.user, payload.org_unit_id),
        name=payload.name,
        description=payload.description or "",
        dimensions=dimension_inputs(payload.dimensions) or [],
    )
    return Status(201, selectors.competency_model_get_for(user=request.user, pk=model.pk))


@router.get("/export")
def model_export(request: ApiRequest, format: ExportFormat = "json", q: str = "") -> HttpResponse:
    require_scope(request, "jobs:read")
    return download(request, competency_models_export(user=request.user, fmt=format, q=q))


@router.post("/import", response={201: ImportOut})
def model_import(
    request: ApiRequest, org_unit_id: Form[int], file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    require_scope(request, "jobs:write")
    models = services.competency_models_import(
        actor=request.user,
        org_unit=unit_ref(request.user, org_unit_id),
        filename=file.name or "",
        content=read_limited(file),
    )
    return Status(201, {"created": len(models), "ids": [m.pk for m in models]})


@router.get("/{int:pk}", response=ModelOut)
def model_detail(request: ApiRequest, pk: int) -> CompetencyModel:
    require_scope(request, "jobs:read")
    return selectors.competency_model_get_for(user=request.user, pk=pk)


@router.put("/{int:pk}", response=ModelOut)
def model_replace(request: ApiRequest, pk: int, payload: ModelUpdate) -> CompetencyModel:
    return _update(request, pk, payload)


@router.patch("/{int:pk}", response=ModelOut)
def model_patch(request: ApiRequest, pk: int, payload: ModelPatch) -> CompetencyModel:
    return _update(request, pk, payload)


def _update(request: ApiRequest, pk: int, payload: ModelPatch) -> CompetencyModel:
    require_scope(request, "jobs:write")
    model = selectors.competency_model_get_for(user=request.user, pk=pk)
    data = payload.dict(exclude_unset=True, exclude={"dimensions"})
    services.competency_model_update(
        actor=request.user,
        model=model,
        data={k: v for k, v in data.items() if v is not None},
        dimensions=dimension_inputs(payload.dimensions),
    )
    return selectors.competency_model_get_for(user=request.user, pk=pk)


@router.delete("/{int:pk}", response={204: None})
def model_delete(request: ApiRequest, pk: int) -> Status[None]:
    require_scope(request, "jobs:write")
    model = selectors.competency_model_get_for(user=request.user, pk=pk)
    services.competency_model_delete(actor=request.user, model=model)
    return Status(204, None)
