"""The working-day calendar page: the configured days of a year (holidays and 调休
working days), kept by whoever manages the organisation."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.jobs.forms import add_service_errors
from mianshi.organisations.scoping import has_cap
from mianshi.recruitment import selectors_plan_pages as pages
from mianshi.recruitment.calendar import OFFICIAL_YEARS
from mianshi.recruitment.forms_plans import CalendarDayForm, CalendarLoadForm, CalendarRemoveForm
from mianshi.recruitment.services.plans import (
    calendar_day_remove,
    calendar_day_set,
    calendar_load_official,
)


def _year(raw: str | None) -> int:
    try:
        year = int(raw or "")
    except ValueError:
        return dt.date.today().year
    return year if 2000 <= year <= 2100 else dt.date.today().year


def _page(
    request: AuthedHttpRequest, year: int, form: CalendarDayForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "year": year,
        "days": pages.calendar_days(year),
        "form": form or CalendarDayForm(),
        # The year shown, when its notice is shipped; else the latest notice.
        "load_form": CalendarLoadForm(
            initial={"year": year if year in OFFICIAL_YEARS else OFFICIAL_YEARS[-1]},
            auto_id="load_%s",
        ),
        "can_edit": has_cap(request.user, Cap.ORG_MANAGE),
        "previous": year - 1,
        "next": year + 1,
    }
    return render(request, "recruitment/plans/calendar.html", context, status=status)


@login_required
@require_GET
def calendar(request: AuthedHttpRequest) -> HttpResponse:
    """The days of a year that break the weekly rule."""
    if not (has_cap(request.user, Cap.JOBS_VIEW) or has_cap(request.user, Cap.ORG_MANAGE)):
        raise PermissionDenied
    return _page(request, _year(request.GET.get("year")))


def _back(year: int) -> HttpResponse:
    return redirect(reverse("recruitment:calendar") + f"?year={year}")


@login_required
@require_POST
def calendar_day_add(request: AuthedHttpRequest) -> HttpResponse:
    """Mark a day as a day off or a 调休 working day."""
    form = CalendarDayForm(request.POST)
    if not form.is_valid():
        return _page(request, _year(request.POST.get("year")), form, 400)
    data = form.cleaned_data
    try:
        calendar_day_set(actor=request.user, day=data["day"], kind=data["kind"], name=data["name"])
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _page(request, data["day"].year, form, 400)
    messages.success(request, _("%(day)s was saved.") % {"day": data["day"].isoformat()})
    return _back(data["day"].year)


@login_required
@require_POST
def calendar_day_delete(request: AuthedHttpRequest) -> HttpResponse:
    """Let a day follow the weekly rule again."""
    form = CalendarRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not a valid date."))
        return _back(_year(None))
    day = form.cleaned_data["day"]
    if calendar_day_remove(actor=request.user, day=day):
        messages.success(request, _("%(day)s follows the weekly rule again.") % {"day": day})
    return _back(day.year)


@login_required
@require_POST
def calendar_load(request: AuthedHttpRequest) -> HttpResponse:
    """Write the State Council's calendar of one of the years shipped."""
    form = CalendarLoadForm(request.POST)
    if not form.is_valid():
        raw = request.POST.get("year", "")[:10]
        messages.error(request, _("No official calendar for %(year)s.") % {"year": raw})
        return _back(_year(raw))
    year = form.cleaned_data["year"]
    try:
        changed = calendar_load_official(actor=request.user, year=year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The official calendar of %(year)s was loaded: %(changed)s days changed.")
            % {"year": year, "changed": changed},
        )
    return _back(year)
