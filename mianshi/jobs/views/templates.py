"""Interview template pages: list, detail with version history, the editor, delete."""

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
from mianshi.jobs.forms import SearchForm, TemplateForm, add_service_errors
from mianshi.jobs.views.common import delete_with, page_of, querystring, require_manage


@login_required
def template_list(request: AuthedHttpRequest) -> HttpResponse:
    filters = SearchForm(request.GET)
    filters.is_valid()
    qs = selectors.template_list_for(user=request.user, q=filters.cleaned_data.get("q", ""))
    return render(
        request,
        "jobs/template_list.html",
        {
            "filters": filters,
            "page": page_of(request, qs),
            "qs": querystring(request),
            "can_create": selectors.manageable_units(user=request.user).exists(),
        },
    )


@login_required
def template_detail(request: AuthedHttpRequest, pk: int, number: int | None = None) -> HttpResponse:
    template = selectors.template_get_for(user=request.user, pk=pk)
    versions = list(selectors.template_versions(template))
    shown = (
        selectors.template_version_get(template=template, number=number) if number else versions[0]
    )
    return render(
        request,
        "jobs/template_detail.html",
        {
            "template": template,
            "versions": versions,
            "version": shown,
            "can_manage": selectors.can_manage(user=request.user, obj=template),
        },
    )


@login_required
def template_create(request: AuthedHttpRequest) -> HttpResponse:
    require_manage(request.user)
    return _editor(request, None)


@login_required
def template_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_get_for(user=request.user, pk=pk)
    require_manage(request.user, template)
    return _editor(request, template)


def _editor(request: AuthedHttpRequest, template: Any) -> HttpResponse:
    current = selectors.template_current_version(template) if template else None
    initial = None
    if template is not None:
        initial = {
            "name": template.name,
            "description": template.description,
            "job": template.job,
            "competency_model": template.competency_model,
        }
    form = TemplateForm(
        request.POST or None, user=request.user, creating=template is None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            template = _save(request, template, form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Interview template saved."))
            return redirect("jobs:template_detail", pk=template.pk)
    return render(
        request,
        "jobs/template_form.html",
        {
            "form": form,
            "template": template,
            "current": current,
            "items": _items(request, form, current),
        },
    )


def _save(request: AuthedHttpRequest, template: Any, form: TemplateForm) -> Any:
    data = {k: form.cleaned_data[k] for k in ("name", "description", "job", "competency_model")}
    if template is None:
        org_unit = form.cleaned_data["org_unit"]
        return services.template_create(
            actor=request.user, org_unit=org_unit, question_ids=form.question_ids(), **data
        )
    services.template_update(
        actor=request.user, template=template, data=data, question_ids=form.question_ids()
    )
    return template


def _items(request: AuthedHttpRequest, form: TemplateForm, current: Any) -> list[dict[str, Any]]:
    """The ordered rows: as posted (after an error) or as the current version has them."""
    if form.is_bound:
        ids = getattr(form, "cleaned_data", {}).get("question") or []
        found = {q.pk: q for q in selectors.question_list_for(user=request.user).filter(pk__in=ids)}
        return [
            {
                "id": i,
                "text": found[i].text,
                "type": found[i].get_type_display(),
                "language": found[i].language,
            }
            for i in ids
            if i in found
        ]
    if current is None:
        return []
    return [
        {
            "id": i.question_id,
            "text": i.snapshot.get("text", ""),
            "type": i.snapshot.get("type", ""),
            "language": i.snapshot.get("language", "zh-hans"),
        }
        for i in current.items.all()
        if i.question_id
    ]


@login_required
@require_POST
def template_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_get_for(user=request.user, pk=pk)
    return delete_with(
        request,
        lambda: services.template_delete(actor=request.user, template=template),
        "jobs:template_list",
        reverse("jobs:template_detail", args=[template.pk]),
    )
