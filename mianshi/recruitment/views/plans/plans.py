"""Plan pages: the list, creation and parameters, the plan's page with its posts, the
announcement (a dated, irreversible step) and the 招聘公告 as a Word-ready download."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.candidates.responses import attachment
from mianshi.jobs.forms import add_service_errors
from mianshi.jobs.selectors import manageable_units
from mianshi.organisations.scoping import has_cap
from mianshi.recruitment import selectors as sel
from mianshi.recruitment import selectors_plan_pages as pages
from mianshi.recruitment.forms_plans import AnnounceForm, PlanForm
from mianshi.recruitment.models import PlanStatus
from mianshi.recruitment.services.plans import plan_announce, plan_create, plan_update_parameters

ANNOUNCEMENT_NAME = "招聘公告.doc"


@login_required
@require_GET
def plan_list(request: AuthedHttpRequest) -> HttpResponse:
    """The plans of the user's units with their status, year, posts and dates."""
    if not has_cap(request.user, Cap.JOBS_VIEW):
        raise PermissionDenied
    page = Paginator(pages.plan_rows(request.user), 50).get_page(request.GET.get("page"))
    can_create = has_cap(request.user, Cap.JOBS_MANAGE)
    return render(
        request, "recruitment/plans/plan_list.html", {"page": page, "can_create": can_create}
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create_view(request: AuthedHttpRequest) -> HttpResponse:
    """A new draft plan of one of the user's units, its parameters defaulted."""
    units = manageable_units(user=request.user)
    if not units.exists():
        raise PermissionDenied
    initial = PlanForm.initial_from({}) | {"year": dt.date.today().year}
    form = PlanForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = plan_create(
                actor=request.user,
                org_unit=data["org_unit"],
                title=data["title"],
                year=data["year"],
                parameters=form.parameters(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The plan was created as a draft."))
            return redirect("recruitment:plan_detail", pk=plan.pk)
    status = 400 if form.is_bound else 200
    return render(request, "recruitment/plans/plan_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A draft plan's parameters (title, year and unit stay as created)."""
    plan = sel.plan_get(user=request.user, pk=pk)
    if not pages.can(request.user, Cap.JOBS_MANAGE, plan.org_unit_id):
        raise PermissionDenied
    initial = PlanForm.initial_from(plan.parameters) | {"title": plan.title, "year": plan.year}
    form = PlanForm(request.POST or None, initial=initial)
    form.fields["title"].disabled = form.fields["year"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            plan_update_parameters(actor=request.user, plan=plan, parameters=form.parameters())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The plan's parameters were saved."))
            return redirect("recruitment:plan_detail", pk=plan.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "plan": plan}
    return render(request, "recruitment/plans/plan_form.html", context, status=status)


def _parameter_lines(parameters: dict[str, Any]) -> list[tuple[str, str]]:
    """The plan's parameters as label and value in words."""
    form = PlanForm(initial=PlanForm.initial_from(parameters))
    lines = []
    for name, field in form.fields.items():
        if name in ("title", "year"):
            continue
        value = form.initial.get(name)
        choices = dict(getattr(field, "choices", ()) or ())
        if isinstance(value, bool):
            shown = _("Yes") if value else _("No")
        else:
            shown = str(choices.get(value, value))
        lines.append((str(field.label), shown))
    return lines


@login_required
@require_GET
def plan_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The plan's parameters in words, its dates and its posts with their counts."""
    plan = sel.plan_get(user=request.user, pk=pk)
    manage = pages.can(request.user, Cap.JOBS_MANAGE, plan.org_unit_id)
    context = {
        "plan": plan,
        "rows": pages.post_rows(user=request.user, plan=plan),
        "parameters": _parameter_lines(plan.parameters),
        "draft": plan.status == PlanStatus.DRAFT,
        "can_manage": manage,
    }
    return render(request, "recruitment/plans/plan_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_announce_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Publish the plan on a day: its dates are counted and its rules frozen."""
    plan = sel.plan_get(user=request.user, pk=pk)
    if not pages.can(request.user, Cap.JOBS_MANAGE, plan.org_unit_id):
        raise PermissionDenied
    form = AnnounceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = plan_announce(
                actor=request.user,
                plan=plan,
                on=form.cleaned_data["on"],
                close_after_days=form.cleaned_data["close_after_days"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Announced. Applications open on %(opens)s and close on %(closes)s.")
                % {"opens": done.applications_open_on, "closes": done.applications_close_on},
            )
            return redirect("recruitment:plan_detail", pk=plan.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "plan": plan}
    return render(request, "recruitment/plans/plan_announce.html", context, status=status)


@login_required
@require_GET
def announcement(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The 招聘公告 as an HTML file Word opens."""
    plan = sel.plan_get(user=request.user, pk=pk)
    html = sel.announcement_html(plan=plan).encode()
    return attachment(html, ANNOUNCEMENT_NAME, "application/msword; charset=utf-8")


@login_required
@require_GET
def announcement_preview(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The 招聘公告 shown in the page, beside its download."""
    plan = sel.plan_get(user=request.user, pk=pk)
    context = {"plan": plan, "html": sel.announcement_html(plan=plan)}
    return render(request, "recruitment/plans/announcement_preview.html", context)
