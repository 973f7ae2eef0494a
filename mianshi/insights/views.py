"""The landing page: the login form for visitors, the role home page (to-do centre) for staff.

It reads every app below it (to-do lists, the trail's state, system health), so it sits at
the top of the apps; the reads are in selectors*.py, this module only renders them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.forms import LockoutAuthenticationForm
from mianshi.accounts.roles import Cap
from mianshi.compliance.services import audit_read
from mianshi.insights.selectors import funnel, home_page
from mianshi.insights.services import trail_verify
from mianshi.organisations.scoping import has_cap


def home(request: HttpRequest) -> HttpResponseBase:
    """Anonymous visitors get the login page at /, staff their home page."""
    if not request.user.is_authenticated:
        return LoginView.as_view(
            template_name="accounts/login.html", authentication_form=LockoutAuthenticationForm
        )(request)
    page = home_page(user=request.user)
    if ids := page.application_ids:  # the lists name candidates: a read of personal data
        audit_read(
            actor=request.user, action="application.list", object_type="candidates.application",
            ids=ids, detail={"page": "home"},
        )  # fmt: skip
    if page.trail is not None:  # who read what, by name: the auditors' reads are recorded too
        audit_read(actor=request.user, action="audit.list", detail={"page": "home"})
    return render(request, "insights/home.html", {"home": page})


@login_required
@require_GET
def funnel_panel(request: AuthedHttpRequest) -> HttpResponseBase:
    """The home page's funnel and its table, fetched by the page once it is shown."""
    if not has_cap(request.user, Cap.CANDIDATES_VIEW):
        raise PermissionDenied
    return render(request, "insights/_funnel_body.html", {"funnel": funnel(user=request.user)})


@login_required
@require_POST
def verify_trail(request: AuthedHttpRequest) -> HttpResponseBase:
    """Verify the audit chain now and go back home, where the result shows."""
    report = trail_verify(actor=request.user)
    if report.intact:
        messages.success(request, _("The audit chain is intact."))
    else:
        messages.error(request, _("The audit chain is broken: see the trail's state below."))
    return redirect("insights:dashboard")
