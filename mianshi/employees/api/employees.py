"""Employees API: list, detail, PATCH, the frozen baseline, its report and the timeline.
An employee outside the caller's scope answers 404; reads of them are audited."""

from typing import Any

from django.http import Http404, HttpResponse
from ninja import Query, Router
from ninja.pagination import paginate

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.candidates.responses import attachment
from mianshi.compliance.pagination import AuditedPagination
from mianshi.compliance.services import audit_read
from mianshi.employees import selectors as sel
from mianshi.employees.api.schemas import (
    BaselineOut,
    EmployeeOut,
    EmployeePatch,
    EmployeeQuery,
    TimelineOut,
)
from mianshi.employees.services.baseline import baseline_report_download
from mianshi.employees.services.employees import employee_update

router = Router(tags=["employees"])
READ, WRITE = "employees:read", "employees:write"


@router.get("/", response=list[EmployeeOut])
@paginate(AuditedPagination, page_size=50, audit_action="employee.list")
def list_employees(request: ApiRequest, filters: Query[EmployeeQuery]) -> Any:
    require_scope(request, READ)
    return sel.employee_list(
        user=request.user, q=filters.q, status=filters.status, external_ref=filters.external_ref
    ).prefetch_related("external_refs")


@router.get("/{int:employee_id}", response=EmployeeOut)
def get_employee(request: ApiRequest, employee_id: int) -> Any:
    require_scope(request, READ)
    employee = sel.employee_get(user=request.user, pk=employee_id)
    audit_read(actor=request.user, action="employee.view", obj=employee, detail={"page": "api"})
    return employee


@router.patch("/{int:employee_id}", response=EmployeeOut)
def patch_employee(request: ApiRequest, employee_id: int, payload: EmployeePatch) -> Any:
    require_scope(request, WRITE)
    employee = sel.employee_for_write(user=request.user, pk=employee_id)
    data = payload.model_dump(exclude_unset=True, exclude_none=True, exclude={"external_refs"})
    refs = payload.external_refs
    return employee_update(actor=request.user, employee=employee, data=data, external_refs=refs)


@router.get("/{int:employee_id}/baseline", response=BaselineOut)
def get_baseline(request: ApiRequest, employee_id: int) -> Any:
    require_scope(request, READ)
    employee = sel.employee_get(user=request.user, pk=employee_id)
    baseline = sel.baseline_of(employee)
    if baseline is None:
        raise Http404
    audit_read(actor=request.user, action="employee.baseline_view", obj=employee)
    return baseline


@router.get("/{int:employee_id}/baseline/report.pdf", response={200: None})
def get_baseline_report(request: ApiRequest, employee_id: int) -> HttpResponse:
    require_scope(request, READ)
    employee = sel.employee_get(user=request.user, pk=employee_id)
    pdf, name = baseline_report_download(actor=request.user, employee=employee)
    return attachment(pdf, name, "application/pdf")


@router.get("/{int:employee_id}/timeline", response=list[TimelineOut])
def get_timeline(request: ApiRequest, employee_id: int) -> Any:
    require_scope(request, READ)
    employee = sel.employee_get(user=request.user, pk=employee_id)
    audit_read(actor=request.user, action="employee.timeline_view", obj=employee)
    return sel.employee_timeline(employee=employee)
