"""The archive pages: the employee list, an employee's page (baseline, timeline, a record
entered by hand), the frozen report's download and the Excel import.

Thin: parse, call one selector or service, render. Reads of an employee are audited like
a candidate's; a refusal is the page again with the message, never a 500.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.candidates.responses import attachment
from mianshi.compliance.services import audit_read
from mianshi.employees import selectors as sel
from mianshi.employees.forms import ImportForm, RecordForm
from mianshi.employees.models import EmployeeStatus, RecordSource
from mianshi.employees.services.baseline import baseline_report_download
from mianshi.employees.services.excel import ImportReport, posthire_import
from mianshi.employees.services.posthire import posthire_record
from mianshi.organisations.scoping import has_cap


@login_required
@require_GET
def employee_list(request: AuthedHttpRequest) -> HttpResponse:
    """Employees the reader may see, newest hires first."""
    if not has_cap(request.user, Cap.EMPLOYEES_VIEW):
        raise PermissionDenied
    q, status = request.GET.get("q", "")[:100], request.GET.get("status", "")
    rows = sel.employee_list(user=request.user, q=q, status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    ids = [e.pk for e in page.object_list]
    audit_read(actor=request.user, action="employee.list", ids=ids, detail={"page": page.number})
    context = {"page": page, "q": q, "status": status, "statuses": EmployeeStatus.choices}
    return render(request, "employees/employee_list.html", context)


def _detail(request: AuthedHttpRequest, employee_id: int, form: RecordForm | None = None,
            status: int = 200) -> HttpResponse:  # fmt: skip
    employee = sel.employee_get(user=request.user, pk=employee_id)
    audit_read(actor=request.user, action="employee.view", obj=employee, detail={"page": "ui"})
    context: dict[str, Any] = {
        "employee": employee,
        "baseline": sel.baseline_of(employee),
        "timeline": sel.employee_timeline(employee=employee),
        "can_manage": sel.can_manage(user=request.user, employee=employee),
        "form": form or RecordForm(),
    }
    return render(request, "employees/employee_detail.html", context, status=status)


@login_required
@require_GET
def employee_detail(request: AuthedHttpRequest, employee_id: int) -> HttpResponse:
    """The employee, the interview baseline frozen at hire and the timeline."""
    return _detail(request, employee_id)


@login_required
@require_POST
def record_add(request: AuthedHttpRequest, employee_id: int) -> HttpResponse:
    """A post-hire record entered on the employee's page."""
    employee = sel.employee_for_write(user=request.user, pk=employee_id)
    form = RecordForm(request.POST)
    if not form.is_valid():
        return _detail(request, employee_id, form, 400)
    try:
        posthire_record(actor=request.user, employee=employee, data=form.cleaned_data,
                        source=RecordSource.UI)  # fmt: skip
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _detail(request, employee_id, form, 400)
    messages.success(request, _("The record was added."))
    return redirect(reverse("employees:employee_detail", args=[employee_id]) + "#timeline")


@login_required
@require_GET
def baseline_report(request: AuthedHttpRequest, employee_id: int) -> HttpResponse:
    """The interview report frozen at hire (the download is audited)."""
    employee = sel.employee_get(user=request.user, pk=employee_id)
    pdf, name = baseline_report_download(actor=request.user, employee=employee)
    return attachment(pdf, name, "application/pdf")


@login_required
@require_http_methods(["GET", "POST"])
def posthire_upload(request: AuthedHttpRequest) -> HttpResponse:
    """Upload an Excel workbook of post-hire records: all rows or none, with the report."""
    if not has_cap(request.user, Cap.EMPLOYEES_MANAGE):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            report = posthire_import(actor=request.user, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        status = 400 if report is None or report.errors else 200
    elif request.method == "POST":
        status = 400
    return render(request, "employees/import.html", {"form": form, "report": report}, status=status)
