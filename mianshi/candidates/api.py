"""REST endpoints of this app (thin: parse, call a service or selector, answer).

Mounted at /api/candidates. Every endpoint starts from the scoped selectors, so an object
outside the caller's scope answers 404 exactly as in the UI.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.candidates import selectors as sel
from mianshi.candidates import services as svc
from mianshi.candidates.responses import attachment, csv_response
from mianshi.candidates.schemas import (
    ApplicationDetailOut,
    ApplicationIn,
    ApplicationOut,
    ApplicationPatch,
    ApplicationQuery,
    AssignmentIn,
    BulkIn,
    BulkOut,
    CandidateDetailOut,
    CandidateIn,
    CandidateOut,
    CandidatePatch,
    CandidateQuery,
    NoteIn,
    NoteOut,
    TagIn,
    TransitionIn,
    TransitionOut,
)
from mianshi.common.external_refs import external_ref_ids
from mianshi.compliance.pagination import AuditedPagination
from mianshi.compliance.services import audit_read

router = Router(tags=["candidates"])
READ, WRITE = "candidates:read", "candidates:write"


def _by_ref(rows: QuerySet[Any], external_ref: str) -> QuerySet[Any]:
    """The scoped rows carrying "source:id" (all of them for no filter)."""
    return rows.filter(pk__in=external_ref_ids(rows.model, external_ref)) if external_ref else rows


# --- candidates --------------------------------------------------------------------------


@router.get("/", response=list[CandidateOut])
@paginate(AuditedPagination, page_size=50, audit_action="candidate.list")
def list_candidates(request: ApiRequest, filters: Query[CandidateQuery]) -> Any:
    require_scope(request, READ)
    parsed = sel.CandidateFilters(
        q=filters.q, job=filters.job, stage=filters.stage or "", unit=filters.unit, tag=filters.tag
    )
    rows = sel.candidate_list(user=request.user, filters=parsed)
    return _by_ref(rows, filters.external_ref).prefetch_related("tags", "external_refs")


@router.post("/", response={201: CandidateOut})
def create_candidate(request: ApiRequest, payload: CandidateIn) -> Any:
    require_scope(request, WRITE)
    data = payload.model_dump(exclude={"org_unit_id"})
    unit = sel.unit_for_candidates(user=request.user, pk=payload.org_unit_id)
    return Status(201, svc.candidate_create(actor=request.user, org_unit=unit, **data))


@router.get("/{int:candidate_id}", response=CandidateDetailOut)
def get_candidate(request: ApiRequest, candidate_id: int) -> Any:
    require_scope(request, READ)
    detail = sel.candidate_detail(user=request.user, pk=candidate_id)
    shown = "full" if detail["full_identifiers"] else "masked"
    audit_read(
        actor=request.user, action="candidate.view", obj=detail["candidate"],
        detail={"identifiers": shown, "page": "api"},
    )  # fmt: skip
    return detail["candidate"]


def _update(request: ApiRequest, candidate_id: int, data: dict[str, Any]) -> Any:
    candidate = sel.candidate_for_write(user=request.user, pk=candidate_id)
    if "org_unit_id" in data:
        data["org_unit"] = sel.unit_for_candidates(user=request.user, pk=data.pop("org_unit_id"))
    return svc.candidate_update(actor=request.user, candidate=candidate, data=data)


@router.put("/{int:candidate_id}", response=CandidateOut)
def replace_candidate(request: ApiRequest, candidate_id: int, payload: CandidateIn) -> Any:
    require_scope(request, WRITE)
    return _update(request, candidate_id, payload.model_dump())


@router.patch("/{int:candidate_id}", response=CandidateOut)
def patch_candidate(request: ApiRequest, candidate_id: int, payload: CandidatePatch) -> Any:
    require_scope(request, WRITE)
    return _update(request, candidate_id, payload.model_dump(exclude_unset=True))


@router.delete("/{int:candidate_id}", response={204: None})
def delete_candidate(request: ApiRequest, candidate_id: int) -> Any:
    require_scope(request, WRITE)
    candidate = sel.candidate_for_write(user=request.user, pk=candidate_id)
    svc.candidate_delete(actor=request.user, candidate=candidate)
    return Status(204, None)


@router.post("/{int:candidate_id}/notes", response={201: NoteOut})
def add_note(request: ApiRequest, candidate_id: int, payload: NoteIn) -> Any:
    require_scope(request, WRITE)
    candidate = sel.candidate_for_write(user=request.user, pk=candidate_id)
    return Status(
        201, svc.candidate_note_add(actor=request.user, candidate=candidate, body=payload.body)
    )


@router.post("/{int:candidate_id}/tags", response={201: CandidateOut})
def add_tag(request: ApiRequest, candidate_id: int, payload: TagIn) -> Any:
    require_scope(request, WRITE)
    candidate = sel.candidate_for_write(user=request.user, pk=candidate_id)
    svc.candidate_tag_add(actor=request.user, candidate=candidate, name=payload.name)
    return Status(201, candidate)


@router.delete("/{int:candidate_id}/tags/{name}", response={204: None})
def remove_tag(request: ApiRequest, candidate_id: int, name: str) -> Any:
    require_scope(request, WRITE)
    candidate = sel.candidate_for_write(user=request.user, pk=candidate_id)
    svc.candidate_tag_remove(actor=request.user, candidate=candidate, name=name)
    return Status(204, None)


@router.get("/tags", response=list[str])
def list_tags(request: ApiRequest) -> Any:
    require_scope(request, READ)
    return [t.name for t in sel.tag_list()]


@router.post("/{int:candidate_id}/resume", response={201: CandidateOut})
def upload_resume(request: ApiRequest, candidate_id: int, file: File[UploadedFile]) -> Any:
    require_scope(request, WRITE)
    candidate = sel.candidate_for_write(user=request.user, pk=candidate_id)
    svc.candidate_resume_upload(
        actor=request.user,
        candidate=candidate,
        upload=file,
        filename=file.name or "",
        size=file.size,
    )
    return Status(201, candidate)


@router.get("/{int:candidate_id}/resume")
def download_resume(request: ApiRequest, candidate_id: int) -> HttpResponse:
    require_scope(request, READ)
    candidate = sel.candidate_get(user=request.user, pk=candidate_id)
    data, name, content_type = svc.candidate_resume_download(
        actor=request.user, candidate=candidate
    )
    return attachment(data, name, content_type)


# --- applications ------------------------------------------------------------------------


@router.get("/applications", response=list[ApplicationOut])
@paginate(AuditedPagination, page_size=50, audit_action="application.list")
def list_applications(request: ApiRequest, filters: Query[ApplicationQuery]) -> Any:
    require_scope(request, READ)
    rows = sel.application_list(
        user=request.user, candidate=filters.candidate, job=filters.job, stage=filters.stage
    )
    return _by_ref(rows, filters.external_ref).prefetch_related("external_refs")


@router.post("/applications", response={201: ApplicationDetailOut})
def create_application(request: ApiRequest, payload: ApplicationIn) -> Any:
    require_scope(request, WRITE)
    candidate = sel.candidate_get(user=request.user, pk=payload.candidate_id)
    job = sel.job_for_application(user=request.user, pk=payload.job_id)
    return Status(
        201,
        svc.application_create(
            actor=request.user,
            candidate=candidate,
            job=job,
            reason=payload.reason,
            external_refs=payload.external_refs,
        ),
    )


@router.get("/applications/{int:application_id}", response=ApplicationDetailOut)
def get_application(request: ApiRequest, application_id: int) -> Any:
    require_scope(request, READ)
    application = sel.application_get(user=request.user, pk=application_id)
    detail = {"page": "api"}
    audit_read(actor=request.user, action="application.view", obj=application, detail=detail)
    return application


def _update_application(request: ApiRequest, application_id: int, data: dict[str, Any]) -> Any:
    require_scope(request, WRITE)
    application = sel.application_for_write(user=request.user, pk=application_id)
    score = data.get("overall_score", application.overall_score)  # PATCH: absent = kept
    return svc.application_update(
        actor=request.user, application=application, overall_score=score,
        external_refs=data.get("external_refs"),
    )  # fmt: skip


@router.patch("/applications/{int:application_id}", response=ApplicationDetailOut)
def patch_application(request: ApiRequest, application_id: int, payload: ApplicationPatch) -> Any:
    return _update_application(request, application_id, payload.model_dump(exclude_unset=True))


@router.put("/applications/{int:application_id}", response=ApplicationDetailOut)
def put_application(request: ApiRequest, application_id: int, payload: ApplicationPatch) -> Any:
    return _update_application(request, application_id, payload.model_dump())


@router.delete("/applications/{int:application_id}", response={204: None})
def delete_application(request: ApiRequest, application_id: int) -> Any:
    require_scope(request, WRITE)
    application = sel.application_for_write(user=request.user, pk=application_id)
    svc.application_delete(actor=request.user, application=application)
    return Status(204, None)


@router.post("/applications/{int:application_id}/transitions", response={201: TransitionOut})
def add_transition(request: ApiRequest, application_id: int, payload: TransitionIn) -> Any:
    require_scope(request, WRITE)
    application = sel.application_for_write(user=request.user, pk=application_id)
    return Status(
        201,
        svc.application_advance(
            actor=request.user,
            application=application,
            to_stage=payload.to_stage,
            reason=payload.reason,
        ),
    )


@router.get("/applications/{int:application_id}/transitions", response=list[TransitionOut])
def list_transitions(request: ApiRequest, application_id: int) -> Any:
    require_scope(request, READ)
    application = sel.application_get(user=request.user, pk=application_id)
    transitions = list(application.transitions.select_related("actor"))
    ids = [t.pk for t in transitions]
    audit_read(actor=request.user, action="application_transition.list", obj=application, ids=ids)
    return transitions


@router.post("/applications/{int:application_id}/assignments", response={201: ApplicationDetailOut})
def add_assignment(request: ApiRequest, application_id: int, payload: AssignmentIn) -> Any:
    require_scope(request, WRITE)
    application = sel.application_for_write(user=request.user, pk=application_id)
    interviewer = sel.active_user(pk=payload.interviewer_id)
    svc.application_assign(actor=request.user, application=application, interviewer=interviewer)
    return Status(201, application)


@router.post("/bulk", response={200: BulkOut})
def bulk(request: ApiRequest, payload: BulkIn) -> Any:
    require_scope(request, WRITE if payload.action != "export" else READ)
    if payload.action == "export":
        rows = svc.applications_export(actor=request.user, application_ids=payload.application_ids)
        return csv_response(rows)
    count = svc.applications_bulk_action(
        actor=request.user,
        action=payload.action,
        application_ids=payload.application_ids,
        to_stage=payload.to_stage,
        reason=payload.reason,
        tag=payload.tag,
        interviewer_id=payload.interviewer_id,
    )
    return {"action": payload.action, "count": count}
