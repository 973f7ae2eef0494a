"""Post-hire data through the API: one record, an Excel workbook, the performance scales
and the inbound webhook sources (whose secret is shown once)."""

from typing import Any

from ninja import File, Router, Status
from ninja.files import UploadedFile

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.employees import selectors as sel
from mianshi.employees.api.schemas import (
    ImportOut,
    InvalidOut,
    PostHireIn,
    PostHireOut,
    ScaleIn,
    ScaleOut,
    SourceCreatedOut,
    SourceIn,
    SourceOut,
)
from mianshi.employees.services.excel import posthire_import
from mianshi.employees.services.inbound import inbound_source_create
from mianshi.employees.services.posthire import posthire_record
from mianshi.employees.services.scales import scale_set

router = Router(tags=["employees"])
READ, WRITE = "employees:read", "employees:write"


@router.post("/{int:employee_id}/post-hire", response={200: PostHireOut, 201: PostHireOut})
def post_record(request: ApiRequest, employee_id: int, payload: PostHireIn) -> Any:
    require_scope(request, WRITE)
    employee = sel.employee_for_write(user=request.user, pk=employee_id)
    data = payload.model_dump()
    record, created = posthire_record(actor=request.user, employee=employee, data=data)
    return Status(201 if created else 200, record)


@router.post("/post-hire/import", response={200: ImportOut, 422: ImportOut | InvalidOut})
def import_records(request: ApiRequest, file: File[UploadedFile]) -> Any:
    require_scope(request, WRITE)
    report = posthire_import(actor=request.user, upload=file)
    return Status(422 if report.errors else 200, report)


@router.put("/scales", response=ScaleOut)
def put_scale(request: ApiRequest, payload: ScaleIn) -> Any:
    require_scope(request, WRITE)
    unit = sel.unit_for_employees(user=request.user, pk=payload.org_unit_id)
    return scale_set(
        actor=request.user, org_unit=unit, name=payload.name,
        grades=payload.grades, ranges=payload.ranges,
    )  # fmt: skip


@router.get("/inbound-sources", response=list[SourceOut])
def list_sources(request: ApiRequest) -> Any:
    require_scope(request, READ)
    return sel.sources_visible(user=request.user)


@router.post("/inbound-sources", response={201: SourceCreatedOut})
def create_source(request: ApiRequest, payload: SourceIn) -> Any:
    require_scope(request, WRITE)
    unit = sel.unit_for_employees(user=request.user, pk=payload.org_unit_id)
    source, secret = inbound_source_create(actor=request.user, name=payload.name, org_unit=unit)
    shown = SourceOut.model_validate(source).model_dump()
    return Status(201, {**shown, "secret": secret})  # this once; the row keeps it sealed
