"""The examiner pool (考官库) of the reader's units: add, edit, take out of future draws.
ID numbers are shown masked, the way the candidates' pages show identifiers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mianshi.accounts.actor import Actor, AuthedHttpRequest
from mianshi.accounts.models import User
from mianshi.accounts.roles import Cap
from mianshi.candidates.selectors import mask
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import units_for
from mianshi.recruitment.forms_exams import ExaminerForm
from mianshi.recruitment.models import Post
from mianshi.recruitment.selectors_panels import examiners_visible
from mianshi.recruitment.services.panels import (
    examiner_create,
    examiner_deactivate,
    examiner_update,
)
from mianshi.recruitment.views.exams.access import hr_post


def _form(user: Actor, data: Any = None, **kwargs: Any) -> ExaminerForm:
    units = units_for(user, Cap.JOBS_MANAGE)
    users: QuerySet[User] = User.objects.filter(grants__org_unit__in=units, is_active=True)
    return ExaminerForm(data, units=OrgUnit.objects.filter(pk__in=units).order_by("path"),
                        users=users.distinct().order_by("username"), **kwargs)  # fmt: skip


def _data(form: ExaminerForm) -> dict[str, Any]:
    data = {k: v for k, v in form.cleaned_data.items() if k != "org_unit"}
    data["expertise"] = form.expertise_list()
    if not data["id_number"]:
        del data["id_number"]  # empty keeps the recorded number
    return data


def _add_errors(form: ExaminerForm, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@require_http_methods(["GET", "POST"])
def examiners(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """The pool with its masked ID numbers, and the form to add an examiner."""
    post = hr_post(request.user, post_id)
    form = _form(request.user, request.POST or None,
                 initial={"org_unit": post.plan.org_unit_id})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            examiner_create(actor=request.user, org_unit=form.cleaned_data["org_unit"],
                            **_data(form))  # fmt: skip
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The examiner was added to the pool."))
            return redirect("recruitment:examiners", post.pk)
    return _list(request, post, form, 400 if request.method == "POST" else 200)


def _list(request: AuthedHttpRequest, post: Post, form: ExaminerForm, status: int
          ) -> HttpResponse:  # fmt: skip
    pool = list(examiners_visible(request.user).select_related("org_unit", "user"))
    rows = [{"examiner": e, "id_masked": mask(e.id_number, "id_number")} for e in pool]
    context = {"post": post, "rows": rows, "form": form}
    return render(request, "recruitment/exams/examiners.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def examiner_edit(request: AuthedHttpRequest, post_id: int, examiner_id: int) -> HttpResponse:
    """Change an examiner's facts; an empty ID number keeps the recorded one."""
    post = hr_post(request.user, post_id)
    examiner = get_object_or_404(examiners_visible(request.user), pk=examiner_id)
    initial = {"org_unit": examiner.org_unit_id, "name": examiner.name,
               "region": examiner.region, "expertise": ", ".join(examiner.expertise),
               "employer": examiner.employer, "school": examiner.school,
               "graduation_year": examiner.graduation_year, "user": examiner.user_id}  # fmt: skip
    form = _form(request.user, request.POST or None, initial=initial)
    form.fields["org_unit"].disabled = True  # the pool an examiner belongs to stays
    if request.method == "POST" and form.is_valid():
        try:
            examiner_update(actor=request.user, examiner=examiner, data=_data(form))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The examiner was saved."))
            return redirect("recruitment:examiners", post.pk)
    context = {"post": post, "examiner": examiner, "form": form,
               "id_masked": mask(examiner.id_number, "id_number")}  # fmt: skip
    status = 400 if request.method == "POST" else 200
    return render(request, "recruitment/exams/examiner_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def examiner_deactivate_view(request: AuthedHttpRequest, post_id: int, examiner_id: int
                             ) -> HttpResponse:  # fmt: skip
    """Confirm (GET) and take the examiner out of future draws (POST)."""
    post = hr_post(request.user, post_id)
    examiner = get_object_or_404(examiners_visible(request.user), pk=examiner_id, active=True)
    if request.method == "POST":
        examiner_deactivate(actor=request.user, examiner=examiner)
        messages.success(request, _("The examiner takes no part in future draws."))
        return redirect("recruitment:examiners", post.pk)
    context = {"post": post, "examiner": examiner}
    return render(request, "recruitment/exams/examiner_deactivate.html", context)
