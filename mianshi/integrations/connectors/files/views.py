"""The file import/export page (thin: parse, call one service, render).

The import form has two buttons: "Check" posts through htmx and shows the per-row report
below the form while the chosen file stays selected, so HR fixes the file or the template
and checks again; "Import" posts the whole page, which queues the file as a job and
redirects to its progress page (job_views.py): a worker imports every row or none. Without
JavaScript both buttons work as plain posts.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.candidates.forms import form_errors
from mianshi.common.errors import DomainError
from mianshi.integrations.connectors.adapters.files.readers import ReadOptions
from mianshi.integrations.connectors.files import selectors as sel
from mianshi.integrations.connectors.files.defaults import import_template
from mianshi.integrations.connectors.files.exports import file_export
from mianshi.integrations.connectors.files.forms import ExportForm, ImportForm
from mianshi.integrations.connectors.files.imports import ImportSpec, file_import_check
from mianshi.integrations.connectors.files.jobs import import_job_create
from mianshi.integrations.connectors.files.kinds import KINDS
from mianshi.integrations.connectors.files.models import ImportJob
from mianshi.integrations.connectors.files.report import ImportReport
from mianshi.integrations.connectors.files.responses import download
from mianshi.integrations.connectors.files.templates import TemplateRefused, stored_templates
from mianshi.integrations.connectors.files.uploads import check_size, format_for
from mianshi.organisations.scoping import has_cap

DEFAULT_KIND = "candidate"


def _htmx(request: AuthedHttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _kind(request: AuthedHttpRequest) -> str:
    wanted = request.POST.get("kind") or request.GET.get("kind") or DEFAULT_KIND
    return wanted if wanted in KINDS else DEFAULT_KIND


def _import_form(request: AuthedHttpRequest, kind: str) -> ImportForm:
    cap = KINDS[kind].manage_cap
    templates = [t for k in KINDS for t in stored_templates(actor=request.user, kind=k, cap=cap)]
    units = sel.import_units(request.user, kind)
    data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    return ImportForm(*data, units=units, templates=templates, initial={"kind": kind})


@login_required
def files_import(request: AuthedHttpRequest) -> HttpResponse:
    """Upload, check (dry run) and import; the export buttons below."""
    kind = _kind(request)
    may_import = has_cap(request.user, KINDS[kind].manage_cap)
    if not may_import and not has_cap(request.user, KINDS[kind].view_cap):
        raise PermissionDenied
    form = _import_form(request, kind) if may_import else None
    report = None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        outcome = _run(request, form) if form.is_valid() else None
        if isinstance(outcome, ImportJob):
            return _queued(request, outcome)
        report = outcome
    export_form = ExportForm(units=sel.export_units(request.user, kind), initial={"kind": kind})
    context = {
        "form": form, "report": report, "kind": KINDS[kind], "export_form": export_form,
        "layout": json.dumps(import_template(kind), ensure_ascii=False, indent=2),
        "recent": sel.import_jobs_recent(request.user, kind) if may_import else [],
    }  # fmt: skip
    page = "connectors_files/_report.html" if _htmx(request) else "connectors_files/files.html"
    return render(request, page, context, status=422 if report and not report.ok else 200)


def _run(request: AuthedHttpRequest, form: ImportForm) -> ImportReport | ImportJob | None:
    """The check's report, the queued job, or None with the form's errors added."""
    data: dict[str, Any] = form.cleaned_data
    upload = data["file"]
    try:
        check_size(upload.size)
        spec = ImportSpec(
            kind=data["kind"],
            fmt=format_for(upload.name or "", data["format"]),
            template=sel.template_choice(
                request.user, data["kind"], data["template"], data["template_id"]
            ),
            options=ReadOptions(record=data["record"]),
        )
        unit = sel.import_unit(request.user, data["kind"], data["unit"])
        if request.POST.get("action") == "import":
            return import_job_create(actor=request.user, spec=spec, upload=upload, unit=unit)
        return file_import_check(actor=request.user, spec=spec, source=upload, unit=unit)
    except ValidationError as exc:
        form_errors(form, exc)
    except TemplateRefused as exc:
        form.add_error("template", [str(p) for p in exc.problems])
    except Http404:
        form.add_error("template_id", _("This template is not for these records."))
    except DomainError as exc:
        form.add_error(None, exc.message)
    return None


def _queued(request: AuthedHttpRequest, job: ImportJob) -> HttpResponse:
    url = reverse("integrations:files_import_job", args=[job.pk])
    return HttpResponseClientRedirect(url) if _htmx(request) else redirect(url)


@login_required
def files_export(request: AuthedHttpRequest) -> HttpResponseBase:
    """Download the records the user may see, audited by the service."""
    kind = _kind(request)
    form = ExportForm(request.GET, units=sel.export_units(request.user, kind))
    if not form.is_valid():
        messages.error(request, _("Choose what to export and the format."))
        return redirect(reverse("integrations:files_import") + f"?kind={kind}")
    data = form.cleaned_data
    unit = sel.export_unit(request.user, kind, data["unit"])
    export = file_export(actor=request.user, kind=kind, fmt=data["format"], unit=unit)
    return download(export)
