"""Question bank pages: list with filters, detail, the question editor, delete."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.jobs import selectors, services
from mianshi.jobs.forms import (
    NEW_RUBRIC,
    QuestionFilterForm,
    QuestionForm,
    RubricFormSet,
    add_service_errors,
    question_initial,
    question_input_from_forms,
)
from mianshi.jobs.views.common import delete_with, page_of, querystring, require_manage


@login_required
def question_list(request: AuthedHttpRequest) -> HttpResponse:
    filters = QuestionFilterForm(request.GET)
    filters.is_valid()
    qs = selectors.question_list_for(user=request.user, **filters.cleaned_data)
    return render(
        request,
        "jobs/question_list.html",
        {
            "filters": filters,
            "page": page_of(request, qs),
            "qs": querystring(request),
            "can_create": selectors.manageable_units(user=request.user).exists(),
        },
    )


@login_required
def question_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    question = selectors.question_get_for(user=request.user, pk=pk)
    return render(
        request,
        "jobs/question_detail.html",
        {
            "question": question,
            "can_manage": selectors.can_manage(user=request.user, obj=question),
        },
    )


@login_required
def question_create(request: AuthedHttpRequest) -> HttpResponse:
    require_manage(request.user)
    return _editor(request, None)


@login_required
def question_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    question = selectors.question_get_for(user=request.user, pk=pk)
    require_manage(request.user, question)
    return _editor(request, question)


def _editor(request: AuthedHttpRequest, question: Any) -> HttpResponse:
    initial, rubric_initial = question_initial(question) if question else (None, NEW_RUBRIC)
    form = QuestionForm(
        request.POST or None, user=request.user, creating=question is None, initial=initial
    )
    language = request.POST.get("language") or (question.language if question else "")
    rubric = RubricFormSet(
        request.POST or None,
        prefix="rubric",
        initial=rubric_initial,
        form_kwargs={"language": language},
    )
    if request.method == "POST" and form.is_valid() and rubric.is_valid():
        data = question_input_from_forms(form, rubric)
        try:
            if question is None:
                question = services.question_create(
                    actor=request.user, org_unit=form.cleaned_data["org_unit"], data=data
                )
            else:
                services.question_update(actor=request.user, question=question, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Question saved."))
            return redirect("jobs:question_detail", pk=question.pk)
    return render(
        request, "jobs/question_form.html", {"form": form, "rubric": rubric, "question": question}
    )


@login_required
@require_POST
def question_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    question = selectors.question_get_for(user=request.user, pk=pk)
    return delete_with(
        request,
        lambda: services.question_delete(actor=request.user, question=question),
        "jobs:question_list",
        reverse("jobs:question_detail", args=[question.pk]),
    )
