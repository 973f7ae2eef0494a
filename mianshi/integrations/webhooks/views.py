"""The webhook pages (Cap.INTEGRATIONS_MANAGE): list, create (secret shown once), detail with
deliveries and attempts, edit, rotate, test, replay, enable/disable, delete with
confirmation. Thin: a selector finds the object in scope (404 outside), a service acts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.common.errors import DomainError
from mianshi.common.once import secret_once_render
from mianshi.integrations.webhooks import selectors as sel
from mianshi.integrations.webhooks import services as svc
from mianshi.integrations.webhooks.forms import WebhookForm
from mianshi.integrations.webhooks.models import WebhookEndpoint
from mianshi.organisations.forms import add_service_errors
from mianshi.organisations.scoping import has_cap
from mianshi.organisations.selectors import orgunits_usable

DETAIL = "integrations:webhook_detail"


def _units(request: AuthedHttpRequest) -> Any:
    return orgunits_usable(user=request.user, cap=Cap.INTEGRATIONS_MANAGE).order_by("path")


@login_required
def webhook_list(request: AuthedHttpRequest) -> HttpResponse:
    if not has_cap(request.user, Cap.INTEGRATIONS_MANAGE):
        raise PermissionDenied
    endpoints = sel.endpoint_health(user=request.user)
    return render(request, "webhooks/webhook_list.html", {"rows": endpoints})


def _secret_page(
    request: AuthedHttpRequest, endpoint: WebhookEndpoint, secret: str
) -> HttpResponse:
    context = {"endpoint": endpoint}
    return secret_once_render(request, "webhooks/webhook_secret.html", context, secret=secret)


@login_required
def webhook_create(request: AuthedHttpRequest) -> HttpResponse:
    if not has_cap(request.user, Cap.INTEGRATIONS_MANAGE):
        raise PermissionDenied
    form = WebhookForm(request.POST or None, units=_units(request))
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = svc.webhook_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            return _secret_page(request, endpoint, secret)
    return render(request, "webhooks/webhook_form.html", {"form": form, "endpoint": None})


@login_required
def webhook_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    endpoint = sel.endpoint_get(user=request.user, pk=pk)
    initial = {
        "url": endpoint.url,
        "org_unit": endpoint.org_unit,
        "event_types": endpoint.event_types,
        "description": endpoint.description,
    }
    form = WebhookForm(request.POST or None, initial=initial, units=_units(request))
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            svc.webhook_update(actor=request.user, endpoint=endpoint, data=changed)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Webhook endpoint saved."))
            return redirect(DETAIL, pk=endpoint.pk)
    return render(request, "webhooks/webhook_form.html", {"form": form, "endpoint": endpoint})


@login_required
def webhook_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    endpoint = sel.endpoint_get(user=request.user, pk=pk)
    page = Paginator(sel.delivery_list(endpoint=endpoint), 20).get_page(request.GET.get("page"))
    return render(request, "webhooks/webhook_detail.html", {"endpoint": endpoint, "page": page})


def _act(request: AuthedHttpRequest, pk: int, action: Callable[..., Any], done: str) -> Any:
    endpoint = sel.endpoint_get(user=request.user, pk=pk)
    try:
        action(actor=request.user, endpoint=endpoint)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(DETAIL, pk=endpoint.pk)


@login_required
@require_POST
def webhook_test(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    done = _("A test message is on its way; its delivery appears below.")
    return _act(request, pk, svc.webhook_test, done)


@login_required
@require_POST
def webhook_enable(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, svc.webhook_enable, _("Webhook endpoint enabled."))


@login_required
@require_POST
def webhook_disable(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, svc.webhook_disable, _("Webhook endpoint disabled."))


@login_required
@require_POST
def webhook_rotate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    endpoint = sel.endpoint_get(user=request.user, pk=pk)
    secret = svc.webhook_rotate_secret(actor=request.user, endpoint=endpoint)
    return _secret_page(request, endpoint, secret)


@login_required
def webhook_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    endpoint = sel.endpoint_get(user=request.user, pk=pk)
    if request.method == "POST" and request.POST.get("confirm"):
        svc.webhook_delete(actor=request.user, endpoint=endpoint)
        messages.success(request, _("Webhook endpoint deleted."))
        return redirect("integrations:webhook_list")
    asked = request.method == "POST"
    return render(request, "webhooks/webhook_delete.html", {"endpoint": endpoint, "asked": asked})


@login_required
@require_POST
def webhook_replay(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    delivery = sel.delivery_get(user=request.user, pk=pk)
    try:
        svc.delivery_replay(actor=request.user, delivery=delivery)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The event is sent again with the same webhook-id."))
    return redirect(DETAIL, pk=delivery.endpoint_id)
