"""Import (upload form) and export (download) of question banks and competency models."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.jobs import services
from mianshi.jobs.forms import ImportForm, QuestionFilterForm, SearchForm
from mianshi.jobs.transfer.export import competency_models_export, question_bank_export
from mianshi.jobs.transfer.files import FORMATS, ExportFile, read_limited
from mianshi.jobs.views.common import require_manage

KINDS: dict[str, Any] = {
    "questions": (services.question_bank_import, "jobs:question_list"),
    "models": (services.competency_models_import, "jobs:model_list"),
}


@login_required
def import_file(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    require_manage(request.user)
    service, done = KINDS[kind]
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = service(
                actor=request.user,
                org_unit=form.cleaned_data["org_unit"],
                filename=upload.name,
                content=read_limited(upload),
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(
                request,
                ngettext("%(n)s item imported.", "%(n)s items imported.", len(created))
                % {"n": len(created)},
            )
            return redirect(done)
    return render(request, "jobs/import.html", {"form": form, "kind": kind})


@login_required
def export_file(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    fmt = request.GET.get("format", "json")
    if kind not in KINDS or fmt not in FORMATS:
        raise Http404
    if kind == "questions":
        filters = QuestionFilterForm(request.GET)
        filters.is_valid()
        file = question_bank_export(user=request.user, fmt=fmt, filters=filters.cleaned_data)
    else:
        search = SearchForm(request.GET)
        search.is_valid()
        file = competency_models_export(
            user=request.user, fmt=fmt, q=search.cleaned_data.get("q", "")
        )
    return _download(file)


def _download(file: ExportFile) -> HttpResponse:
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response
