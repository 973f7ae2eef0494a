"""The Moka binding pages: "bind Moka" on the connector page sends HR to Moka with a state
kept in their session; Moka's redirect back lands on the callback, which binds only with
that state (400 otherwise, nothing stored). Thin: the services in moka_services act."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.common.errors import DomainError
from mianshi.integrations.connectors import moka_services as svc
from mianshi.integrations.connectors import selectors as sel
from mianshi.integrations.connectors.protocol import AdapterError

SESSION_KEY = "connectors.moka_bind"


@login_required
@require_POST
def moka_bind(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    connector = sel.connector_get(user=request.user, pk=pk)
    try:
        url, state = svc.moka_bind_start(actor=request.user, connector=connector)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("integrations:connector_detail", connector.pk)
    request.session[SESSION_KEY] = {"state": state, "connector": connector.pk}
    return redirect(url)


def _refused(request: AuthedHttpRequest, reason: str) -> HttpResponse:
    context = {"reason": reason}
    return render(request, "connectors/moka_bind_failed.html", context, status=400)


@login_required
@require_GET
def moka_callback(request: AuthedHttpRequest) -> HttpResponse:
    started = request.session.pop(SESSION_KEY, None)
    if not isinstance(started, dict) or not request.GET.get("state"):
        return _refused(request, _("This binding was not started here, or it has expired."))
    connector = sel.connector_get(user=request.user, pk=int(started.get("connector") or 0))
    try:
        svc.moka_bind_finish(
            actor=request.user, connector=connector, params=request.GET.dict(),
            expected_state=str(started.get("state") or ""),
        )  # fmt: skip
    except (AdapterError, DomainError) as exc:
        return _refused(request, exc.message)
    messages.success(request, _("Moka is bound: applications can be pulled and results sent."))
    return redirect("integrations:connector_detail", connector.pk)
