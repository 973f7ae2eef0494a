"""Connector pages: the list, create (adapter chosen first), edit, detail with its syncs,
test connection. Thin: a selector finds the connector in scope (404 outside), a service acts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.common.errors import DomainError
from mianshi.integrations.connectors import selectors as sel
from mianshi.integrations.connectors.forms import ConnectorForm, adapter_choices, initial_for
from mianshi.integrations.connectors.models import SyncStatus
from mianshi.integrations.connectors.protocol import adapters_all
from mianshi.integrations.connectors.services import connectors as svc
from mianshi.integrations.connectors.validation import adapter_for
from mianshi.organisations.forms import add_service_errors
from mianshi.organisations.scoping import has_cap
from mianshi.organisations.selectors import orgunits_usable

DETAIL = "integrations:connector_detail"


def _require(request: AuthedHttpRequest) -> None:
    if not has_cap(request.user, Cap.INTEGRATIONS_MANAGE):
        raise PermissionDenied


def _units(request: AuthedHttpRequest) -> Any:
    return orgunits_usable(user=request.user, cap=Cap.INTEGRATIONS_MANAGE).order_by("path")


@login_required
def connector_list(request: AuthedHttpRequest) -> HttpResponse:
    _require(request)
    rows = sel.connector_health(user=request.user, rows=0)
    return render(
        request, "connectors/connector_list.html", {"rows": rows, "adapters": adapters_all()}
    )


@login_required
def connector_create(request: AuthedHttpRequest) -> HttpResponse:
    _require(request)
    key = request.GET.get("adapter") or (adapter_choices()[0][0] if adapter_choices() else "")
    try:
        adapter = adapter_for(key)
    except ValidationError:
        return redirect("integrations:connector_list")
    form = ConnectorForm(
        request.POST or None, adapter=adapter, units=_units(request), editing=False
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit = form.cleaned_data["org_unit"]
            connector = svc.connector_create(
                actor=request.user,
                org_unit_id=unit.pk,
                adapter=adapter.key,
                data=form.service_data(),
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            return redirect(
                "integrations:connector_template", connector.pk, sorted(adapter.push_kinds)[0]
            )
    context = {"form": form, "adapter": adapter, "adapters": adapter_choices(), "connector": None}
    return render(request, "connectors/connector_form.html", context)


@login_required
def connector_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    connector = sel.connector_get(user=request.user, pk=pk)
    adapter = adapter_for(connector.adapter)
    form = ConnectorForm(
        request.POST or None,
        initial=initial_for(connector),
        adapter=adapter,
        units=_units(request),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        data["credentials"] = {k: v for k, v in data["credentials"].items() if v}
        try:
            svc.connector_update(actor=request.user, connector=connector, data=data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            return redirect(DETAIL, connector.pk)
    context = {"form": form, "adapter": adapter, "connector": connector}
    return render(request, "connectors/connector_form.html", context)


@login_required
def connector_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    connector = sel.connector_get(user=request.user, pk=pk)
    status = request.GET.get("status", "")
    status = status if status in SyncStatus.values else ""
    syncs = sel.sync_list(user=request.user, connector_id=connector.pk, status=status)[:50]
    context = {
        "connector": connector, "adapter": adapter_for(connector.adapter), "syncs": syncs,
        "status": status, "statuses": SyncStatus.choices,
        "templates": sel.template_versions(connector=connector)[:20],
    }  # fmt: skip
    return render(request, "connectors/connector_detail.html", context)


@login_required
@require_POST
def connector_test(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    connector = sel.connector_get(user=request.user, pk=pk)
    ok, message = svc.connector_test(actor=request.user, connector=connector)
    (messages.success if ok else messages.error)(request, message)
    return redirect(DETAIL, connector.pk)
