"""The written exam page: the score-sheet template, the filled sheet's upload (every row
error shown, nothing saved), the scores table with an entry form per applicant, and 加试."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.candidates.models import Application
from mianshi.candidates.responses import attachment
from mianshi.compliance.services import audit_read
from mianshi.recruitment.forms_exams import ExtraForm, SheetForm, WrittenForm
from mianshi.recruitment.models import Post, ShortlistEntry
from mianshi.recruitment.scoresheet import template_xlsx
from mianshi.recruitment.selectors_written import template_rows, written_lines
from mianshi.recruitment.services.exams import (
    ImportReport,
    extra_enter,
    written_enter,
    written_import,
)
from mianshi.recruitment.views.exams.access import act, form_errors, hr_post

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SHEET = 20 * 1024 * 1024  # a sheet of 50,000 rows is far below; more is not a sheet


def sheet_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """Every row error of a refused sheet as (line, column, message); a problem with the
    file as a whole has no line."""
    rows = []
    for error in exc.error_list:
        params = error.params or {}
        rows.append({"line": params.get("line", ""), "column": params.get("column", ""),
                     "message": params.get("message") or " ".join(error.messages)})  # fmt: skip
    return rows


def _page(request: AuthedHttpRequest, post: Post, form: SheetForm, *, status: int = 200,
          errors: list[dict[str, Any]] | None = None, report: ImportReport | None = None
          ) -> HttpResponse:  # fmt: skip
    lines = written_lines(post=post)
    audit_read(actor=request.user, action="recruitment.written.view", obj=post,
               ids=[line.application_id for line in lines])  # fmt: skip
    context = {
        "post": post, "form": form, "errors": errors, "report": report, "lines": lines,
        "extra": post.parameters.weight_extra > 0,
        "locked": ShortlistEntry.objects.filter(post=post).exists(),
        "entry_form": WrittenForm(), "extra_form": ExtraForm(),
    }  # fmt: skip
    return render(request, "recruitment/exams/written.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def written(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """The written exam of a post; a POST uploads the exam centre's filled sheet."""
    post = hr_post(request.user, post_id)
    form = SheetForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _page(request, post, form)
    if not form.is_valid():
        return _page(request, post, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        if upload.size > MAX_SHEET:
            raise ValidationError(_("The file is larger than 20 MB: it is not a score sheet."))
        report = written_import(actor=request.user, post=post, data=upload.read(),
                                filename=upload.name)  # fmt: skip
    except ValidationError as exc:
        return _page(request, post, form, status=400, errors=sheet_errors(exc))
    return _page(request, post, SheetForm(), report=report)


@login_required
@require_GET
def written_template(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """The score sheet to hand the exam centre: ticket and name of each qualified applicant."""
    post = hr_post(request.user, post_id)
    rows = template_rows(post=post)
    audit_read(actor=request.user, action="recruitment.written.template", obj=post,
               detail={"rows": len(rows)})  # fmt: skip
    return attachment(template_xlsx(rows=rows), f"{post.code}-笔试成绩.xlsx", XLSX)


def _application(post: Post, application_id: int) -> Application:
    return get_object_or_404(Application.objects.filter(job_id=post.job_id), pk=application_id)


def _back(post: Post) -> str:
    return reverse("recruitment:written", args=[post.pk]) + "#scores"


@login_required
@require_POST
def written_enter_view(request: AuthedHttpRequest, post_id: int, application_id: int
                       ) -> HttpResponse:  # fmt: skip
    """One applicant's written result entered or corrected by hand."""
    post = hr_post(request.user, post_id)
    form = WrittenForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(_back(post))
    data = form.cleaned_data
    return act(request, _back(post), _("The written score was saved."), lambda: written_enter(
        actor=request.user, application=_application(post, application_id), score=data["score"],
        absent=data["absent"], discipline=data["discipline"]))  # fmt: skip


@login_required
@require_POST
def extra_enter_view(request: AuthedHttpRequest, post_id: int, application_id: int
                     ) -> HttpResponse:  # fmt: skip
    """One applicant's 加试 score."""
    post = hr_post(request.user, post_id)
    form = ExtraForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(_back(post))
    return act(request, _back(post), _("The additional test score was saved."),
               lambda: extra_enter(actor=request.user,
                                   application=_application(post, application_id),
                                   score=form.cleaned_data["extra"]))  # fmt: skip
