"""The archive's settings page: the performance scale of a unit and the inbound webhook
sources (a new source's secret is shown on this page once, never again)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.common.once import secret_once_render
from mianshi.employees import selectors as sel
from mianshi.employees.forms import ScaleForm, SourceForm
from mianshi.employees.services.inbound import inbound_source_create
from mianshi.employees.services.scales import scale_set
from mianshi.organisations.scoping import has_cap


def _units(request: AuthedHttpRequest) -> list[tuple[int, str]]:
    return [(u.pk, u.name) for u in sel.units_for_employees(user=request.user)]


def _add_errors(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _save_scale(request: AuthedHttpRequest, form: ScaleForm) -> bool:
    if not form.is_valid():
        return False
    unit = sel.unit_for_employees(user=request.user, pk=form.cleaned_data["unit"])
    try:
        grades, ranges = (
            json.loads(form.cleaned_data[k] or d) for k, d in (("grades", "{}"), ("ranges", "[]"))
        )
        scale_set(
            actor=request.user,
            org_unit=unit,
            name=form.cleaned_data["name"],
            grades=grades,
            ranges=ranges,
        )
    except ValueError:
        form.add_error("grades", ValidationError(form.fields["grades"].help_text))
        return False
    except ValidationError as exc:
        _add_errors(form, exc)
        return False
    return True


def _save_source(request: AuthedHttpRequest, form: SourceForm) -> str:
    if not form.is_valid():
        return ""
    unit = sel.unit_for_employees(user=request.user, pk=form.cleaned_data["unit"])
    try:
        return inbound_source_create(
            actor=request.user, name=form.cleaned_data["name"], org_unit=unit
        )[1]
    except ValidationError as exc:
        _add_errors(form, exc)
        return ""


@login_required
@require_http_methods(["GET", "POST"])
def archive_settings(request: AuthedHttpRequest) -> HttpResponse:
    """Scales and inbound sources of the units the reader manages employees of."""
    if not has_cap(request.user, Cap.EMPLOYEES_MANAGE):
        raise PermissionDenied
    units = _units(request)
    post = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if post else ""
    scale_form = ScaleForm(post if which == "scale" else None, units=units)
    source_form = SourceForm(post if which == "source" else None, units=units)
    saved = which == "scale" and _save_scale(request, scale_form)
    secret = _save_source(request, source_form) if which == "source" else ""
    failed = bool(which) and not (saved or secret)
    context = {
        "scale_form": scale_form, "source_form": source_form, "saved": saved,
        "scales": sel.scales_visible(user=request.user),
        "sources": sel.sources_visible(user=request.user).select_related("org_unit"),
    }  # fmt: skip
    page, status = "employees/settings.html", 400 if failed else 200
    return secret_once_render(request, page, context, secret=secret, status=status)
