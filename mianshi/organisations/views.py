"""Org tree UI: the tree, create, edit/move, deactivate (thin: one service or selector each)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.common.errors import DomainError
from mianshi.organisations import selectors, services
from mianshi.organisations.forms import OrgUnitForm, add_service_errors
from mianshi.organisations.scoping import has_cap


@login_required
def unit_list(request: AuthedHttpRequest) -> HttpResponse:
    nodes = selectors.flatten(selectors.orgunit_tree(user=request.user))
    return render(
        request,
        "organisations/unit_list.html",
        {
            "nodes": nodes,
            "can_create": has_cap(request.user, Cap.ORG_MANAGE),
        },
    )


@login_required
def unit_create(request: AuthedHttpRequest) -> HttpResponse:
    parents = selectors.orgunit_choices(user=request.user)
    form = OrgUnitForm(
        request.POST or None, parents=parents, initial={"parent": request.GET.get("parent")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.orgunit_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit “%(name)s” created.") % {"name": unit.name})
            return redirect("organisations:unit_list")
    return render(request, "organisations/unit_form.html", {"form": form, "unit": None})


@login_required
def unit_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = selectors.orgunit_get(user=request.user, pk=pk, cap=Cap.ORG_MANAGE)
    parents = selectors.orgunit_choices(user=request.user).exclude(path__startswith=unit.path)
    initial = {"name": unit.name, "code": unit.code, "kind": unit.kind, "parent": unit.parent}
    form = OrgUnitForm(request.POST or None, parents=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.orgunit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit saved."))
            return redirect("organisations:unit_list")
    return render(request, "organisations/unit_form.html", {"form": form, "unit": unit})


@login_required
@require_POST
def unit_deactivate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = selectors.orgunit_get(user=request.user, pk=pk, cap=Cap.ORG_MANAGE)
    try:
        services.orgunit_deactivate(actor=request.user, unit=unit)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Unit deactivated."))
    return redirect("organisations:unit_list")


@login_required
@require_POST
def unit_reactivate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = selectors.orgunit_get(user=request.user, pk=pk, cap=Cap.ORG_MANAGE)
    try:
        services.orgunit_reactivate(actor=request.user, unit=unit)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Unit reactivated."))
    return redirect("organisations:unit_list")
