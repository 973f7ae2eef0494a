"""Competency model pages: list, detail, the dimension editor, delete."""

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
    CompetencyModelForm,
    DimensionFormSet,
    SearchForm,
    add_service_errors,
    dimension_initial,
    dimensions_from_formset,
)
from mianshi.jobs.views.common import delete_with, page_of, querystring, require_manage


@login_required
def model_list(request: AuthedHttpRequest) -> HttpResponse:
    filters = SearchForm(request.GET)
    filters.is_valid()
    qs = selectors.competency_model_list_for(user=request.user, q=filters.cleaned_data.get("q", ""))
    return render(
        request,
        "jobs/model_list.html",
        {
            "filters": filters,
            "page": page_of(request, qs),
            "qs": querystring(request),
            "can_create": selectors.manageable_units(user=request.user).exists(),
        },
    )


@login_required
def model_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    model = selectors.competency_model_get_for(user=request.user, pk=pk)
    return render(
        request,
        "jobs/model_detail.html",
        {
            "model": model,
            "dimensions": selectors.dimension_tree(model),
            "can_manage": selectors.can_manage(user=request.user, obj=model),
        },
    )


@login_required
def model_create(request: AuthedHttpRequest) -> HttpResponse:
    require_manage(request.user)
    return _editor(request, None)


@login_required
def model_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    model = selectors.competency_model_get_for(user=request.user, pk=pk)
    require_manage(request.user, model)
    return _editor(request, model)


def _editor(request: AuthedHttpRequest, model: Any) -> HttpResponse:
    """One page for the model's name and its dimension rows; saving is all-or-nothing."""
    initial = {"name": model.name, "description": model.description} if model else None
    form = CompetencyModelForm(
        request.POST or None, user=request.user, creating=model is None, initial=initial
    )
    rows = DimensionFormSet(
        request.POST or None, prefix="dim", initial=dimension_initial(model) if model else None
    )
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        try:
            saved = _save(request, model, form, rows)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Competency model saved."))
            return redirect("jobs:model_detail", pk=saved.pk)
    return render(request, "jobs/model_form.html", {"form": form, "rows": rows, "model": model})


def _save(request: AuthedHttpRequest, model: Any, form: CompetencyModelForm, rows: Any) -> Any:
    data, dims = dict(form.cleaned_data), dimensions_from_formset(rows)
    if model is None:
        return services.competency_model_create(actor=request.user, dimensions=dims, **data)
    return services.competency_model_update(
        actor=request.user, model=model, data=data, dimensions=dims
    )


@login_required
@require_POST
def model_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    model = selectors.competency_model_get_for(user=request.user, pk=pk)
    return delete_with(
        request,
        lambda: services.competency_model_delete(actor=request.user, model=model),
        "jobs:model_list",
        reverse("jobs:model_detail", args=[model.pk]),
    )
