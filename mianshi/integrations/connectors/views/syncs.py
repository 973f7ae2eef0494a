"""Sync pages: one sync (what was sent, identifiers masked, its error), retry, and the
integrations health page (connectors and webhook endpoints, what needs a person)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.common.errors import DomainError
from mianshi.compliance.services import audit_read
from mianshi.integrations.connectors import selectors as sel
from mianshi.integrations.connectors.schemas import masked_payload
from mianshi.integrations.connectors.services.requests import sync_retry
from mianshi.organisations.scoping import has_cap


@login_required
def sync_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    sync = sel.sync_get(user=request.user, pk=pk)
    audit_read(
        actor=request.user,
        action="connector.sync_view",
        obj=sync,
        org_unit_id=sync.connector.org_unit_id,
    )
    payload = json.dumps(masked_payload(sync), ensure_ascii=False, indent=2)
    return render(request, "connectors/sync_detail.html", {"sync": sync, "payload": payload})


@login_required
@require_POST
def sync_retry_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    sync = sel.sync_get(user=request.user, pk=pk)
    try:
        sync_retry(actor=request.user, sync=sync)
    except DomainError as exc:
        messages.error(request, exc.message)
    back = request.POST.get("next") == "health"
    return (
        redirect("integrations:health") if back else redirect("integrations:sync_detail", sync.pk)
    )


@login_required
def health(request: AuthedHttpRequest) -> HttpResponse:
    if not has_cap(request.user, Cap.INTEGRATIONS_MANAGE):
        raise PermissionDenied
    context = {
        "connectors": sel.connector_health(user=request.user),
        "endpoints": sel.webhook_health(user=request.user),
        "unbound_refusals": sel.webhook_refusals_unbound(user=request.user),
    }
    return render(request, "connectors/health.html", context)
