"""/api/jobs/questions: the question bank, plus import/export."""

from typing import Any

from django.http import HttpResponse
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import paginate

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.common.pagination import BoundedPageNumberPagination
from mianshi.jobs import selectors, services
from mianshi.jobs.api.refs import download, unit_ref
from mianshi.jobs.models import Question
from mianshi.jobs.schemas import (
    ExportFormat,
    ImportOut,
    QuestionIn,
    QuestionOut,
    QuestionPatch,
    QuestionUpdate,
)
from mianshi.jobs.services import QuestionInput, RubricInput, question_input_from
from mianshi.jobs.transfer.export import question_bank_export
from mianshi.jobs.transfer.files import read_limited

router = Router()


def to_input(payload: QuestionPatch, base: QuestionInput | None = None) -> QuestionInput:
    """Overlay the fields the client sent on `base` (or on the defaults)."""
    data = payload.dict(exclude_unset=True, exclude={"org_unit_id", "rubric"})
    base = base or QuestionInput(type="", text="")
    for name, value in data.items():
        if value is not None:
            setattr(base, name, value)
    if payload.rubric is not None:
        base.rubric = [
            RubricInput(r.level, r.description, list(r.keywords)) for r in payload.rubric
        ]
    return base


@router.get("", response=list[QuestionOut])
@paginate(BoundedPageNumberPagination, page_size=50)
def question_list(  # type: ignore[no-untyped-def]
    request: ApiRequest,
    q: str = "",
    type: str = "",
    language: str = "",
    tag: str = "",
    dimension: str = "",
    active: bool | None = None,
):
    require_scope(request, "jobs:read")
    return selectors.question_list_for(
        user=request.user,
        q=q,
        type=type,
        language=language,
        tag=tag,
        dimension=dimension,
        active=active,
    )


@router.post("", response={201: QuestionOut})
def question_create(request: ApiRequest, payload: QuestionIn) -> Status[Question]:
    require_scope(request, "jobs:write")
    unit = unit_ref(request.user, payload.org_unit_id)
    return Status(
        201, services.question_create(actor=request.user, org_unit=unit, data=to_input(payload))
    )


@router.get("/export")
def question_export(
    request: ApiRequest, format: ExportFormat = "json", q: str = "", type: str = "", tag: str = ""
) -> HttpResponse:
    require_scope(request, "jobs:read")
    filters = {"q": q, "type": type, "tag": tag}
    return download(request, question_bank_export(user=request.user, fmt=format, filters=filters))


@router.post("/import", response={201: ImportOut})
def question_import(
    request: ApiRequest, org_unit_id: Form[int], file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    require_scope(request, "jobs:write")
    created = services.question_bank_import(
        actor=request.user,
        org_unit=unit_ref(request.user, org_unit_id),
        filename=file.name or "",
        content=read_limited(file),
    )
    return Status(201, {"created": len(created), "ids": [q.pk for q in created]})


@router.get("/{int:pk}", response=QuestionOut)
def question_detail(request: ApiRequest, pk: int) -> Question:
    require_scope(request, "jobs:read")
    return selectors.question_get_for(user=request.user, pk=pk)


@router.put("/{int:pk}", response=QuestionOut)
def question_replace(request: ApiRequest, pk: int, payload: QuestionUpdate) -> Question:
    require_scope(request, "jobs:write")
    question = selectors.question_get_for(user=request.user, pk=pk)
    return services.question_update(actor=request.user, question=question, data=to_input(payload))


@router.patch("/{int:pk}", response=QuestionOut)
def question_patch(request: ApiRequest, pk: int, payload: QuestionPatch) -> Question:
    require_scope(request, "jobs:write")
    question = selectors.question_get_for(user=request.user, pk=pk)
    data = to_input(payload, question_input_from(question))
    return services.question_update(actor=request.user, question=question, data=data)


@router.delete("/{int:pk}", response={204: None})
def question_delete(request: ApiRequest, pk: int) -> Status[None]:
    require_scope(request, "jobs:write")
    services.question_delete(
        actor=request.user, question=selectors.question_get_for(user=request.user, pk=pk)
    )
    return Status(204, None)
